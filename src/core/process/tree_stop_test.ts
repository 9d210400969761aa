import assert from "node:assert/strict";
import { processStartToken } from "../system/processes.ts";
import { ProcessTree } from "./tree.ts";
import { stopTree } from "./tree_stop.ts";

Deno.test("stopTree never signals a pid that now names another process", async () => {
  // An unrelated program holds a pid the tree once knew under another start token.
  const bystander = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const tree = new ProcessTree(bystander.pid, null, [{ pid: bystander.pid, token: "stale" }]);
    const result = await stopTree(tree, { graceMs: 200 });
    assert.deepEqual(result, { signal: null, survivors: [] });
    assert.notEqual(processStartToken(bystander.pid), null, "the bystander lives on");
  } finally {
    bystander.kill("SIGKILL");
    await bystander.status;
  }
});

Deno.test("stopTree ends a member that left the group, TERM first", async () => {
  const member = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const token = processStartToken(member.pid)!;
    const tree = new ProcessTree(999_999_999, null, [{ pid: member.pid, token }]);
    // Our own child stays a zombie until reaped: reap it as it goes.
    const reaped = member.status;
    const result = await stopTree(tree, { graceMs: 5_000 });
    assert.equal(result.signal, "SIGTERM");
    assert.equal((await reaped).signal, "SIGTERM");
  } finally {
    try {
      member.kill("SIGKILL");
    } catch { /* gone, as it should be */ }
    await member.status;
  }
});
