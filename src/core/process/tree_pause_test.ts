import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { processStartToken, processTable } from "../system/processes.ts";
import { ProcessTree } from "./tree.ts";
import { refreshTree } from "./tree_stop.ts";
import { until } from "../_test_support.ts";
import { continueAllNoted, continueNoted, pauseTree } from "./tree_pause.ts";

/** Which members of the tree show as stopped, by pid. */
function stoppedPids(tree: ProcessTree): number[] {
  const table = processTable()!;
  return tree.pids.filter((pid) => table.find((entry) => entry.pid === pid)?.stopped);
}

/**
 * Runs `body` with a tree of three: `sh`, its `sleep`, and a `setsid sleep` outside its group;
 * and a note path in a temporary directory. Every member is killed afterwards.
 */
async function withTree(body: (tree: ProcessTree, note: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-pause-" });
  const child = new Deno.Command("sh", {
    args: ["-c", "setsid sleep 60 & sleep 60"],
    detached: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const tree = new ProcessTree(child.pid, processStartToken(child.pid));
  const pids = new Set<number>();
  try {
    await until("three members", () => {
      refreshTree(tree);
      tree.pids.forEach((pid) => pids.add(pid));
      return tree.members.length === 3;
    });
    // As in a data dir: logs/<process>/paused.json.
    await Deno.mkdir(join(dir, "process"));
    await body(tree, join(dir, "process", "paused.json"));
  } finally {
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

const unix = Deno.build.os !== "windows";

Deno.test({
  name: "pauseTree stops every member until resumed, the one outside the group too",
  ignore: !unix,
  fn: () =>
    withTree(async (tree, note) => {
      const pause = pauseTree(tree, note);
      assert.ok(pause.confirmed);
      // A member caught in the kernel (state D, e.g. paging in under load) while its child is
      // stopped counts as paused: it shows as stopped once it leaves the kernel.
      await until("all stopped", () => stoppedPids(tree).length === 3);
      const noted = JSON.parse(await Deno.readTextFile(note));
      assert.deepEqual(noted.map((m: { pid: number }) => m.pid).sort(), tree.pids.sort());
      pause.resume();
      await until("all going on", () => stoppedPids(tree).length === 0);
      assert.ok(!(await Deno.stat(note).catch(() => null)), "the note is removed");
    }),
});

Deno.test({
  name: "pauseTree leaves a member stopped by someone else as it is, and stopped after",
  ignore: !unix,
  fn: () =>
    withTree(async (tree, note) => {
      const held = tree.pids.at(-1)!;
      Deno.kill(held, "SIGSTOP");
      await until("the held one stopped", () => stoppedPids(tree).includes(held));
      const pause = pauseTree(tree, note);
      assert.ok(pause.confirmed);
      pause.resume();
      await until("the others going on", () => stoppedPids(tree).length === 1);
      assert.deepEqual(stoppedPids(tree), [held]);
    }),
});

Deno.test({
  name: "a pause whose server died is continued from its note by the next one",
  ignore: !unix,
  fn: () =>
    withTree(async (tree, note) => {
      pauseTree(tree, note); // never resumed: its server "died"
      await until("all stopped", () => stoppedPids(tree).length === 3);
      // The next server looks at every process's log folder: here, the note's folder's parent.
      continueAllNoted(dirname(dirname(note)));
      await until("all going on", () => stoppedPids(tree).length === 0);
      assert.ok(!(await Deno.stat(note).catch(() => null)), "the note is removed");
      continueNoted(note); // no note: nothing happens
    }),
});
