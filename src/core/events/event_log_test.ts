import assert from "node:assert/strict";
import { join } from "node:path";
import { EventLog, KEPT_EVENTS } from "./event_log.ts";
import type { HubEvent } from "./event.ts";
import { capturingLog, until } from "../_test_support.ts";

const API = { label: "api", pid: 42, working_directory: "/tmp", started_by: "cli" };
const WEB = { label: "web", pid: 43, working_directory: "/srv", started_by: "claude-code/2.1" };

Deno.test("events are numbered, filtered by label, directory, starter and kind, and read from a cursor or a time", () => {
  const log = new EventLog({ path: null });
  log.record(API, "started");
  log.record(WEB, "started");
  log.record(API, "exited", { exit_code: 1, crashed: true });
  log.record(API, "exited", { exit_code: 0, stopped: true });
  assert.deepEqual(log.read({}).map((e) => e.id), [1, 2, 3, 4]);
  assert.deepEqual(log.read({ label: "api" }).map((e) => e.id), [1, 3, 4]);
  assert.deepEqual(log.read({ working_directory: "/srv" }).map((e) => e.id), [2]);
  assert.deepEqual(log.read({ started_by: "claude-code" }).map((e) => e.id), [2]);
  assert.deepEqual(log.read({ kinds: ["crashed"] }).map((e) => e.id), [3]);
  assert.deepEqual(log.read({ kinds: ["exited"] }).map((e) => e.id), [3, 4]);
  assert.deepEqual(log.read({ after: 2 }).map((e) => e.id), [3, 4]);
  assert.deepEqual(log.read({ limit: 1 }).map((e) => e.id), [4]);
  assert.deepEqual(log.read({ limit: 0 }), []);
  const later = new Date(Date.parse(log.read({})[3].time) + 1).toISOString();
  assert.deepEqual(log.read({ since: log.read({})[0].time }).map((e) => e.id), [1, 2, 3, 4]);
  assert.deepEqual(log.read({ since: later }), []);
});

Deno.test("a throwing listener is logged and does not keep the event from the others", async () => {
  const log = new EventLog({ path: null });
  const heard: HubEvent[] = [];
  log.subscribe({}, () => {
    throw new Error("listener bug");
  });
  log.subscribe({ label: "api" }, (event) => heard.push(event));
  const logged = await capturingLog(() => {
    log.record(API, "started");
    log.record(WEB, "started");
  });
  assert.deepEqual(heard.map((e) => [e.id, e.label]), [[1, "api"]]);
  assert.match(logged, /An event listener failed on event 1 \(started\): Error: listener bug/);
});

Deno.test("a later log takes back the stored events and numbers on after them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "events.jsonl");
    const first = new EventLog({ path });
    first.record(API, "started");
    first.record(API, "exited", { exit_code: 1, crashed: true, stderr_tail: "boom" });
    first.close();
    const second = new EventLog({ path });
    second.load();
    assert.deepEqual(
      second.read({ after: 1 }).map((e) => [e.id, e.kind, e.stderr_tail]),
      [[2, "exited", "boom"]],
    );
    second.record(API, "restarted", { by: "cli" });
    assert.equal(second.lastId, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the file keeps the newest events and stays bounded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "events.jsonl");
    const log = new EventLog({ path, floodLimit: { perWindow: 1e9, windowMs: 1 } });
    for (let i = 0; i < 2 * KEPT_EVENTS + 5; i++) log.record(API, "port_opened", { port: i });
    const lines = (await Deno.readTextFile(path)).trim().split("\n").length;
    assert.ok(lines <= 2 * KEPT_EVENTS, `${lines} lines`);
    const again = new EventLog({ path });
    again.load();
    const kept = again.read({});
    assert.equal(kept.length, KEPT_EVENTS);
    assert.equal(kept.at(-1)!.id, 2 * KEPT_EVENTS + 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a flood of like events is merged: the newest passes at the window's end with its count", async () => {
  const log = new EventLog({ path: null, floodLimit: { perWindow: 2, windowMs: 300 } });
  for (let code = 1; code <= 6; code++) {
    log.record(API, "exited", { exit_code: code, crashed: true });
  }
  assert.deepEqual(log.read({}).map((e) => e.exit_code), [1, 2]);
  const merged = await until("the merged event", () => log.read({ kinds: ["exited"] })[2]);
  assert.equal(merged.exit_code, 6);
  assert.equal(merged.merged, 4);
  assert.ok(merged.merged_since! <= merged.time, JSON.stringify(merged));
  log.close();
});

Deno.test("a merged event comes before anything that happened after it: the feed is in time order", () => {
  const log = new EventLog({ path: null, floodLimit: { perWindow: 2, windowMs: 60_000 } });
  for (let code = 1; code <= 5; code++) {
    log.record(API, "exited", { exit_code: code, crashed: true });
  }
  log.record(API, "autorestart_gave_up", { attempt: 5 }); // another kind: it passes at once
  const events = log.read({});
  assert.deepEqual(events.map((e) => [e.kind, e.exit_code, e.merged]), [
    ["exited", 1, undefined],
    ["exited", 2, undefined],
    ["exited", 5, 3],
    ["autorestart_gave_up", undefined, undefined],
  ]);
  const times = events.map((e) => e.time);
  assert.deepEqual(times, times.toSorted(), "in time order");
  // Its window goes on: a like event that follows is held again.
  log.record(API, "exited", { exit_code: 6, crashed: true });
  assert.equal(log.read({}).length, 4);
  log.close();
  assert.equal(log.read({}).at(-1)!.exit_code, 6);
});
