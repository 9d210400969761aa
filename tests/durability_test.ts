/**
 * Fault tests: a server that dies by SIGKILL, pid reuse, crashes, signals, autorestart.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FIXTURES,
  freePort,
  hubTest,
  killGroup,
  MAIN,
  startHub,
  type TestHub,
  waitFor,
  writeSavedRecord,
} from "./_hub.ts";

async function stdoutLines(hub: TestHub, pid: number): Promise<string[]> {
  const args = { pid, stream: "stdout", lines: 10_000, max_bytes: 1_048_576 };
  const { body } = await hub.api("output", args);
  return body.output;
}

Deno.test("a server killed by SIGKILL re-adopts its running child and loses no line", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  let pid = 0;
  try {
    // Disposed even if the test fails before it crashes it: nothing is left running.
    await using first = await startHub([], { dataDir });
    const counter = `i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "n $i"; sleep 0.002; done`;
    const { body } = await first.api("ctrl", {
      action: "start",
      command_or_label: counter,
      working_directory: dataDir,
      label: "counter",
    });
    pid = body.pid;
    await waitFor("some output", async () => (await stdoutLines(first, pid)).length >= 20);
    await first.crash();
    Deno.kill(pid, "SIGCONT"); // still there: signalling a gone pid throws
    await using second = await startHub([], { dataDir, port: first.port });
    const listed = (await second.api("list", {})).body.processes;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].pid, pid);
    assert.equal(listed[0].status, "running", "adopted, not forgotten");
    const lines = await waitFor("the counter to finish", async () => {
      const got = await stdoutLines(second, pid);
      return got.at(-1) === "n 3000" && got;
    }, 60_000);
    // Every line is there, in order. The one batch the old server may have been storing at
    // the instant of the kill can be stored twice (it resumes from its last saved position),
    // so a single step back is allowed; a line is never skipped.
    const numbers = lines.map((line: string) => Number(line.slice(2)));
    const steps = numbers.slice(1).map((n: number, i: number) => n - numbers[i]);
    assert.ok(steps.every((d: number) => d <= 1), "no line is skipped");
    assert.ok(steps.filter((d: number) => d !== 1).length <= 1, "at most one batch repeated");
    assert.deepEqual([...new Set(numbers)], Array.from({ length: 3000 }, (_, i) => i + 1));
    const ended = await waitFor("the end to be noticed", async () => {
      const p = (await second.api("list", {})).body.processes[0];
      return p.status !== "running" && p;
    });
    assert.equal(ended.exit_code, null, "the exit code of an adopted process cannot be known");
  } finally {
    if (pid) killGroup(pid);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("stop and restart work on a re-adopted process", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const pids: number[] = [];
  try {
    // Disposed even if the test fails before it crashes it: nothing is left running.
    await using first = await startHub([], { dataDir });
    const { body } = await first.api("ctrl", {
      action: "start",
      command_or_label: `${FIXTURES}ticker.sh`,
      working_directory: dataDir,
      label: "ticker",
    });
    pids.push(body.pid);
    await first.crash();
    await using second = await startHub([], { dataDir, port: first.port });
    const restarted = await second.api("ctrl", { action: "restart", command_or_label: "ticker" });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    pids.push(restarted.body.pid);
    await waitFor("the old tree to be gone", () => {
      try {
        Deno.kill(body.pid, "SIGCONT");
        return false;
      } catch {
        return true;
      }
    });
    await waitFor(
      "new output",
      async () => (await stdoutLines(second, restarted.body.pid)).length > 0,
    );
    const stopped = await second.api("ctrl", { action: "stop", command_or_label: "ticker" });
    assert.equal(stopped.body.status, "stopped");
  } finally {
    pids.forEach(killGroup);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a pid now used by another program is never adopted or signalled", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const stranger = new Deno.Command("sleep", { args: ["60"], stdin: "null" }).spawn();
  try {
    const logDir = join(dataDir, "logs", "old");
    await Deno.mkdir(logDir, { recursive: true });
    writeSavedRecord(dataDir, {
      pid: stranger.pid,
      pid_token: "proc:1", // the pid's start time then, not the stranger's
      log_dir: logDir,
    });
    await using hub = await startHub([], { dataDir });
    const [entry] = (await hub.api("list", {})).body.processes;
    assert.equal(entry.label, "old server");
    assert.equal(entry.status, "exited", "recorded as ended while no server watched it");
    const stop = await hub.api("ctrl", { action: "stop", command_or_label: "old server" });
    assert.equal(stop.status, 200);
    Deno.kill(stranger.pid, "SIGCONT"); // throws if the stranger had been killed
  } finally {
    stranger.kill("SIGKILL");
    await stranger.status;
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest("a crash keeps all 5,000 lines and exit code 3", async (hub) => {
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: "seq 1 5000; echo fatal >&2; exit 3",
    working_directory: hub.dataDir,
  });
  const ended = await waitFor("the crash", async () => {
    const p = (await hub.api("list", { pid: body.pid })).body.processes[0];
    return p.status !== "running" && p;
  });
  assert.equal(ended.status, "failed");
  assert.equal(ended.exit_code, 3);
  const lines = await stdoutLines(hub, body.pid);
  assert.equal(lines.length, 5000);
  assert.equal(lines[4999], "5000");
  const err = await hub.api("output", { pid: body.pid, stream: "stderr" });
  assert.match(err.body.output[0], /fatal$/);
});

hubTest("a process killed by a signal has the signal's name recorded", async (hub) => {
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: "echo going; kill -KILL $$",
    working_directory: hub.dataDir,
  });
  const ended = await waitFor("the kill", async () => {
    const p = (await hub.api("list", { pid: body.pid })).body.processes[0];
    return p.status !== "running" && p;
  });
  assert.equal(ended.status, "failed");
  assert.equal(ended.exit_signal, "SIGKILL");
});

hubTest("autorestart on-failure restarts a crashing process and counts restarts", async (hub) => {
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}exit_with.sh 1`,
    working_directory: hub.dataDir,
    label: "flaky",
    autorestart: "on-failure",
  });
  assert.equal(body.status, "running");
  const restarted = await waitFor("two restarts", async () => {
    const p = (await hub.api("list", { command_or_label: "flaky" })).body.processes[0];
    return p.restarts >= 2 && p;
  });
  assert.notEqual(restarted.pid, body.pid);
  const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "flaky" });
  assert.equal(stopped.status, 200);
  const count = stopped.body.restarts;
  // Once stopped by request, it stays stopped: no restart is pending.
  const again = (await hub.api("list", { command_or_label: "flaky" })).body.processes[0];
  assert.equal(again.restarts, count);
});

hubTest(
  "a log directory that cannot be written is a clear error and the server keeps serving",
  async (hub) => {
    await Deno.writeTextFile(`${hub.dataDir}/logs`, "not a directory");
    const refused = await hub.api("ctrl", {
      action: "start",
      command_or_label: `${FIXTURES}ticker.sh`,
      working_directory: hub.dataDir,
    });
    assert.equal(refused.status, 507);
    assert.equal(refused.body.error.code, "log_unwritable");
    assert.match(
      refused.body.error.message,
      /Cannot create the log files in .*nothing was started/,
    );
    assert.deepEqual((await hub.api("list", {})).body.processes, []);
    await Deno.remove(`${hub.dataDir}/logs`);
    const started = await hub.api("ctrl", {
      action: "start",
      command_or_label: `${FIXTURES}ticker.sh`,
      working_directory: hub.dataDir,
    });
    assert.equal(started.status, 200);
  },
);

hubTest("a second server on the same data directory refuses before it listens", async (hub) => {
  const second = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "serve",
      "--port",
      String(freePort()),
      "--data-dir",
      hub.dataDir,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(second.code, 1);
  // Only the refusal: no "listening" banner, no agent set-up.
  assert.equal(new TextDecoder().decode(second.stdout), "");
  assert.match(
    new TextDecoder().decode(second.stderr),
    /^error: another persistproc server \(PID \d+, port \d+\) uses the data directory/im,
  );
  assert.ok((await hub.fetch(`/api/health`)).ok, "the first one still serves");
});
