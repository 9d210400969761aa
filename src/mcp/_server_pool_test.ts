import assert from "node:assert/strict";
import type { McpServer } from "@modelcontextprotocol/server";
import { ServerPool, type ToolCalls } from "./_server_pool.ts";

/** A pool over stand-ins that have what the pool touches: the inner server's onclose. */
function pool() {
  const built: { server: { onclose?: () => void }; calls: ToolCalls }[] = [];
  const servers = new ServerPool((calls) => {
    const server = { server: {} as { onclose?: () => void } };
    built.push({ server: server.server, calls });
    return server as unknown as McpServer;
  });
  /** Closes the exchange of the `i`th server built, as the SDK's entry does. */
  const close = (i: number) => built[i].server.onclose?.();
  return { servers, built, close };
}

Deno.test("take() builds a server for each exchange still open", () => {
  const { servers, built } = pool();
  assert.notEqual(servers.take(), servers.take());
  assert.equal(built.length, 2);
});

Deno.test("a closed server serves the next exchange instead of a new one", () => {
  const { servers, built, close } = pool();
  const first = servers.take();
  close(0);
  assert.equal(servers.take(), first);
  assert.equal(built.length, 1);
});

Deno.test("a server whose tool call still runs after its exchange closed waits for the call", () => {
  const { servers, built, close } = pool();
  const first = servers.take();
  built[0].calls.started();
  close(0); // its client went away mid-call
  assert.notEqual(servers.take(), first, "not reused while the call runs");
  built[0].calls.ended();
  assert.equal(servers.take(), first, "reused once the call has ended");
});

Deno.test("calls that end while the exchange is open return nothing to the pool early", () => {
  const { servers, built, close } = pool();
  const first = servers.take();
  built[0].calls.started();
  built[0].calls.ended();
  assert.notEqual(servers.take(), first, "still serving its exchange");
  close(0);
  assert.equal(servers.take(), first);
});
