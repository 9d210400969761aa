// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the real CLI (main.ts) against a real server, as a user at a shell runs it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, CliProcess, hasTmux, TmuxSession } from "./_cli.ts";
import { freePort, hubTest, type TestHub, waitFor } from "./_hub.ts";

const TICKER = "tests/fixtures/ticker.sh";

async function processes(hub: TestHub, filter: Record<string, unknown> = {}): Promise<any[]> {
  const { status, body } = await hub.api("list", filter);
  assert.equal(status, 200, JSON.stringify(body));
  return body.processes;
}

hubTest("a short command's output is printed and its exit code passed on", async (hub) => {
  const result = await cli(hub, ["tests/fixtures/exit_with.sh", "3"]);
  assert.equal(result.code, 3, result.stderr);
  assert.equal(result.stdout, "out before exit\n");
  assert.match(result.stderr, /^err before exit$/m);
  assert.match(result.stderr, /^process exited with code 3$/m);
});

hubTest("arguments with spaces reach the child unchanged", async (hub) => {
  const result = await cli(hub, ["echo", "a  b", "it's"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "a  b it's\n");
});

hubTest("flags after the command belong to the command", async (hub) => {
  const result = await cli(hub, ["--port", String(hub.port), "echo", "--port", "1", "--help"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "--port 1 --help\n");
});

hubTest("run attaches to the same command already running here", async (hub) => {
  const started = await cli(hub, ["start", TICKER]);
  assert.equal(started.code, 0, started.stderr);
  const [, pid] = /\(PID (\d+)\)/.exec(started.stdout)!;
  await using attached = new CliProcess(hub, ["run", TICKER]);
  await attached.waitForOutput(
    new RegExp(`^already running \\(PID ${pid}\\), attaching$`, "m"),
    "stderr",
  );
  await attached.waitForOutput(/^tick \d+$/m, "stdout");
  attached.kill("SIGINT");
  assert.equal((await attached.result()).code, 0);
});

hubTest("Ctrl+C without a terminal detaches and leaves the process running", async (hub) => {
  await using run = new CliProcess(hub, [TICKER]);
  await run.waitForOutput(/^tick 2$/m, "stdout");
  run.kill("SIGINT");
  const result = await run.result();
  assert.equal(result.code, 0, result.stderr);
  const [, pid] = /^detached; 'tests\/fixtures\/ticker\.sh' keeps running \(PID (\d+)\)$/m
    .exec(result.stderr)!;
  assert.equal((await processes(hub, { pid: Number(pid) }))[0].status, "running");
});

hubTest("Ctrl+C with --on-exit stop stops the process and exits with its code", async (hub) => {
  await using run = new CliProcess(hub, ["run", "--on-exit", "stop", TICKER]);
  await run.waitForOutput(/^tick 2$/m, "stdout");
  run.kill("SIGINT");
  const result = await run.result();
  assert.match(result.stderr, /^process killed by SIGTERM$/m);
  assert.equal(result.code, 143);
  const [ticker] = await processes(hub, { command_or_label: TICKER });
  assert.equal(ticker.status, "stopped");
});

hubTest("list shows managed processes as a table and as the API's JSON", async (hub) => {
  assert.equal((await cli(hub, ["start", "--label", "ticker", TICKER])).code, 0);
  const table = await cli(hub, ["ls"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^PID +STATUS +EXIT +STARTED +PORTS +BY +LABEL$/m);
  assert.match(table.stdout, /^\d+ +running +- +\S+ +- +cli +ticker$/m);
  const json = await cli(hub, ["list", "--format", "json"]);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(parsed), ["processes"]);
  assert.equal(parsed.processes[0].label, "ticker");
  assert.equal(parsed.processes[0].command_line, TICKER);
});

hubTest("output prints a process's stored lines, with their times when asked", async (hub) => {
  assert.equal((await cli(hub, ["tests/fixtures/exit_with.sh", "0"])).code, 0);
  const result = await cli(hub, [
    "output",
    "--stream",
    "stdout",
    "tests/fixtures/exit_with.sh",
    "0",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "out before exit\n");
  const stamped = await cli(hub, ["output", "--timestamps", "tests/fixtures/exit_with.sh", "0"]);
  // Local time, with its offset.
  const local = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d";
  assert.match(stamped.stdout, new RegExp(`^${local} out before exit$`, "m"));
  assert.match(stamped.stdout, new RegExp(`^${local} \\[err\\] err before exit$`, "m"));
});

hubTest("stop ends a running process and says how", async (hub) => {
  assert.equal((await cli(hub, ["start", "--label", "web", TICKER])).code, 0);
  const result = await cli(hub, ["stop", "web"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^stopped 'web' \(PID \d+\): killed by SIGTERM$/m);
  assert.equal((await processes(hub, { command_or_label: "web" }))[0].status, "stopped");
});

hubTest("restart gives the process a new PID and keeps it running", async (hub) => {
  const started = await cli(hub, ["start", "--label", "web", TICKER]);
  const [, before] = /\(PID (\d+)\)/.exec(started.stdout)!;
  const result = await cli(hub, ["restart", "web"]);
  assert.equal(result.code, 0, result.stderr);
  const [, after] = /^restarted 'web' \(PID (\d+)\)$/m.exec(result.stdout)!;
  assert.notEqual(after, before);
  const [web] = await processes(hub, { pid: Number(after) });
  assert.equal(web.status, "running");
});

hubTest("an unknown flag is a usage error that exits 2", async (hub) => {
  const result = await cli(hub, ["list", "--bogus"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: unknown option '--bogus'$/m);
  assert.match(result.stderr, /persistproc list --help/);
  assert.equal((await cli(hub, ["--bogus", "echo"])).code, 2);
});

hubTest("serve refuses a port another persistproc already holds", async (hub) => {
  const result = await cli(hub, ["serve", "--quiet"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(`^error: persistproc is already running on port ${hub.port}$`, "m"),
  );
});

Deno.test("run and start start a server in the background, ls does not, and shutdown stops it", async () => {
  const target = {
    port: freePort(),
    dataDir: await Deno.makeTempDir({ prefix: "persistproc-test-" }),
  };
  const logFile = join(target.dataDir, "server.log");
  await using _server = {
    // Whatever happens, no server is left behind, and the log is shown if the test failed.
    async [Symbol.asyncDispose]() {
      await cli(target, ["shutdown"]);
      await Deno.remove(target.dataDir, { recursive: true });
    },
  };
  try {
    // A read-only command says so and changes nothing: no server, not even its log.
    for (const command of [["ls"], ["output", "web"]]) {
      const refused = await cli(target, command);
      assert.equal(refused.code, 1, command.join(" "));
      // The command it suggests reaches this port and data directory.
      assert.ok(
        refused.stderr.startsWith(
          `error: no persistproc server runs on port ${target.port}, so nothing is managed`,
        ) &&
          refused.stderr.includes(
            `'persistproc --port ${target.port} --data-dir ${target.dataDir} serve'`,
          ),
        refused.stderr,
      );
      assert.equal(await Deno.stat(logFile).catch(() => null), null, "no server was started");
    }
    const started = await cli(target, ["start", "--label", "web", "echo", "hi"]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(
      started.stderr,
      `started persistproc server on port ${target.port} (log: ${logFile})\n`,
    );
    const again = await cli(target, ["list"]);
    assert.equal(again.stderr, "");
    assert.match(again.stdout, / web$/m);
    const shutdown = await cli(target, ["shutdown"]);
    assert.equal(shutdown.code, 0, shutdown.stderr);
    assert.match(shutdown.stderr, /stopped/);
    const after = await cli(target, ["shutdown"]);
    assert.equal(after.stderr, `no server running on port ${target.port}\n`);
  } catch (error) {
    const log = await Deno.readTextFile(logFile).catch(() => "(no log)");
    // deno-lint-ignore no-console
    console.error(`--- ${logFile} ---\n${log}`);
    throw error;
  }
});

hubTest("a follower stays with the process when someone else restarts it", async (hub) => {
  await using run = new CliProcess(hub, [TICKER]);
  await run.waitForOutput(/^tick 2$/m, "stdout");
  const restarted = await cli(hub, ["restart", TICKER]);
  assert.equal(restarted.code, 0, restarted.stderr);
  const [, pid] = /\(PID (\d+)\)/.exec(restarted.stdout)!;
  await run.waitForOutput(
    new RegExp(`^restarted 'tests/fixtures/ticker\\.sh' \\(PID ${pid}\\)$`, "m"),
    "stderr",
  );
  await run.waitForOutput(/^tick 1$[^]*^tick 2$[^]*^tick 1$/m, "stdout");
  run.kill("SIGINT");
  const result = await run.result();
  assert.equal(result.code, 0);
  assert.match(result.stderr, new RegExp(`keeps running \\(PID ${pid}\\)$`, "m"));
});

hubTest("run --restart restarts a running process and follows only the new one", async (hub) => {
  const started = await cli(hub, ["start", TICKER]);
  const [, before] = /\(PID (\d+)\)/.exec(started.stdout)!;
  await waitFor("a few ticks", async () => {
    const { body } = await hub.api("output", { pid: Number(before), stream: "stdout" });
    return body.output.length >= 3;
  });
  await using run = new CliProcess(hub, ["run", "--restart", TICKER]);
  await run.waitForOutput(
    new RegExp(`^already running \\(PID ${before}\\), restarting$`, "m"),
    "stderr",
  );
  await run.waitForOutput(/^tick 3$/m, "stdout");
  run.kill("SIGINT");
  const result = await run.result();
  assert.match(result.stdout, /^tick 1\ntick 2\ntick 3$/m, "starts with the new process's output");
  const [, after] = /keeps running \(PID (\d+)\)$/m.exec(result.stderr)!;
  assert.notEqual(after, before);
});

const tmux = await hasTmux();

/**
 * A test of the question Ctrl+C asks at a terminal: `persistproc ARGS...` follows the ticker
 * in tmux, gets Ctrl+C, and `answer` goes on from the open question. Skips without tmux.
 */
function questionTest(
  name: string,
  args: string[],
  answer: (session: TmuxSession, pid: number, hub: TestHub) => Promise<void>,
): void {
  hubTest(name, async (hub) => {
    if (!tmux) {
      // deno-lint-ignore no-console
      return console.warn(`skipped "${name}": tmux is not installed`);
    }
    await using session = await TmuxSession.start(hub, args);
    await session.waitForScreen(/^tick 3$/m);
    await session.sendKeys("C-c");
    const [, pid] = await session.waitForScreen(
      /^Stop 'tests\/fixtures\/ticker\.sh' \(PID (\d+)\)\? \[y\/N\]/m,
    );
    await answer(session, Number(pid), hub);
  });
}

questionTest(
  "Ctrl+C at a terminal asks, and y stops the process",
  ["run", TICKER],
  async (session, pid, hub) => {
    // Let output arrive while the question is open: it must be printed after the answer.
    const ticks = [...(await session.screen()).matchAll(/^tick (\d+)$/gm)];
    const shown = Math.max(...ticks.map((m) => Number(m[1])));
    await waitFor("the ticker to tick on behind the question", async () => {
      const { body } = await hub.api("output", { pid, stream: "stdout", lines: 1 });
      return Number(/tick (\d+)/.exec(body.output[0])?.[1]) > shown + 1;
    });
    await session.sendKeys("y", "Enter");
    const [screen] = await session.waitForScreen(/[^]*\[exit 143\]/);
    const afterQuestion = screen.slice(screen.indexOf("[y/N]"));
    assert.match(afterQuestion, new RegExp(`^tick ${shown + 1}$`, "m"));
    assert.match(afterQuestion, /^process killed by SIGTERM$/m);
    assert.equal((await processes(hub, { pid }))[0].status, "stopped");
  },
);

questionTest(
  "Ctrl+C at a terminal asks, and Enter detaches",
  [TICKER],
  async (session, pid, hub) => {
    await session.sendKeys("Enter");
    await session.waitForScreen(/^\[exit 0\]$/m);
    assert.match(
      await session.screen(),
      new RegExp(`^detached; 'tests/fixtures/ticker\\.sh' keeps running \\(PID ${pid}\\)$`, "m"),
    );
    assert.equal((await processes(hub, { pid }))[0].status, "running");
  },
);

questionTest("a second Ctrl+C at the question detaches", [TICKER], async (session, pid, hub) => {
  await session.sendKeys("C-c");
  await session.waitForScreen(/^\[exit 0\]$/m);
  assert.match(await session.screen(), /^detached; 'tests\/fixtures\/ticker\.sh' keeps running/m);
  assert.equal((await processes(hub, { pid }))[0].status, "running");
});
