/**
 * Races and faults around one process: each test here failed before the lifecycle became an
 * explicit state machine with a queue of operations per process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PersistprocError, StopFailedError } from "../errors.ts";
import { tempSupervisor, until } from "../_test_support.ts";

/** Exits 0.7 s after SIGTERM, as a server finishing its requests would. */
const SLOW_TERM = `trap 'sleep 0.7; exit 0' TERM; while true; do sleep 0.05; done`;

/** A grace longer than SLOW_TERM needs, and short waits after SIGKILL. */
const RACES = { stopGraceMs: 5_000, shutdownGraceMs: 500, killWaitMs: 500 };

/** Replaces Deno.kill for the length of `body`. */
async function withKill<T>(kill: typeof Deno.kill, body: () => Promise<T>): Promise<T> {
  const original = Deno.kill;
  Object.defineProperty(Deno, "kill", { value: kill, configurable: true, writable: true });
  try {
    return await body();
  } finally {
    Object.defineProperty(Deno, "kill", { value: original, configurable: true, writable: true });
  }
}

function eperm(): never {
  const error = new Error("Operation not permitted (os error 1)");
  Object.assign(error, { code: "EPERM" });
  throw error;
}

Deno.test("a stop then a restart of a slow-to-exit process: each does its own part, in order", async () => {
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  // The restart comes at one of several moments around the end of the stop: the old code
  // returned the relaunched run from the stop, or hung, when it came as the program exited.
  const slow = `trap 'sleep 1.5; exit 0' TERM; while true; do sleep 0.05; done`;
  const offsets = Array.from({ length: 12 }, (_, i) => 1_380 + i * 20);
  await Promise.all(offsets.map(async (offset, i) => {
    const label = `slow${i}`;
    const first = await sup.start({ command: slow, working_directory: sup.dir, label });
    const stopping = sup.stop({ command_or_label: label });
    await new Promise((resolve) => setTimeout(resolve, offset));
    const restarted = await sup.restart({ command_or_label: label });
    const stopped = await stopping;
    assert.equal(stopped.pid, first.pid, `the stop (restart after ${offset} ms) reports its run`);
    assert.equal(stopped.status, "stopped");
    assert.equal(restarted.status, "running");
    assert.notEqual(restarted.pid, first.pid);
  }));
});

Deno.test("a wait for readiness survives another caller restarting the process", async () => {
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  const waiting = sup.start({
    command: SLOW_TERM,
    working_directory: sup.dir,
    label: "waited",
    wait_for_log: "never printed",
    wait_timeout: 1.5,
  });
  await until("the start", async () => (await sup.list())[0]?.status === "running");
  await sup.restart({ command_or_label: "waited" });
  const outcome = await waiting;
  assert.equal(outcome.label, "waited");
  assert.equal(outcome.status, "running");
  assert.equal(outcome.ready, false);
});

Deno.test("a stop during the autorestart delay leaves the process stopped, not failed", async () => {
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  await sup.start({
    command: "false",
    working_directory: sup.dir,
    label: "crashy",
    autorestart: "always",
  });
  await until("the first crash", async () => (await sup.list())[0].status === "failed");
  const stopped = await sup.stop({ command_or_label: "crashy" });
  assert.equal(stopped.status, "stopped");
  assert.equal(stopped.autorestart_cancelled, true, "the stop says so");
  await new Promise((r) => setTimeout(r, 800)); // past the first delay (0.5 s)
  assert.equal((await sup.list())[0].status, "stopped");
  assert.equal((await sup.list())[0].restarts, 0);
});

Deno.test("kill refused with EPERM: stop says which pid survived, shutdown still finishes", async () => {
  const sup = await tempSupervisor(RACES, "persistproc-race-");
  const info = await sup.start({ command: "sleep 30", working_directory: sup.dir, label: "held" });
  try {
    await withKill(eperm, async () => {
      await assert.rejects(
        sup.stop({ pid: info.pid }, { force: true }),
        (error: Error) =>
          error instanceof StopFailedError && error.message.includes(`PID ${info.pid}`) &&
          /not permitted/.test(error.message),
      );
      await sup.shutdown(); // resolves: no rejection escapes, the state is saved
    });
    const state = await Deno.readTextFile(join(sup.dir, "state.json"));
    assert.match(state, /"label":"held"/);
  } finally {
    Deno.kill(info.pid, "SIGKILL");
    await sup[Symbol.asyncDispose]();
  }
});

Deno.test("ESRCH from kill (the process went meanwhile) is no error", async () => {
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  const info = await sup.start({ command: "sleep 30", working_directory: sup.dir, label: "gone" });
  const original = Deno.kill;
  let calls = 0;
  const stopped = await withKill((pid, signal) => {
    if (calls++ === 0) {
      original(pid, "SIGKILL"); // it dies just before our signal reaches it
      throw new Deno.errors.NotFound("No such process (os error 3)");
    }
    return original(pid, signal);
  }, () => sup.stop({ pid: info.pid }));
  assert.equal(stopped.status, "stopped");
});

Deno.test("a state file that cannot be saved (disk full): the start is refused, nothing runs", async () => {
  if (Deno.build.os !== "linux") return;
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  const marker = join(sup.dir, "ran");
  // Every write of the state file's temporary copy now fails with ENOSPC.
  const temporary = join(sup.dir, `state.json.tmp-${Deno.pid}`);
  Deno.symlinkSync("/dev/full", temporary);
  await assert.rejects(
    sup.start({ command: `touch ${marker}`, working_directory: sup.dir, label: "full" }),
    (error: Error) =>
      error instanceof PersistprocError && error.code === "state_unwritable" &&
      /not run/.test(error.message),
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "the program never ran");
  // The server carries on once the disk has room again.
  try {
    Deno.removeSync(temporary);
  } catch { /* removed by the failed save */ }
  const later = await sup.start({ command: `touch ${marker}`, working_directory: sup.dir });
  assert.equal(later.status, "running");
  await until("the program to run", () => {
    try {
      return Deno.statSync(marker).isFile;
    } catch {
      return false;
    }
  });
});

Deno.test("a failed spawn is reported and leaves the supervisor serving", async () => {
  await using sup = await tempSupervisor(RACES, "persistproc-race-");
  await assert.rejects(sup.start({ command: "./not-there", working_directory: sup.dir }));
  const ok = await sup.start({ command: "sleep 5", working_directory: sup.dir });
  assert.equal(ok.status, "running");
});
