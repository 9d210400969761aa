import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { AlreadyRunningError, BadDirectoryError, CommandNotFoundError } from "../errors.ts";
import { isGroupAlive } from "../process/group.ts";
import { readOutput } from "../output/query.ts";
import { Supervisor } from "./supervisor.ts";
import { tempSupervisor, until } from "../_test_support.ts";

const FIXTURES = fileURLToPath(new URL("../../../tests/fixtures/", import.meta.url));

/** Short graces, so that tests of stops do not wait out the defaults. */
const QUICK = { stopGraceMs: 2_000, shutdownGraceMs: 1_000 };

Deno.test("start captures stdout, stderr and the exit code of a short program", async () => {
  await using sup = await tempSupervisor(QUICK);
  const info = await sup.start({
    command: `${FIXTURES}exit_with.sh 3`,
    working_directory: sup.dir,
  });
  assert.equal(info.status, "running");
  await until("exit", async () => (await sup.list())[0].status !== "running");
  const [done] = await sup.list();
  assert.equal(done.status, "failed");
  assert.equal(done.exit_code, 3);
  const out = await readOutput(sup, { pid: info.pid });
  assert.deepEqual(out.output.sort(), ["[err] err before exit", "out before exit"]);
  assert.deepEqual((await readOutput(sup, { pid: info.pid, stream: "stderr" })).output, [
    "err before exit",
  ]);
});

Deno.test("start refuses a second running process with the same label, even concurrently", async () => {
  await using sup = await tempSupervisor(QUICK);
  const attempts = await Promise.allSettled(
    Array.from(
      { length: 10 },
      () => sup.start({ command: `${FIXTURES}ticker.sh`, working_directory: sup.dir }),
    ),
  );
  const ok = attempts.filter((a) => a.status === "fulfilled");
  assert.equal(ok.length, 1);
  for (const a of attempts) {
    if (a.status === "rejected") assert.ok(a.reason instanceof AlreadyRunningError);
  }
  assert.equal((await sup.list()).length, 1);
});

Deno.test("stop kills the whole process group, grandchild included", async () => {
  await using sup = await tempSupervisor(QUICK);
  const info = await sup.start({ command: `${FIXTURES}grandchild.sh`, working_directory: sup.dir });
  await until(
    "grandchild line",
    async () => (await readOutput(sup, { pid: info.pid })).output.length > 0,
  );
  const stopped = await sup.stop({ pid: info.pid });
  assert.equal(stopped.status, "stopped");
  assert.equal(stopped.exit_signal, "SIGTERM");
  assert.equal(isGroupAlive(info.pid), false);
});

Deno.test("a stop says when SIGTERM did not end the tree and SIGKILL did, and only then", async () => {
  await using sup = await tempSupervisor(QUICK);
  const stubborn = "trap '' TERM; while :; do sleep 0.1; done";
  const one = await sup.start({ command: stubborn, working_directory: sup.dir, label: "one" });
  const two = await sup.start({ command: stubborn, working_directory: sup.dir, label: "two" });
  const three = await sup.start({ command: "sleep 30", working_directory: sup.dir });
  const [waited, forced, ended] = await Promise.all([
    sup.stop({ pid: one.pid }),
    sup.stop({ pid: two.pid }, { force: true }), // SIGKILL chosen, not needed
    sup.stop({ pid: three.pid }),
  ]);
  assert.equal(waited.sigkill_needed, true);
  assert.equal(forced.sigkill_needed, undefined);
  assert.equal(ended.sigkill_needed, undefined);
});

Deno.test("restart relaunches with a new pid and keeps the label and log", async () => {
  await using sup = await tempSupervisor(QUICK);
  const first = await sup.start({
    command: `${FIXTURES}ticker.sh`,
    working_directory: sup.dir,
    label: "ticker",
  });
  await until(
    "a tick",
    async () => (await readOutput(sup, { command_or_label: "ticker" })).output.length > 0,
  );
  const second = await sup.restart({ command_or_label: "ticker" });
  assert.notEqual(second.pid, first.pid);
  assert.equal(second.status, "running");
  assert.equal(second.restarts, 1);
  assert.equal(second.log_dir, first.log_dir);
  // The first run's pid still names the process, now and for a server started after this one.
  assert.equal((await sup.get({ pid: first.pid })).pid, second.pid);
  await until("the earlier pid saved", async () => {
    const state = JSON.parse(await Deno.readTextFile(`${sup.dir}/state.json`));
    return state.processes[0].earlier_pids?.includes(first.pid);
  });
});

Deno.test("start explains a missing directory and an unknown command", async () => {
  await using sup = await tempSupervisor(QUICK);
  await assert.rejects(
    sup.start({ command: "ls", working_directory: `${sup.dir}/nope` }),
    BadDirectoryError,
  );
  await assert.rejects(
    sup.start({ command: "no-such-program-xyz", working_directory: sup.dir }),
    (e: Error) => e instanceof CommandNotFoundError && /no-such-program-xyz/.test(e.message),
  );
  assert.equal((await sup.list()).length, 0);
});

