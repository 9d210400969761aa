import assert from "node:assert/strict";
import { freePort, until } from "../core/_test_support.ts";
import type { Hub } from "../mcp/tools.ts";
import { listen } from "./server.ts";

Deno.test({
  name: "an MCP wait with no time limit ends when its client goes away",
  // The SDK keeps timers of its own (its keep-alive) until its transport is torn down.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // A hub whose output wait never ends by itself: only its caller's abort can end it.
    let began = false;
    let aborted = false;
    const hub = {
      output: (_request: unknown, wait: { signal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          began = true;
          wait.signal?.addEventListener("abort", () => {
            aborted = true;
            reject(wait.signal?.reason);
          });
        }),
    } as unknown as Hub;
    const port = freePort();
    const door = await listen({ port, dataDir: "/tmp" }, { hub, requestShutdown() {} });
    const leave = new AbortController();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: "POST",
        signal: leave.signal,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "output",
            arguments: { command_or_label: "api", wait_for_exit: true, wait_timeout: 0 },
          },
        }),
      });
      assert.equal(response.status, 200);
      await until("the wait to begin", () => began);
      assert.equal(aborted, false, "the wait goes on while its client is there");
      leave.abort(); // Claude Code cancelled the call, or quit
      await until("the wait to end", () => aborted);
    } finally {
      leave.abort();
      door.close();
      await door.finished;
    }
  },
});
