import assert from "node:assert/strict";
import type { ProcessEntry } from "../system/processes.ts";
import { SocketCache } from "./_socket_cache.ts";

function entry(pid: number, ppid: number, token = "t"): ProcessEntry {
  return { pid, ppid, pgid: 1, token, zombie: false, stopped: false, blocked: false };
}

/** A cache over a fake /proc: `held` is what each pid holds, `reads` which pids were read. */
function fakeProc(held: Record<number, string[]>) {
  const reads: number[] = [];
  const cache = new SocketCache((pid) => {
    reads.push(pid);
    return held[pid] ?? [];
  });
  const scan = (table: ProcessEntry[], listening: Record<string, number> = {}) =>
    cache.socketsOf(table, table, new Map(Object.entries(listening)));
  return { cache, scan, reads };
}

Deno.test("a process already read is not read again while the listening sockets stay", () => {
  const { scan, reads } = fakeProc({ 1: ["10"] });
  assert.deepEqual(scan([entry(1, 0)], { 10: 8080 }), new Map([[1, ["10"]]]));
  assert.deepEqual(scan([entry(1, 0)], { 10: 8080 }), new Map([[1, ["10"]]]));
  assert.deepEqual(reads, [1]);
});

Deno.test("a process born to a parent that held no socket is not read", () => {
  const { cache, reads } = fakeProc({ 1: [], 3: ["10"] });
  const listening = new Map([["10", 8080]]);
  const first = [entry(1, 0), entry(3, 0), entry(6, 0)];
  cache.socketsOf(first, first.slice(0, 2), listening);
  // 2: a `sleep` of the quiet script 1; 4: a worker forked by the listener 3; 5: no parent
  // here; 7: born to 6, alive but not read before (another tree's).
  const table = [...first, entry(2, 1), entry(4, 3), entry(5, 99), entry(7, 6)];
  const found = cache.socketsOf(table, table.filter(({ pid }) => pid !== 6), listening);
  assert.deepEqual(reads, [1, 3, 4, 5, 7]);
  assert.deepEqual(found.get(2), []);
});

Deno.test("every process is read again once a listening socket opened or closed", () => {
  const held: Record<number, string[]> = { 1: [] };
  const { scan, reads } = fakeProc(held);
  scan([entry(1, 0)]);
  scan([entry(1, 0), entry(2, 1)]); // 2 is skipped: born to 1, which held nothing
  held[2] = ["11"]; // then 2 listens
  assert.deepEqual(scan([entry(1, 0), entry(2, 1)], { 11: 3000 }).get(2), ["11"]);
  held[2] = [];
  assert.deepEqual(scan([entry(1, 0), entry(2, 1)]).get(2), []);
  assert.deepEqual(reads, [1, 1, 2, 1, 2]);
});

Deno.test("a process alive at the last scan, though not a candidate then, is read", () => {
  const { cache, reads } = fakeProc({ 2: ["10"] });
  const table = [entry(1, 0), entry(2, 1)];
  const listening = new Map([["10", 8080]]);
  cache.socketsOf(table, [entry(1, 0)], listening);
  assert.deepEqual(cache.socketsOf(table, table, listening).get(2), ["10"]);
  assert.deepEqual(reads, [1, 2]);
});

Deno.test("a pid reused by another process is read as new", () => {
  const { scan, reads } = fakeProc({ 1: ["10"] });
  scan([entry(1, 0, "a")], { 10: 8080 });
  scan([entry(1, 0, "b")], { 10: 8080 });
  assert.deepEqual(reads, [1, 1]);
});