Deno.test("a pid shared by an ended entry and a running one names the running one", async () => {
  const { resolveTarget } = await import("./target_resolution.ts");
  const spec = (label: string) => ({ label, command_line: label, working_directory: "/" });
  const old = { pid: 42, status: "stopped", startTime: new Date(1), spec: spec("old") };
  const now = { pid: 42, status: "running", startTime: new Date(2), spec: spec("new") };
  assert.equal(resolveTarget([old, now], { pid: 42 }).spec.label, "new");
  const older = { ...old, status: "exited", startTime: new Date(0), spec: spec("older") };
  assert.equal(resolveTarget([older, old], { pid: 42 }).spec.label, "old");
});

Deno.test("a stop during a restart wins: the process stays stopped", async () => {
  await using sup = await tempSupervisor(QUICK);
  // Takes a moment to exit on SIGTERM, so the stop arrives while the restart waits for it.
  const slow = `trap 'sleep 0.5; exit 0' TERM; while true; do sleep 0.05; done`;
  await sup.start({ command: slow, working_directory: sup.dir, label: "slow" });
  const restarting = sup.restart({ command_or_label: "slow" });
  await until("the restart to begin", async () => (await sup.list())[0] && true);
  const stopped = await sup.stop({ command_or_label: "slow" });
  const after = await restarting;
  assert.equal(stopped.status, "stopped");
  assert.equal(after.status, "stopped");
  assert.equal((await sup.list())[0].status, "stopped");
});

Deno.test("a failed start leaves no entry, no open log and no log folder", async () => {
  await using sup = await tempSupervisor(QUICK);
  for (let i = 0; i < 3; i++) {
    await assert.rejects(
      sup.start({ command: "no-such-program-xyz", working_directory: sup.dir, label: `x${i}` }),
    );
  }
  assert.equal((await sup.list()).length, 0);
  await until("the folders to be removed", () => {
    try {
      return [...Deno.readDirSync(`${sup.dir}/logs`)].length === 0;
    } catch {
      return true;
    }
  });
});

Deno.test("stop and shutdown also end background children the program left behind", async () => {
  await using sup = await tempSupervisor(QUICK);
  const info = await sup.start({ command: "sleep 300 & echo started", working_directory: sup.dir });
  await until("the program to end", async () => (await sup.list())[0].status !== "running");
  assert.ok(isGroupAlive(info.pid), "the background sleep lives on in the group");
  await sup.stop({ pid: info.pid });
  assert.equal(isGroupAlive(info.pid), false);
});

Deno.test("log folders never collide, even between servers started in the same second", async () => {
  await using first = await tempSupervisor(QUICK);
  const second = new Supervisor({ dataDir: first.dir, shutdownGraceMs: 1_000 });
  try {
    const a = await first.start({ command: "true", working_directory: first.dir, label: "x" });
    const b = await second.start({ command: "true", working_directory: first.dir, label: "x" });
    assert.notEqual(a.log_dir, b.log_dir);
  } finally {
    await second.shutdown();
  }
});

Deno.test("an ended process whose leftovers still run is neither forgotten nor pruned", async () => {
  await using sup = await tempSupervisor({ ...QUICK, maxEnded: 1 });
  const dir = sup.dir;
  // The program ends soon and leaves a child in a new session behind (seen while it ran).
  await sup.start({
    command: "setsid sleep 300 & sleep 2; exit 0",
    working_directory: dir,
    label: "leaver",
  });
  await until(
    "leaver ended",
    async () => (await sup.list({ command_or_label: "leaver" }))[0]?.status !== "running",
  );
  await until(
    "leftover seen",
    async () =>
      sup.treeMembers((await sup.get({ command_or_label: "leaver" })).pid).length > 0 ||
      undefined,
  );
  await assert.rejects(
    () => sup.forget({ command_or_label: "leaver" }),
    /Cannot forget "leaver": programs it left running are still alive \(PID \d+/,
  );
  for (const label of ["a", "b", "c"]) {
    await sup.start({ command: "true", working_directory: dir, label });
    await until(
      `${label} ended`,
      async () => (await sup.list({ command_or_label: label }))[0]?.status !== "running",
    );
  }
  assert.equal(
    (await sup.list({ command_or_label: "leaver" })).length,
    1,
    "still listed, so stop can end it",
  );
  const stopped = await sup.stop({ command_or_label: "leaver" });
  assert.deepEqual(sup.treeMembers(stopped.pid), []);
  await sup.forget({ command_or_label: "leaver" });
  assert.deepEqual(await sup.list({ command_or_label: "leaver" }), []);
});
