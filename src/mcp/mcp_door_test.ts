import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { z } from "zod";
import { createMcpDoor } from "./mcp_door.ts";
import type { Hub, ToolDefinition } from "./tools.ts";

/** A tool that answers with the client its context names. */
const whoami: ToolDefinition = {
  name: "whoami",
  title: "Who am I",
  description: "Says which client called",
  inputSchema: {},
  outputSchema: { client: z.object({ name: z.string(), version: z.string() }).nullable() },
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: (_hub, _args, context) =>
    Promise.resolve({
      structured: { client: context.client },
      text: context.client?.name ?? "unknown",
    }),
};

/** Calls whoami through the door, in process, with a client in the given negotiation mode. */
async function whoCalled(mode: "legacy" | { pin: string }, userAgent?: string) {
  const door = createMcpDoor({} as Hub, { name: "persistproc", version: "0" }, {
    tools: [whoami],
  });
  const client = new Client({ name: "agent-x", version: "1.2.3" }, {
    versionNegotiation: { mode },
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("http://127.0.0.1:1/mcp"), {
      fetch: (input, init) => door(new Request(input, init)),
      // Requests built in process carry no Host header unless given one.
      requestInit: {
        headers: { host: "127.0.0.1:1", ...userAgent && { "user-agent": userAgent } },
      },
    }),
  );
  try {
    return (await client.callTool({ name: "whoami", arguments: {} })).structuredContent;
  } finally {
    await client.close();
  }
}

Deno.test("a 2026-07-28 tool call names its client from the request's _meta", async () => {
  assert.deepEqual(await whoCalled({ pin: "2026-07-28" }, "other/9"), {
    client: { name: "agent-x", version: "1.2.3" },
  });
});

Deno.test("a 2025-era tool call names its client from the User-Agent header", async () => {
  assert.deepEqual(await whoCalled("legacy", "claude-code/2.1.0 (cli)"), {
    client: { name: "claude-code", version: "2.1.0" },
  });
});

Deno.test("the door refuses a foreign Host or Origin with a JSON-RPC error", async () => {
  const door = createMcpDoor({} as Hub, { name: "persistproc", version: "0" });
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
  for (
    const headers of [
      { host: "evil.example:8947" },
      { host: "127.0.0.1:8947", origin: "https://evil.example" },
    ] as Record<string, string>[]
  ) {
    const response = await door(
      new Request("http://127.0.0.1:8947/mcp", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body,
      }),
    );
    assert.equal(response.status, 403, JSON.stringify(headers));
    assert.equal((await response.json()).jsonrpc, "2.0");
  }
});
