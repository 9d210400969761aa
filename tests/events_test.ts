// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the event stream as an agent's monitor and a person's terminal see it:
 * `persistproc events --follow` under `timeout` and as a background job, its replay from a
 * cursor across a server restart, a crash loop merged, and `wait` with no time limit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, CliProcess } from "./_cli.ts";
import {
  connectMcp,
  freePort,
  hubTest,
  MAIN,
  startHub,
  waitFor,
  writeSavedRecord,
} from "./_hub.ts";

/** What makes "api": a program that says why it fails on stderr, then fails. */
const CRASHING = [
  "start",
  "--label",
  "api",
  "sh",
  "-c",
  'echo booting; echo "Error: listen EADDRINUSE :3000" >&2; sleep 0.3; exit 1',
];

const CRASH_LINE =
  /^persistproc: "api" \(pid (\d+)\) crashed: exit 1 at \d\d:\d\d:\d\d; last stderr: Error: listen EADDRINUSE :3000$/m;

hubTest("events --follow under timeout prints each event of the label as one line", async (hub) => {
  // --after 0: what happened before it connected is printed too, so no start can be missed.
  await using follower = new CliProcess(hub, [
    "events",
    "--follow",
    "--after",
    "0",
    "--label",
    "api",
  ], {
    runner: ["timeout", "60"],
  });
  await cli(hub, ["start", "--label", "other", "true"]);
  const started = await cli(hub, CRASHING);
  assert.equal(started.code, 0, started.stderr);
  const [, pid] = await follower.waitForOutput(CRASH_LINE, "stdout");
  const listed = (await hub.api("list", {})).body.processes.find((p: any) => p.label === "api");
  assert.equal(Number(pid), listed.pid);
  follower.kill("SIGTERM"); // timeout passes it on
  const { stdout } = await follower.result();
  assert.deepEqual(stdout.trimEnd().split("\n").map((line) => line.replace(/ at .*/, "")), [
    `persistproc: "api" (pid ${pid}) started by cli`,
    `persistproc: "api" (pid ${pid}) crashed: exit 1`,
  ]);
});

