/**
 * End-to-end: the Claude Code development channel (`serve --claude-channel`, a research
 * preview): a 2025-era session at /channel declares `claude/channel` and pushes a crash as one
 * `notifications/claude/channel` on its GET stream; without the flag there is no /channel.
 */
import assert from "node:assert/strict";
import { hubTest, initializeRequest, startHub, type TestHub } from "./_hub.ts";

/** Posts one JSON-RPC message to /channel, as Claude Code's 2025-era transport does. */
function post(hub: TestHub, message: unknown, session?: string) {
  return hub.fetch("/channel", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(session ? { "mcp-session-id": session } : {}),
    },
    body: JSON.stringify(message),
  });
}

Deno.test("the channel pushes a crash to a session's GET stream as a claude/channel notification", async () => {
  await using hub = await startHub(["--claude-channel"]);
  try {
    const init = await post(hub, initializeRequest("claude-code", "2.1.328"));
    const session = init.headers.get("mcp-session-id")!;
    const answer = await init.json();
    assert.equal(answer.result.protocolVersion, "2025-06-18");
    assert.deepEqual(answer.result.capabilities, { experimental: { "claude/channel": {} } });
    assert.equal(
      (await post(hub, { jsonrpc: "2.0", method: "notifications/initialized" }, session)).status,
      202,
    );
    const ping = await (await post(hub, { jsonrpc: "2.0", id: 2, method: "ping" }, session)).json();
    assert.deepEqual(ping.result, {});
    const leave = new AbortController();
    const stream = await hub.fetch("/channel", {
      headers: { accept: "text/event-stream", "mcp-session-id": session },
      signal: leave.signal,
    });
    assert.equal(stream.headers.get("content-type"), "text/event-stream");
    try {
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.match((await reader.read()).value!, /^: persistproc channel/); // subscribed
      await hub.api("ctrl", {
        action: "start",
        command_or_label: "sh -c 'echo oops >&2; exit 5'",
        working_directory: hub.dataDir,
        label: "api",
      });
      let text = "";
      while (!/\n\n/.test(text.replace(/^: .*\n\n/gm, ""))) text += (await reader.read()).value;
      const data = /^data: (.*)$/m.exec(text)![1];
      const message = JSON.parse(data);
      assert.equal(message.method, "notifications/claude/channel");
      assert.match(
        message.params.content,
        /^persistproc: "api" \(pid \d+\) crashed: exit 5 at .*; last stderr: oops$/,
      );
      assert.equal(message.params.meta.label, "api");
      assert.equal(message.params.meta.kind, "crashed");
      for (const key of Object.keys(message.params.meta)) {
        assert.match(key, /^[a-zA-Z_][a-zA-Z0-9_]*$/);
      }
    } finally {
      leave.abort();
      await stream.body?.cancel().catch(() => {});
    }
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}`);
    throw error;
  }
});

hubTest("without --claude-channel there is no /channel", async (hub) => {
  const response = await post(hub, initializeRequest("claude-code", "2.1.328"));
  assert.equal(response.status, 404);
  await response.body?.cancel();
});
