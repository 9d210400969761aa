import assert from "node:assert/strict";
import { processStartToken, processTable } from "../system/processes.ts";
import { ProcessTree } from "./tree.ts";
import { refreshTree } from "./tree_stop.ts";
import { pauseTree } from "./tree_pause.ts";

/** Whether every member of the tree shows as stopped. */
function allStopped(tree: ProcessTree): boolean {
  const table = processTable()!;
  return tree.members.every(({ pid }) => table.find((entry) => entry.pid === pid)?.stopped);
}

Deno.test({
  name: "pauseTree stops every member of a tree until resumed, the one outside the group too",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const child = new Deno.Command("sh", {
      args: ["-c", "setsid sleep 60 & sleep 60"],
      detached: true,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const tree = new ProcessTree(child.pid, processStartToken(child.pid));
    try {
      // The setsid'd sleep is in another group, found through its parent.
      for (let i = 0; i < 200 && tree.members.length < 3; i++) {
        refreshTree(tree);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(tree.members.length, 3, "sh, its sleep and the setsid'd sleep");
      const pause = pauseTree(tree);
      assert.ok(pause.confirmed);
      assert.ok(allStopped(tree), "all stopped once the pause returns");
      pause.resume();
      for (let i = 0; i < 200 && allStopped(tree); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const table = processTable()!;
      for (const { pid } of tree.members) {
        assert.equal(table.find((entry) => entry.pid === pid)?.stopped, false, `${pid} goes on`);
      }
    } finally {
      refreshTree(tree);
      for (const { pid } of tree.members) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await child.status;
    }
  },
});
