import assert from "node:assert/strict";
import { claudeChannel } from "./claude_channel.ts";
import type { ApiContext } from "./json_api.ts";

const CHANNEL = new URL("http://127.0.0.1/channel");

/** A hub whose event stream has nothing yet: enough for sessions and their streams. */
const ctx = {
  hub: { events: () => Promise.resolve({ backlog: [], last_id: 0, unsubscribe() {} }) },
  streams: new Set(),
} as unknown as ApiContext;

async function post(message: unknown, session?: string) {
  const request = new Request(CHANNEL, {
    method: "POST",
    headers: session ? { "mcp-session-id": session } : {},
    body: JSON.stringify(message),
  });
  const response = await claudeChannel(ctx, request, CHANNEL);
  return { session: response.headers.get("mcp-session-id"), body: await response.json() };
}

const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: {} };
const ping = { jsonrpc: "2.0", id: 2, method: "ping" };

Deno.test("sessions a client left without ending give way to new ones; streaming ones do not", async () => {
  const opened: string[] = [];
  const streams: Response[] = [];
  try {
    for (let i = 0; i < 16; i++) opened.push((await post(initialize)).session!);
    // Sixteen never ended (Claude Code quit without a DELETE): a seventeenth is still served,
    // in the place of the oldest.
    const newer = await post(initialize);
    assert.ok(newer.session, JSON.stringify(newer.body));
    assert.deepEqual((await post(ping, newer.session!)).body.result, {});
    assert.equal((await post(ping, opened[0])).body.error.code, -32001);
    opened.shift();
    opened.push(newer.session!);
    // With every session streaming, none gives way.
    for (const session of opened) {
      const get = new Request(CHANNEL, { headers: { "mcp-session-id": session } });
      streams.push(await claudeChannel(ctx, get, CHANNEL));
    }
    const refused = await post(initialize);
    assert.equal(refused.session, null);
    assert.match(refused.body.error.message, /Too many sessions are streaming/);
  } finally {
    for (const stream of streams) await stream.body?.cancel();
    for (const session of opened) {
      const end = new Request(CHANNEL, {
        method: "DELETE",
        headers: { "mcp-session-id": session },
      });
      await claudeChannel(ctx, end, CHANNEL);
    }
  }
});