hubTest("events --follow as a background job writes each line to its file at once", async (hub) => {
  const file = join(hub.dataDir, "events.out");
  const job = await new Deno.Command("sh", {
    args: [
      "-c",
      `"$0" run -A "$1" events --follow --label api > "$2" 2>&1 & echo $!`,
      Deno.execPath(),
      MAIN,
      file,
    ],
    env: { PERSISTPROC_PORT: String(hub.port), PERSISTPROC_DATA_DIR: hub.dataDir },
    stdin: "null",
  }).output();
  const pid = Number(new TextDecoder().decode(job.stdout).trim());
  try {
    // Only new events: started once the job has connected (a restart shows it listens).
    await cli(hub, ["start", "--label", "api", "sleep", "60"]);
    await waitFor("the job to hear a restart", async () => {
      await cli(hub, ["restart", "api"]);
      return / restarted by cli at /.test(await Deno.readTextFile(file));
    }, 60_000);
    await cli(hub, ["stop", "api"]);
    await waitFor("the stop in the file", async () => {
      return /"api" \(pid \d+\) stopped: SIGTERM at \d\d:\d\d:\d\d\n$/.test(
        await Deno.readTextFile(file),
      );
    });
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- the job wrote ---\n${await Deno.readTextFile(file).catch(() => "")}`);
    throw error;
  } finally {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* already gone */ }
  }
});

Deno.test("a follower armed before the server waits for it, and resumes from its cursor across a restart; events --after replays", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-events-" });
  const where = { port: freePort(), dataDir };
  // Armed before any server runs (a monitor set up first): it waits for one.
  const follow = "events --follow --after 0 --label api --kind crashed";
  await using follower = new CliProcess(where, follow.split(" "));
  await follower.waitForOutput(/waiting for the server on port/, "stderr");
  let hub = await startHub([], where);
  try {
    await cli(hub, CRASHING);
    await follower.waitForOutput(CRASH_LINE, "stdout");
    const kept = await cli(hub, ["events", "--format", "json"]);
    const crash = kept.stdout.trim().split("\n").map((line) => JSON.parse(line))
      .find((event) => event.crashed);
    await hub[Symbol.asyncDispose]();
    hub = await startHub([], where);
    const replayed = await cli(hub, ["events", "--format", "json", "--after", `${crash.id - 1}`]);
    assert.deepEqual(JSON.parse(replayed.stdout.split("\n")[0]), crash);
    await cli(hub, ["restart", "api"]);
    // The follower waited for the new server and goes on after the crash it printed.
    const twice = new RegExp(`${CRASH_LINE.source}\\n${CRASH_LINE.source}`, "m");
    await follower.waitForOutput(twice, "stdout");
    await follower.waitForOutput(
      /waiting for the server on port[^]*waiting for the server on port/,
      "stderr",
    );
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}`);
    throw error;
  } finally {
    await hub[Symbol.asyncDispose]();
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest(
  "a crash loop's exits are merged, in time order, and the merged line says how many",
  async (hub) => {
    await cli(hub, [...CRASHING.slice(0, 3), "--autorestart", "always", ...CRASHING.slice(3)]);
    try {
      const merged = await waitFor("a merged crash", async () => {
        const { stdout } = await cli(hub, ["events", "--kind", "crashed", "--format", "json"]);
        const crashes = stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
        return crashes.length >= 4 && crashes;
      }, 40_000);
      // Three pass at once; the rest of the ten-second window come as one, with their count.
      assert.deepEqual(merged.slice(0, 3).map((e: any) => e.merged), [
        undefined,
        undefined,
        undefined,
      ]);
      assert.ok(merged[3].merged >= 2, JSON.stringify(merged[3]));
      const { stdout } = await cli(hub, [
        "events",
        "--kind",
        "crashed",
        "--after",
        `${merged[2].id}`,
      ]);
      assert.match(
        stdout.split("\n")[0],
        /^persistproc: "api" \(pid \d+\) crashed \d+ times (in \d+ s|within a second), the last: exit 1 at /,
      );
      // Every event, merged or not, is numbered in the order it happened.
      const all = await cli(hub, ["events", "--format", "json"]);
      const times = all.stdout.trim().split("\n").map((line) => JSON.parse(line).time);
      assert.deepEqual(times, times.toSorted(), all.stdout);
      assert.ok(merged[3].merged_since <= merged[3].time, JSON.stringify(merged[3]));
    } finally {
      await cli(hub, ["stop", "api"]);
    }
  },
);

hubTest(
  "wait and an output wait with no time limit end at the exit, with its code",
  async (hub) => {
    await cli(hub, ["start", "--label", "api", "sh", "-c", "sleep 1; echo bye >&2; exit 3"]);
    const waited = await cli(hub, ["wait", "api"]);
    assert.equal(waited.code, 3, waited.stderr);
    assert.match(
      waited.stdout,
      /^persistproc: "api" \(pid \d+\) crashed: exit 3 at .*; last stderr: bye\n$/,
    );
    // Already ended: said at once, the same way.
    const again = await cli(hub, ["wait", "api"]);
    assert.equal(again.code, 3);
    assert.match(again.stdout, /crashed: exit 3/);
    await cli(hub, ["start", "--label", "web", "sh", "-c", "sleep 1; exit 4"]);
    const output = await cli(hub, ["output", "--wait-for-exit", "--wait-timeout", "0", "web"]);
    assert.equal(output.code, 4, output.stderr);
    await using mcp = await connectMcp(hub);
    await cli(hub, ["restart", "web"]);
    const result: any = await mcp.callTool({
      name: "output",
      arguments: { command_or_label: "web", wait_for_exit: true, wait_timeout: 0 },
    });
    assert.equal(result.structuredContent.wait_result, "exited", JSON.stringify(result));
    assert.equal(result.structuredContent.exit_code, 4);
  },
);

Deno.test("a process that ended while no server ran is an exit event of the next server", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-events-" });
  try {
    const logDir = join(dataDir, "logs", "old");
    await Deno.mkdir(logDir, { recursive: true });
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    writeSavedRecord(dataDir, { pid: gone.pid, log_dir: logDir });
    await using hub = await startHub([], { dataDir });
    const { stdout } = await cli(hub, ["events", "--label", "old server"]);
    assert.match(stdout, /^persistproc: "old server" \(pid \d+\) exited: exit code unknown at /);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest("start --notify-on-log makes each matching output line an event", async (hub) => {
  const started = await cli(hub, [
    "start",
    "--label",
    "worker",
    "--notify-on-log",
    "^error",
    "sh",
    "-c",
    "echo fine; echo 'error: disk full'; sleep 30",
  ]);
  assert.equal(started.code, 0, started.stderr);
  const line = await waitFor("the matching line's event", async () => {
    const { stdout } = await cli(hub, ["events", "--kind", "log_match"]);
    return stdout.trim();
  });
  assert.match(
    line,
    /^persistproc: "worker" \(pid \d+\) printed a line matching notify_on_log at .*: error: disk full$/,
  );
  await cli(hub, ["stop", "worker"]);
});

hubTest("an MCP start with notify_on_log makes each matching line an event", async (hub) => {
  await using mcp = await connectMcp(hub);
  const started = await mcp.callTool({
    name: "ctrl",
    arguments: {
      action: "start",
      command_or_label: "echo fine; echo 'error: disk full'; sleep 30",
      working_directory: hub.dataDir,
      label: "worker",
      notify_on_log: "^error",
    },
  });
  assert.ok(!started.isError, JSON.stringify(started.content));
  const line = await waitFor("the matching line's event", async () => {
    const { stdout } = await cli(hub, ["events", "--kind", "log_match"]);
    return stdout.trim();
  });
  assert.match(
    line,
    /^persistproc: "worker" \(pid \d+\) printed a line matching .*: error: disk full$/,
  );
  const misplaced = await mcp.callTool({
    name: "ctrl",
    arguments: { action: "stop", command_or_label: "worker", notify_on_log: "x" },
  });
  assert.ok(misplaced.isError);
  assert.match(JSON.stringify(misplaced.content), /notify_on_log applies to start, not stop/);
  await cli(hub, ["stop", "worker"]);
});

hubTest(
  "events --label takes the name its lines show; one nothing has is an error, or awaited",
  async (hub) => {
    // Started without a label: its lines name it by its command, and so may --label.
    await cli(hub, ["start", "sh", "-c", "echo Error: boom >&2; exit 3"], {}, hub.dataDir);
    await cli(hub, ["start", "--label", "other", "sh", "-c", "exit 4"]);
    const crash = await waitFor("the crash", async () => {
      const { stdout } = await cli(hub, ["events", "--kind", "crashed"]);
      return stdout.split("\n").find((line) => line.includes("boom"));
    });
    const name = JSON.parse(/^persistproc: (".*") \(pid/.exec(crash)![1]);
    assert.equal(name, "sh -c 'echo Error: boom >&2; exit 3'");
    const named = await cli(hub, ["events", "--label", name, "--kind", "crashed"]);
    assert.equal(named.stdout, `${crash}\n`, named.stderr);
    const typo = await cli(hub, ["events", "--label", "apii"]);
    assert.equal(typo.code, 125, typo.stderr);
    assert.match(typo.stderr, /^error: no managed process is labelled or runs "apii"/);
    assert.equal(typo.stdout, "");
    await using follower = new CliProcess(hub, ["events", "--follow", "--label", "apii"]);
    await follower.waitForOutput(
      /no process is labelled "apii" yet; following for its events/,
      "stderr",
    );
    await cli(hub, ["start", "--label", "apii", "true"]);
    await follower.waitForOutput(/^persistproc: "apii" \(pid \d+\) started by cli at /m, "stdout");
  },
);
