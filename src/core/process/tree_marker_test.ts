import assert from "node:assert/strict";
import type { ProcessEntry } from "../system/processes.ts";
import { ProcessTree } from "./tree.ts";
import { MarkerCache, newTreeMarker } from "./tree_marker.ts";

function entry(pid: number, ppid: number, pgid: number, token = `t${pid}`): ProcessEntry {
  return { pid, ppid, pgid, token, zombie: false, stopped: false, blocked: false };
}

Deno.test("a process carrying the tree's marker joins, though no parent link leads to it", () => {
  const tree = new ProcessTree(100, "t100", [], "run-a");
  const table = [
    entry(1, 0, 1),
    entry(100, 1, 100),
    entry(200, 1, 200), // escaped: init's child, its own group
    entry(201, 200, 200), // its child, found through it
    entry(300, 1, 300), // another run's
    entry(400, 1, 400), // unmarked
    { ...entry(500, 1, 500), zombie: true },
  ];
  const markers = new Map([[200, "run-a"], [300, "run-b"], [500, "run-a"]]);
  tree.update(table, false, markers);
  assert.deepEqual(tree.pids.sort((a, b) => a - b), [100, 200, 201]);
});

Deno.test("a tree without a marker takes in no marked process", () => {
  const tree = new ProcessTree(100, "t100");
  tree.update([entry(100, 1, 100), entry(200, 1, 200)], false, new Map([[200, "run-a"]]));
  assert.deepEqual(tree.pids, [100]);
});

Deno.test("a marked tree is watched until seen empty twice; an unmarked one until empty", () => {
  const marked = new ProcessTree(100, "t100", [], "run-a");
  const unmarked = new ProcessTree(100, "t100");
  for (const tree of [marked, unmarked]) tree.update([entry(1, 0, 1)]);
  assert.equal(marked.watched, true, "a marked process may have been missed by one look");
  assert.equal(unmarked.watched, false);
  marked.update([entry(1, 0, 1)]);
  assert.equal(marked.watched, false);
});

Deno.test("each process's environment is read once, and again when its pid is reused", () => {
  const asked: number[][] = [];
  const cache = new MarkerCache((pids) => {
    asked.push([...pids]);
    return new Map(pids.filter((pid) => pid % 2 === 0).map((pid) => [pid, `m${pid}`]));
  });
  const table = [entry(10, 1, 10), entry(11, 1, 11), { ...entry(12, 1, 12), zombie: true }];
  assert.deepEqual([...cache.markers(table)], [[10, "m10"]]);
  assert.deepEqual([...cache.markers([...table, entry(14, 1, 14)])], [[10, "m10"], [14, "m14"]]);
  // 10 ended and its pid names another process; 14 ended.
  assert.deepEqual([...cache.markers([entry(10, 1, 10, "again"), entry(11, 1, 11)])], [
    [10, "m10"],
  ]);
  assert.deepEqual(asked, [[10, 11], [14], [10]]);
  assert.equal(cache.size, 2);
});

Deno.test("what could not be read is asked again at the next look", () => {
  let answer: Map<number, string> | null = null;
  const cache = new MarkerCache(() => answer);
  assert.deepEqual([...cache.markers([entry(10, 1, 10)])], []);
  answer = new Map([[10, "m"]]);
  assert.deepEqual([...cache.markers([entry(10, 1, 10)])], [[10, "m"]]);
});

Deno.test("every run gets its own marker", () => {
  assert.notEqual(newTreeMarker(), newTreeMarker());
  assert.match(newTreeMarker(), /^[0-9a-f-]{36}$/);
});
