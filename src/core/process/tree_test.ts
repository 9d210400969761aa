import assert from "node:assert/strict";
import type { ProcessEntry } from "../system/processes.ts";
import { ProcessTree } from "./tree.ts";

function entry(pid: number, ppid: number, pgid: number, token = `t${pid}`): ProcessEntry {
  return { pid, ppid, pgid, token, zombie: false, stopped: false, blocked: false };
}

Deno.test("a tree takes in descendants that left the group, and keeps them once orphaned", () => {
  const tree = new ProcessTree(100, "t100");
  tree.update([
    entry(1, 0, 1),
    entry(100, 1, 100),
    entry(101, 100, 100), // an ordinary child
    entry(200, 101, 200), // setsid: its own group and session
    entry(201, 200, 200), // its child
    entry(300, 1, 300), // unrelated
  ]);
  assert.deepEqual(tree.pids.sort((a, b) => a - b), [100, 101, 200, 201]);
  // The parents exit: the daemon is re-parented to init and still belongs to the tree.
  tree.update([entry(1, 0, 1), entry(201, 1, 200), entry(300, 1, 300)]);
  assert.deepEqual(tree.pids, [201]);
});

Deno.test("the server itself never joins, nor through it its own children", () => {
  // A CLI call inside the tree started the server: its parent is a member.
  const tree = new ProcessTree(100, "t100", [], "run-1");
  const server = Deno.pid;
  tree.update(
    [entry(100, 1, 100), entry(150, 100, 100), entry(server, 150, server), entry(400, server, 400)],
    false,
    new Map([[150, "run-1"], [server, "run-1"]]),
  );
  assert.deepEqual(tree.pids.sort((a, b) => a - b), [100, 150]);
});

Deno.test("a member whose pid now names another process is dropped, and never taken back", () => {
  const tree = new ProcessTree(100, "t100");
  tree.update([entry(100, 1, 100), entry(101, 100, 100)]);
  tree.update([entry(100, 1, 100), entry(101, 1, 101, "reused")]);
  assert.deepEqual(tree.pids, [100]);
  // With the root gone, a new group that reuses its number is not the tree's.
  tree.update([entry(100, 1, 100, "another"), entry(102, 100, 100)]);
  assert.deepEqual(tree.pids, []);
});

Deno.test("zombies do not join", () => {
  const tree = new ProcessTree(100, "t100");
  tree.update([entry(100, 1, 100), { ...entry(101, 100, 100), zombie: true }]);
  assert.deepEqual(tree.pids, [100]);
});

Deno.test("a group member is taken in after the root ended only when the caller vouches", () => {
  const table = [entry(1, 0, 1), entry(150, 1, 100)]; // the root 100 is gone; 150 is in its group
  const unsure = new ProcessTree(100, "t100");
  unsure.update(table);
  assert.deepEqual(unsure.pids, []);
  const sure = new ProcessTree(100, "t100");
  sure.update(table, true);
  assert.deepEqual(sure.pids, [150]);
});
