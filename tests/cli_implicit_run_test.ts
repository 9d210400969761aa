/**
 * End-to-end: the forms the README has always shown, with run's flags before an implicit
 * run's command (`persistproc --restart npm run dev`), behave as `persistproc run ...`.
 */
import assert from "node:assert/strict";
import { cli, CliProcess } from "./_cli.ts";
import { hubTest, waitFor } from "./_hub.ts";

const TICKER = "tests/fixtures/ticker.sh";

hubTest("persistproc --restart COMMAND restarts it as run --restart does", async (hub) => {
  const started = await cli(hub, ["start", TICKER]);
  assert.equal(started.code, 0, started.stderr);
  const [, before] = /\(PID (\d+)\)/.exec(started.stdout)!;
  await waitFor("a tick", async () => {
    const { body } = await hub.api("output", { pid: Number(before), stream: "stdout" });
    return body.output.length >= 1;
  });
  await using run = new CliProcess(hub, ["--restart", "--on-exit", "detach", TICKER]);
  await run.waitForOutput(
    new RegExp(`^already running \\(PID ${before}\\), restarting$`, "m"),
    "stderr",
  );
  await run.waitForOutput(/^tick 2$/m, "stdout");
  run.kill("SIGINT");
  const result = await run.result();
  const [, after] = /keeps running \(PID (\d+)\)$/m.exec(result.stderr)!;
  assert.notEqual(after, before);
  assert.match(result.stderr, new RegExp(`^restarted '${TICKER}' \\(PID ${after}\\)$`, "m"));
});

hubTest("persistproc COMMAND says what it started and its PID, as start does", async (hub) => {
  const ran = await cli(hub, ["echo", "hello"]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, "hello\n");
  const { body } = await hub.api("list", {});
  assert.match(
    ran.stderr,
    new RegExp(`^started 'echo hello' \\(PID ${body.processes[0].pid}\\)$`, "m"),
  );
  const fresh = await cli(hub, ["--fresh", "--label", "greeter", "echo", "again"]);
  assert.equal(fresh.code, 0, fresh.stderr);
  const [greeter] = (await hub.api("list", { command_or_label: "greeter" })).body.processes;
  assert.match(fresh.stderr, new RegExp(`^started 'greeter' \\(PID ${greeter.pid}\\)$`, "m"));
});

hubTest("--label, --raw and --fresh may come before an implicit run's command", async (hub) => {
  const first = await cli(hub, ["--label", "once", "--raw", "tests/fixtures/exit_with.sh", "3"]);
  assert.equal(first.code, 3, first.stderr);
  assert.match(first.stdout, /^\d{4}-\d\d-\d\d \S+ \[stdout\] out before exit$/m, "raw lines");
  const again = await cli(hub, ["--fresh", "--label", "once", "tests/fixtures/exit_with.sh"]);
  assert.equal(again.code, 0, again.stderr);
  const { body } = await hub.api("list", {});
  assert.deepEqual(body.processes.map((p: { label: string }) => p.label), ["once"]);
});

hubTest("a run flag before a subcommand is a usage error", async (hub) => {
  const result = await cli(hub, ["--restart", "list"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: --restart belongs to run/m);
  // -C is the subcommand's own: it is told where it goes.
  const folder = await cli(hub, ["-C", "/tmp", "ls"]);
  assert.equal(folder.code, 2);
  assert.match(
    folder.stderr,
    /^error: -C \(--working-directory\) goes after the subcommand: persistproc ls -C DIR/m,
  );
});
