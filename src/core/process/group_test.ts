import assert from "node:assert/strict";
import { runStopCommand, treeStopPlan } from "./group.ts";

Deno.test("treeStopPlan on Windows kills the whole tree with taskkill /T /F", () => {
  const expected = { kind: "command", program: "taskkill", args: ["/T", "/F", "/PID", "4242"] };
  assert.deepEqual(treeStopPlan("windows", 4242, false), expected);
  assert.deepEqual(treeStopPlan("windows", 4242, true), expected);
});

Deno.test("treeStopPlan on Unix signals the process group, SIGTERM before SIGKILL", () => {
  for (const os of ["linux", "darwin", "freebsd"] as const) {
    assert.deepEqual(treeStopPlan(os, 4242, false), {
      kind: "signals",
      pgid: 4242,
      signals: ["SIGTERM", "SIGKILL"],
    });
    assert.deepEqual(treeStopPlan(os, 4242, true), {
      kind: "signals",
      pgid: 4242,
      signals: ["SIGKILL"],
    });
  }
});

Deno.test("treeStopPlan refuses pids that would hit init or every process", () => {
  for (const pid of [0, 1, -5, 2.5]) {
    assert.throws(() => treeStopPlan("linux", pid, false), RangeError);
    assert.throws(() => treeStopPlan("windows", pid, false), RangeError);
  }
});

// The command runner is exercised with `sh` standing in for taskkill: same exit-code contract.
const onWindows = Deno.build.os === "windows";

Deno.test({
  name: "runStopCommand reports a killed tree, an absent process, and a failure's message",
  ignore: onWindows,
  async fn() {
    const sh = (script: string) => ({
      kind: "command" as const,
      program: "sh",
      args: ["-c", script],
    });
    assert.equal(await runStopCommand(sh("exit 0")), "SIGKILL");
    assert.equal(await runStopCommand(sh("exit 128")), null);
    await assert.rejects(
      runStopCommand(sh("echo 'ERROR: Access is denied.' >&2; exit 1")),
      /"sh" exited with 1: ERROR: Access is denied\./,
    );
  },
});
