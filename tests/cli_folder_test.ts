// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the CLI works from the folder it is run in, as a user in a project folder runs
 * it: two projects running one command, no TARGET at all, and folders reached by a symlink.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, hubTest, type TestHub } from "./_hub.ts";

const TICKER = `${FIXTURES}ticker.sh`;

/** Two project folders inside the hub's throwaway data dir, each running TICKER. */
async function twoProjects(hub: TestHub): Promise<{ a: string; b: string; pids: number[] }> {
  const a = await Deno.realPath(await Deno.makeTempDir({ dir: hub.dataDir, prefix: "a-" }));
  const b = await Deno.realPath(await Deno.makeTempDir({ dir: hub.dataDir, prefix: "b-" }));
  const pids = [];
  for (const dir of [a, b]) {
    const started = await cli(hub, ["start", TICKER], {}, dir);
    assert.equal(started.code, 0, started.stderr);
    pids.push(Number(/\(PID (\d+)\)/.exec(started.stdout)![1]));
  }
  return { a, b, pids };
}

hubTest("a command run in two projects means the current folder's", async (hub) => {
  const { a, b, pids } = await twoProjects(hub);
  const here = await cli(hub, ["output", "--format", "json", "--lines", "1", TICKER], {}, a);
  assert.equal(here.code, 0, here.stderr);
  assert.equal(JSON.parse(here.stdout).pid, pids[0]);
  const stopped = await cli(hub, ["stop", TICKER], {}, b);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`^stopped .*\\(PID ${pids[1]}\\)`, "m"));
  // From a third folder the command means the one of the two that runs.
  const running = await cli(hub, ["output", "--format", "json", "--lines", "1", TICKER]);
  assert.equal(running.code, 0, running.stderr);
  assert.equal(JSON.parse(running.stdout).pid, pids[0]);
  // When both run it names both: the error lists them, one a line, and says how to pick in
  // the CLI's words.
  const again = await cli(hub, ["start", TICKER], {}, b);
  assert.equal(again.code, 0, again.stderr);
  const elsewhere = await cli(hub, ["restart", TICKER]);
  assert.equal(elsewhere.code, 1);
  const lines = elsewhere.stderr.trim().split("\n");
  assert.match(lines[0], /matches 2 processes; name one by PID, or with -C DIR:$/);
  assert.match(lines[1], /^ {2}PID \d+ ".*" \(running\)$/);
  assert.match(lines[2], /^ {2}PID \d+ ".*" \(running\)$/);
  assert.doesNotMatch(elsewhere.stderr, /working_directory|command_or_label/);
  // --format json errors are JSON too.
  const json = await cli(hub, ["--format", "json", "restart", TICKER]);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stderr).error.code, "ambiguous");
});

hubTest("without TARGET, output, stop, restart and ls mean the current folder's", async (hub) => {
  const { a, b, pids } = await twoProjects(hub);
  const listed = await cli(hub, ["ls"], {}, a);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${pids[0]} `, "m"));
  assert.doesNotMatch(listed.stdout, new RegExp(`^${pids[1]} `, "m"));
  assert.match(listed.stderr, /^\(1 more started in other folders: persistproc ls --all\)$/m);
  const all = await cli(hub, ["ls", "--all"], {}, a);
  assert.match(all.stdout, new RegExp(`^${pids[1]} `, "m"));
  const output = await cli(hub, ["output", "--format", "json"], {}, a);
  assert.equal(output.code, 0, output.stderr);
  assert.equal(JSON.parse(output.stdout).pid, pids[0]);
  const restarted = await cli(hub, ["restart"], {}, b);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.match(restarted.stdout, /^restarted /m);
  const stopped = await cli(hub, ["stop"], {}, a);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`^stopped .*\\(PID ${pids[0]}\\)`, "m"));
  // ls --running from a folder with no processes: all of them, the running ones only.
  const running = await cli(hub, ["ls", "--running"], {}, hub.dataDir);
  assert.doesNotMatch(running.stdout, new RegExp(`^${pids[0]} `, "m"));
  assert.match(running.stdout, / running /);
  // Nothing started here: the error says so in the CLI's words.
  const none = await cli(hub, ["stop"], {}, hub.dataDir);
  assert.equal(none.code, 125);
  assert.match(none.stderr, /^error: no TARGET given, and no process was started in /);
});

hubTest(
  "a folder reached through a symlink is the folder itself, over MCP and the CLI",
  async (hub) => {
    const real = join(hub.dataDir, "real");
    const link = join(hub.dataDir, "link");
    await Deno.mkdir(real);
    await Deno.symlink(real, link);
    await using client = await connectMcp(hub);
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as any;
    const started = await call("ctrl", {
      action: "start",
      command_or_label: TICKER,
      working_directory: link,
    });
    assert.equal(started.isError, undefined, started.content?.[0]?.text);
    const listed = await call("list", { working_directory: link });
    assert.equal(listed.structuredContent.processes.length, 1);
    assert.equal(listed.structuredContent.processes[0].label, `${TICKER} in ${real}`);
    const viaCli = await cli(hub, ["ls", "-C", link]);
    assert.match(viaCli.stdout, new RegExp(`^${started.structuredContent.pid} +running`, "m"));
    const stopped = await cli(hub, ["stop", "-C", `${link}/`, TICKER]);
    assert.equal(stopped.code, 0, stopped.stderr);
    const again = await call("ctrl", {
      action: "restart",
      command_or_label: TICKER,
      working_directory: link,
    });
    assert.equal(again.isError, undefined, again.content?.[0]?.text);
    const stoppedOverMcp = await call("ctrl", {
      action: "stop",
      command_or_label: TICKER,
      working_directory: link,
    });
    assert.equal(stoppedOverMcp.structuredContent.status, "stopped");
  },
);
