/**
 * End-to-end: the CLI's start-and-wait flags and its output search and follow, as a user at
 * a shell runs them, against a real server.
 */
import assert from "node:assert/strict";
import type { ProcessInfo } from "../src/core/types.ts";
import { cli, CliProcess, hasTmux, REPO, TmuxSession } from "./_cli.ts";
import { freePort, hubTest, startHub, type TestHub, waitFor } from "./_hub.ts";

const SLOW_HTTP = "tests/fixtures/slow_http.ts";

function slowHttp(port: number, delayMs: number): string[] {
  return [Deno.execPath(), "run", "-A", SLOW_HTTP, String(port), String(delayMs)];
}

hubTest("start --wait-for-port returns once the port listens and says so", async (hub) => {
  const port = freePort();
  const result = await cli(hub, [
    "start",
    "--wait-for-port",
    String(port),
    "--label",
    "web",
    ...slowHttp(port, 300),
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`started 'web' \\(PID \\d+\\), listening on ${port}`));
  assert.match(result.stderr, /^ready after \d+\.\d s$/m);
});

hubTest("start --wait-for-log fails with the exit code and stderr of a crash", async (hub) => {
  const result = await cli(hub, [
    "start",
    "--wait-for-log",
    "never",
    "tests/fixtures/exit_with.sh",
    "3",
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /exited before it was ready \(exit code 3\)/);
  assert.match(result.stderr, /last stderr lines:\n {2}err before exit/);
  // The last line says so too, so that a log does not end on what reads as a success.
  assert.match(result.stdout, /^started '.*' \(PID \d+\); it exited before it was ready$/m);
});

hubTest("run --wait-for-log says it is ready, then follows the output", async (hub) => {
  const result = await cli(hub, [
    "run",
    "--wait-for-log",
    "tick 2",
    "tests/fixtures/ticker.sh",
    "3",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /ready after \d+\.\d s: tick 2/);
  assert.deepEqual(result.stdout.trim().split("\n"), ["tick 1", "tick 2", "tick 3"]);
});

hubTest("output --grep --context finds a line anywhere in the log", async (hub) => {
  const started = await cli(hub, [
    "run",
    "--label",
    "boot",
    "sh",
    "-c",
    "echo boot; echo 'Error: x'; echo after; seq 1 500",
  ]);
  assert.equal(started.code, 0, started.stderr);
  const result = await cli(hub, [
    "output",
    "--stream",
    "stdout",
    "--grep",
    "^Error",
    "--context",
    "1",
    "boot",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n"), [
    "boot",
    "Error: x",
    "after",
  ]);
});

hubTest("output --follow prints each new line once, until the process ends", async (hub) => {
  const started = await cli(hub, ["start", "--label", "ticks", "tests/fixtures/ticker.sh", "8"]);
  assert.equal(started.code, 0, started.stderr);
  const result = await cli(hub, ["output", "--follow", "--stream", "stdout", "ticks"]);
  assert.equal(result.code, 0, result.stderr);
  const ticks = result.stdout.trim().split("\n");
  assert.deepEqual(ticks, Array.from({ length: 8 }, (_, i) => `tick ${i + 1}`));
});

Deno.test({
  name: "run --wait-for-port shows a spinner at a terminal while it waits",
  ignore: !(await hasTmux()),
  fn: async () => {
    await using hub = await startHub();
    const port = freePort();
    await using tmux = await TmuxSession.start(hub, [
      "start",
      "--wait-for-port",
      String(port),
      ...slowHttp(port, 1_500),
    ]);
    await tmux.waitForScreen(new RegExp(`waiting for port ${port} \\(\\d+ s\\)`));
    await tmux.waitForScreen(/ready after \d+\.\d s[^]*\[exit 0\]/);
  },
});

/** The managed processes named `label`, as the JSON API lists them. */
async function listed(hub: TestHub, label: string): Promise<ProcessInfo[]> {
  return (await hub.api("list", { command_or_label: label, working_directory: REPO })).body
    .processes;
}

/**
 * Runs the CLI with `args`, which start a process labelled "slow" that never gets ready, and
 * sends it Ctrl+C once the server has the process (which is after the CLI began to wait).
 * Resolves with how the CLI ended, the process as it was started, and its status after.
 */
async function interruptWait(hub: TestHub, args: string[]) {
  const never = ["--label", "slow", "--wait-for-log", "never", "tests/fixtures/ticker.sh"];
  await using cli = new CliProcess(hub, [...args, ...never]);
  const [process] = await waitFor("the start", async () => {
    const found = await listed(hub, "slow");
    return found.length > 0 && found;
  });
  cli.kill("SIGINT");
  const result = await cli.result();
  return { result, process, status: (await listed(hub, "slow"))[0].status };
}

hubTest(
  "Ctrl+C during start's wait says the process keeps running and how to stop it",
  async (hub) => {
    const { result, process, status } = await interruptWait(hub, ["start"]);
    assert.equal(result.code, 130, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `^stopped waiting; 'slow' keeps running \\(PID ${process.pid}\\); stop it with: persistproc stop ${process.pid}$`,
        "m",
      ),
    );
    assert.equal(status, "running");
  },
);

hubTest("Ctrl+C during run's wait without a terminal detaches, as while following", async (hub) => {
  const { result, status } = await interruptWait(hub, ["run"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^detached; 'slow' keeps running \(PID \d+\)$/m);
  assert.equal(status, "running");
});

hubTest("Ctrl+C during run's wait with --on-exit stop stops the process", async (hub) => {
  const { result, status } = await interruptWait(hub, ["run", "--on-exit", "stop"]);
  // As a stop while following: the process's own ending and exit code (143: SIGTERM).
  assert.equal(result.code, 143, result.stderr);
  assert.match(result.stderr, /^process killed by SIGTERM$/m);
  assert.equal(status, "stopped");
});

Deno.test({
  name: "Ctrl+C during run's wait at a terminal asks whether to stop the process",
  ignore: !(await hasTmux()),
  fn: async () => {
    await using hub = await startHub();
    await using tmux = await TmuxSession.start(hub, [
      "run",
      "--label",
      "slow",
      "--wait-for-log",
      "never",
      "tests/fixtures/ticker.sh",
    ]);
    await tmux.waitForScreen(/waiting for log \/never\/ \(\d+ s\)/);
    await tmux.sendKeys("C-c");
    await tmux.waitForScreen(/Stop 'slow' \(PID \d+\)\? \[y\/N\]/);
    await tmux.sendKeys("y", "Enter");
    await tmux.waitForScreen(/^process killed by SIGTERM\n[^]*\[exit 143\]/m);
  },
});
