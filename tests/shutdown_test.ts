/**
 * Shutdown always ends, and answers: a wait still pending when the server shuts down gets
 * "the server is shutting down" (over the JSON API and MCP), not a dropped connection, even
 * when the data directory was removed under the server.
 */
import assert from "node:assert/strict";
import { connectMcp, listens, startHub, waitFor } from "./_hub.ts";

Deno.test("a wait pending at shutdown is answered 'shutting down', and shutdown ends with the data dir gone", async () => {
  await using hub = await startHub();
  const work = await Deno.makeTempDir({ prefix: "persistproc-shutdown-" });
  try {
    const started = await hub.api("ctrl", {
      action: "start",
      command_or_label: "sleep 1000",
      label: "sleeper",
      working_directory: work,
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const pendingApi = hub.api("output", {
      command_or_label: "sleeper",
      wait_for_log: "never printed",
      wait_timeout: 120,
    });
    await using mcp = await connectMcp(hub);
    const pendingMcp = mcp.callTool({
      name: "output",
      arguments: { command_or_label: "sleeper", wait_for_log: "never printed", wait_timeout: 120 },
    });
    await Deno.remove(hub.dataDir, { recursive: true });
    const response = await hub.fetch("/api/shutdown", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await response.body?.cancel();
    const api = await pendingApi;
    assert.equal(api.status, 503, JSON.stringify(api.body));
    assert.deepEqual(api.body.error, {
      code: "shutting_down",
      message: "The server is shutting down",
    });
    const viaMcp = await pendingMcp as { isError?: boolean; content: { text: string }[] };
    assert.equal(viaMcp.isError, true);
    assert.equal(viaMcp.content[0].text, "The server is shutting down");
    // The shutdown grace (3 s), the wait after SIGKILL (5 s) and a few seconds: never more.
    await waitFor("the server to end", async () => !(await listens(hub.port)), 15_000);
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}`);
    throw error;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
