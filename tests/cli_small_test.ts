// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the CLI's small courtesies, run as a user at a shell runs them.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, hubTest, waitFor } from "./_hub.ts";

const TICKER = `${FIXTURES}ticker.sh`;

hubTest(
  "persistproc help is --help (so are help --help and help help), and help SUBCOMMAND is its --help",
  async (hub) => {
    const help = await cli(hub, ["help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(help.stdout, (await cli(hub, ["--help"])).stdout);
    for (const again of ["--help", "help"]) {
      const same = await cli(hub, ["help", again]);
      assert.equal(same.code, 0, same.stderr);
      assert.equal(same.stdout, help.stdout);
    }
    const ls = await cli(hub, ["help", "ls"]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, (await cli(hub, ["ls", "--help"])).stdout);
  },
);

hubTest("stop of a process that already ended says it was not running", async (hub) => {
  assert.equal((await cli(hub, ["start", "--label", "web", TICKER])).code, 0);
  assert.equal((await cli(hub, ["stop", "web"])).code, 0);
  const again = await cli(hub, ["stop", "web"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^'web' \(PID \d+\) was not running \(stopped: killed by SIGTERM\)$/m);
  assert.doesNotMatch(again.stdout, /^stopped/m);
});

hubTest(
  "a stop waiting out a process that ignores SIGTERM says what it waits for, and that SIGKILL ended it",
  async (hub) => {
    // Quoted, so it runs under a /bin/sh -c that SIGTERM ends while the program holds on.
    const stubborn = ["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"];
    for (const label of ["stubborn", "stubborn2"]) {
      assert.equal((await cli(hub, ["start", "--label", label, ...stubborn])).code, 0);
    }
    await using client = await connectMcp(hub);
    const [stopped, mcp] = await Promise.all([
      cli(hub, ["stop", "stubborn"]),
      client.callTool({
        name: "ctrl",
        arguments: { action: "stop", command_or_label: "stubborn2" },
      }) as Promise<any>,
    ]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /^waiting for "stubborn" to exit after SIGTERM; SIGKILL follows/m);
    assert.match(
      stopped.stdout,
      /^stopped 'stubborn' \(PID \d+\): SIGTERM did not end it, SIGKILL did$/m,
    );
    assert.equal(mcp.structuredContent.sigkill_needed, true);
    assert.match(
      mcp.content[0].text,
      /^stopped PID \d+ "stubborn2" \(stopped: SIGTERM did not end it, SIGKILL did\) in /,
    );
  },
);

hubTest("a start whose wait times out says the process keeps running", async (hub) => {
  const result = await cli(hub, [
    "start",
    "--wait-for-log",
    "never printed",
    "--wait-timeout",
    "1",
    TICKER,
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^not ready after /m);
  assert.match(
    result.stderr,
    /^it keeps running \(PID (\d+)\); stop it with: persistproc stop \1$/m,
  );
});

hubTest(
  "forget removes an ended process and its output, and refuses a running one",
  async (hub) => {
    const ran = await cli(hub, ["run", "--label", "once", "echo", "done"]);
    assert.equal(ran.code, 0, ran.stderr);
    const [once] = (await hub.api("list", { command_or_label: "once" })).body.processes;
    assert.ok(await Deno.stat(once.log_dir));
    const forgotten = await cli(hub, ["forget", "once"]);
    assert.equal(forgotten.code, 0, forgotten.stderr);
    assert.match(forgotten.stdout, /^forgot 'once' \(PID \d+\) and its stored output$/m);
    assert.equal((await hub.api("list", {})).body.processes.length, 0);
    await waitFor(
      "its output to be removed",
      async () => !(await Deno.stat(once.log_dir).catch(() => null)),
    );
    assert.equal((await cli(hub, ["start", "--label", "live", TICKER])).code, 0);
    const refused = await cli(hub, ["forget", "live"]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^error: cannot forget "live": it is running \(PID \d+\); stop it first$/m,
    );
  },
);

hubTest("a line redrawn with \\r is shown as it ended up, by run and output", async (hub) => {
  const bar = "printf 'Building [#    ] 10%%\\rBuilding [#####] 100%%\\n'; echo next";
  const ran = await cli(hub, ["run", "--label", "bar", "sh", "-c", bar]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, "Building [#####] 100%\nnext\n");
  const output = await cli(hub, ["output", "--timestamps", "bar"]);
  assert.equal(output.code, 0, output.stderr);
  assert.ok(!output.stdout.includes("\r"), JSON.stringify(output.stdout));
  assert.match(output.stdout, /^\d{4}-\d\d-\d\d \S+ Building \[#####\] 100%$/m);
});

hubTest("output shows local times and takes local clock times and durations", async (hub) => {
  assert.equal((await cli(hub, ["run", "--label", "hello", "echo", "hello"])).code, 0);
  const tokyo = await cli(hub, ["output", "--timestamps", "hello"], { TZ: "Asia/Tokyo" });
  assert.equal(tokyo.code, 0, tokyo.stderr);
  assert.match(tokyo.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+09:00 hello$/m);
  const since = await cli(hub, ["output", "--since", "5m", "hello"]);
  assert.match(since.stdout, /^hello$/m);
  const before = await cli(hub, ["output", "--before", "2h", "hello"]);
  assert.doesNotMatch(before.stdout, /hello/);
  // A clock time a minute ago, as `ls` shows times, in the CLI's zone.
  const minuteAgo = new Date(Date.now() - 60_000);
  const clock = `${minuteAgo.getHours()}:${String(minuteAgo.getMinutes()).padStart(2, "0")}`;
  const fromClock = await cli(hub, ["output", "--since", clock, "hello"]);
  assert.match(fromClock.stdout, /^hello$/m, clock);
  const bad = await cli(hub, ["output", "--since", "yesterday", "hello"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: invalid --since "yesterday": expected a local time/m);
  assert.doesNotMatch(bad.stderr, /since_time/);
});

hubTest("an MCP stop of a process that already ended says it was not running", async (hub) => {
  assert.equal((await cli(hub, ["run", "--label", "done", "true"])).code, 0);
  await using client = await connectMcp(hub);
  const result = await client.callTool({
    name: "ctrl",
    arguments: { action: "stop", command_or_label: "done" },
  }) as { content: { text: string }[] };
  assert.match(result.content[0].text, /^was not running \(nothing to stop\): PID \d+ "done"/);
});

hubTest("a mistyped subcommand is a usage error with a hint, not a program to run", async (hub) => {
  const typo = await cli(hub, ["lst"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^error: unknown command "lst": did you mean 'persistproc list'\?/m);
  assert.deepEqual((await hub.api("list", {})).body.processes, [], "nothing was started");
  // A program of a close name that exists runs as asked; one far from any subcommand is the
  // server's to refuse.
  const other = await cli(hub, ["no-such-program-xyz"]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /cannot run "no-such-program-xyz"/);
});

hubTest("wait for a TARGET that names no process says so and exits 125, not 1", async (hub) => {
  const crash = ["sh", "-c", "exit 1"];
  assert.equal((await cli(hub, ["run", "--label", "crasher", ...crash])).code, 1);
  const crashed = await cli(hub, ["wait", "crasher"]);
  assert.equal(crashed.code, 1, crashed.stderr);
  const unknown = await cli(hub, ["wait", "nosuch"]);
  assert.equal(unknown.code, 125, unknown.stderr);
  assert.match(unknown.stderr, /^error: no managed process is labelled or runs "nosuch"/m);
  assert.equal(unknown.stdout, "");
  const help = await cli(hub, ["--help"]);
  assert.match(help.stdout, /125 no process matches TARGET/);
});
