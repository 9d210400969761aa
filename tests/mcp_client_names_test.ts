/**
 * End-to-end: a 2025-era client is recorded under the name it gave in its `initialize`, not
 * under its runtime's User-Agent (`node`, `Deno/2.9.6`): the server hands out an
 * Mcp-Session-Id with the handshake's answer, and the client's later requests carry it back.
 * The MCP SDK's 1.x client and its 2.x client on the 2025 handshake; a raw client shows the
 * header, and that a request without it (or with one this server never gave) still works,
 * named by its User-Agent as a last resort.
 */
import assert from "node:assert/strict";
import { connectLegacyMcp } from "./_doors.ts";
import { connectMcp, hubTest, type TestHub } from "./_hub.ts";

/** Who the server recorded as the starter of `label` (the JSON API keeps the full record). */
async function startedBy(hub: TestHub, label: string): Promise<string | null> {
  const { body } = await hub.api("list", { command_or_label: label });
  return body.processes[0].started_by;
}

/** The ctrl arguments that start `sleep 60` under `label`. */
function sleeper(hub: TestHub, label: string): Record<string, unknown> {
  return { action: "start", command_or_label: "sleep 60", working_directory: hub.dataDir, label };
}

/** Starts `sleep 60` under `label` through `client`. */
async function startThrough(
  client: { callTool(p: { name: string; arguments: Record<string, unknown> }): Promise<unknown> },
  hub: TestHub,
  label: string,
): Promise<void> {
  const result = await client.callTool({ name: "ctrl", arguments: sleeper(hub, label) }) as {
    isError?: boolean;
    content: unknown;
  };
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
}

hubTest("a 1.x client is named by its initialize, not its runtime's User-Agent", async (hub) => {
  {
    await using client = await connectLegacyMcp(hub, {
      as: { name: "gemini-cli-mcp-client", version: "0.61.0" },
      userAgent: "node",
    });
    await startThrough(client, hub, "by-1x");
  }
  assert.equal(await startedBy(hub, "by-1x"), "gemini-cli-mcp-client/0.61.0");
});

hubTest("a 2.x client on the 2025 handshake is named by its initialize", async (hub) => {
  await using client = await connectMcp(hub, {
    mode: "legacy",
    as: { name: "codex-mcp-client", version: "0.169.0" },
    userAgent: "Deno/2.9.6",
  });
  assert.equal(client.getProtocolEra(), "legacy");
  await startThrough(client, hub, "by-2x-legacy");
  assert.equal(await startedBy(hub, "by-2x-legacy"), "codex-mcp-client/0.169.0");
});

hubTest(
  "the session id comes with the handshake; without it the User-Agent names the caller",
  async (hub) => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      hub.fetch("/mcp", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
          "user-agent": "curl/8.5.0",
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const initialized = await post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw-agent", version: "1.0" },
      },
    });
    await initialized.body?.cancel();
    const session = initialized.headers.get("mcp-session-id");
    assert.match(session ?? "", /^[0-9a-f-]{36}$/);
    const start = (id: number, label: string, headers: Record<string, string>) =>
      post({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: "ctrl", arguments: sleeper(hub, label) },
      }, headers);
    for (
      const [label, headers, expected] of [
        ["with-session", { "mcp-session-id": session! }, "raw-agent/1.0"],
        ["without", {}, "curl/8.5.0"],
        ["unknown-session", { "mcp-session-id": crypto.randomUUID() }, "curl/8.5.0"],
      ] as const
    ) {
      const response = await start(2, label, headers);
      assert.equal(response.status, 200, label);
      await response.text();
      assert.equal(await startedBy(hub, label), expected, label);
    }
  },
);
