// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: ports as a user meets them from a project folder: the port a process holds is
 * never its own conflict, and a program that dies because its port is taken is told who has it.
 */
import assert from "node:assert/strict";
import { cli, CliProcess } from "./_cli.ts";
import { connectMcp, FIXTURES, freePort, hubTest, waitFor } from "./_hub.ts";

const SERVER = `${FIXTURES}slow_http.ts`;
const PORT_TAKEN = `${FIXTURES}port_taken.sh`;

hubTest("a process is never its own port conflict: start, run and MCP", async (hub) => {
  const project = await Deno.makeTempDir({ dir: hub.dataDir });
  const port = freePort();
  const server = [Deno.execPath(), "run", "-A", SERVER, String(port)];
  const start = ["start", "--label", "web", "--wait-for-port", String(port), ...server];
  const first = await cli(hub, start, {}, project);
  assert.equal(first.code, 0, first.stderr);
  let pid = Number(/\(PID (\d+)\)/.exec(first.stdout)![1]);
  // Again: already running, with how to restart it; not "port in use".
  const again = await cli(hub, start, {}, project);
  assert.equal(again.code, 1);
  assert.match(
    again.stderr,
    new RegExp(
      `^error: "web" is already running \\(PID ${pid}, listening on ${port}\\); to start it anew: persistproc restart ${pid}$`,
      "m",
    ),
  );
  assert.doesNotMatch(again.stderr, /in use/);
  // run attaches, and the wait is met at once since the port listens.
  await using run = new CliProcess(
    hub,
    ["run", "--label", "web", "--wait-for-port", String(port), ...server],
    { cwd: project },
  );
  await run.waitForOutput(
    new RegExp(`^already running \\(PID ${pid}\\), attaching$`, "m"),
    "stderr",
  );
  run.kill("SIGINT");
  assert.equal((await run.result()).code, 0);
  // run --restart with the same wait restarts it and waits for its own port again.
  await using restart = new CliProcess(
    hub,
    ["run", "--restart", "--label", "web", "--wait-for-port", String(port), ...server],
    { cwd: project },
  );
  await restart.waitForOutput(/^ready after /m, "stderr");
  await restart.waitForOutput(
    new RegExp(`^already running \\(PID ${pid}\\), restarting$`, "m"),
    "stderr",
  );
  restart.kill("SIGINT");
  assert.equal((await restart.result()).code, 0);
  pid = (await hub.api("list", { command_or_label: "web" })).body.processes[0].pid;
  // MCP says the same.
  await using client = await connectMcp(hub);
  const mcp = await client.callTool({
    name: "ctrl",
    arguments: {
      action: "start",
      command_or_label: server.join(" "),
      label: "web",
      working_directory: project,
      wait_for_port: port,
    },
  }) as any;
  assert.equal(mcp.isError, true);
  assert.match(mcp.content[0].text, new RegExp(`"web" is already running \\(PID ${pid}`));
  assert.doesNotMatch(mcp.content[0].text, /in use/);
  // Another label wanting that port is told to restart the one that has it.
  const other = await cli(
    hub,
    [
      "start",
      "--label",
      "web2",
      "--wait-for-port",
      String(port),
      ...server,
    ],
    {},
    project,
  );
  assert.equal(other.code, 1);
  assert.match(
    other.stderr,
    /managed process "web"\); to run it anew, restart it instead of starting another: persistproc restart web$/m,
  );
});

hubTest("a program that dies because its port is taken is told who holds it", async (hub) => {
  using holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = holder.addr.port;
  const run = await cli(hub, ["run", PORT_TAKEN, String(port)]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, new RegExp(`^port ${port} is held by PID ${Deno.pid}\\b`, "m"));
  // The holder is not managed (it is this test): the remedy is to adopt it, in each door's words.
  const adoptIt = `; to run it under persistproc, adopt it \\(persistproc adopt :${port}, ` +
    `or ctrl action "adopt" with port ${port}\\)$`;
  assert.match(run.stderr, new RegExp(`^port ${port} is held by .*${adoptIt}`, "m"));
  const start = await cli(hub, [
    "start",
    "--label",
    "taken",
    "--wait-for-log",
    "listening",
    PORT_TAKEN,
    String(port),
  ]);
  assert.equal(start.code, 1);
  assert.match(start.stderr, new RegExp(`^port ${port} is held by PID ${Deno.pid}\\b`, "m"));
  assert.match(start.stderr, new RegExp(`^port ${port} is held by .*${adoptIt}`, "m"));
  // The report line is in the tail, though the stack after it is longer than the tail.
  assert.match(start.stderr, /^ {2}Error: listen EADDRINUSE: address already in use :::\d+$/m);
  await using client = await connectMcp(hub);
  const result = await client.callTool({
    name: "ctrl",
    arguments: { action: "restart", command_or_label: "taken", wait_for_log: "listening" },
  }) as any;
  const structured = result.structuredContent;
  assert.equal(structured.port_conflict?.port, port);
  assert.equal(structured.port_conflict?.pid, Deno.pid);
  const text = (result.content as { text: string }[]).map((c) => c.text).join("\n");
  assert.match(text, new RegExp(`port ${port} is held by .*${adoptIt}`, "m"), text);
  assert.ok(
    structured.stderr_tail.some((line: string) => line.startsWith("Error: listen EADDRINUSE")),
    structured.stderr_tail.join("\n"),
  );
});

hubTest(
  "a program whose address-in-use message names no port is told who holds its command line's port",
  async (hub) => {
    const port = freePort();
    const server = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"];
    const web = await cli(hub, [
      "start",
      "--label",
      "web",
      "--wait-for-port",
      String(port),
      ...server,
    ]);
    assert.equal(web.code, 0, web.stderr);
    const pid = Number(/\(PID (\d+)\)/.exec(web.stdout)![1]);
    const holder = new RegExp(
      `^port ${port} is held by PID ${pid} "\\S*python3 -m http\\.server ${port} --bind 127\\.0\\.0\\.1" \\(managed process "web"\\); to run this one beside it, start it with assign_port \\(CLI: --assign-port PORT\\) for a port of its own$`,
      "m",
    );
    // Python says only "OSError: [Errno 98] Address already in use".
    const run = await cli(hub, ["run", "--label", "web2", ...server]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Address already in use/);
    assert.match(run.stderr, holder);
    // A wait that ends because it exited says the same.
    const start = await cli(hub, [
      "start",
      "--label",
      "web3",
      "--wait-for-log",
      "Serving",
      ...server,
    ]);
    assert.equal(start.code, 1);
    assert.match(start.stderr, holder);
  },
);

hubTest(
  "stop of a program that ended says it stopped what it left running, and the port it freed",
  async (hub) => {
    const port = freePort();
    const daemon = `setsid python3 -m http.server ${port} --bind 127.0.0.1 >/dev/null 2>&1`;
    const started = await cli(hub, [
      "start",
      "--label",
      "daemonizer",
      "--wait-for-port",
      String(port),
      "sh",
      "-c",
      `${daemon} & sleep 0.5; echo launched`,
    ]);
    assert.equal(started.code, 0, started.stderr);
    await waitFor("the launcher to end", async () => {
      const [process] = (await hub.api("list", { command_or_label: "daemonizer" })).body.processes;
      return process.status !== "running";
    });
    // Ended, but what it left running still listens: list says so.
    const listed = await hub.api("list", { command_or_label: "daemonizer" });
    assert.deepEqual(listed.body.processes[0].ports, [port]);
    const ls = await cli(hub, ["ls", "daemonizer"]);
    assert.match(ls.stdout, new RegExp(`exited .* ${port} `));
    const stopped = await cli(hub, ["stop", "daemonizer"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(
      stopped.stdout,
      new RegExp(
        `^'daemonizer' \\(PID \\d+\\) had ended \\(exited with code 0\\); stopped what it left running; freed port ${port}$`,
        "m",
      ),
    );
  },
);

hubTest("start --wait-for-port waits on for a program that daemonizes and exits", async (hub) => {
  const port = freePort();
  const daemon = `setsid python3 -m http.server ${port} --bind 127.0.0.1 >/dev/null 2>&1`;
  try {
    // As `pg_ctl start` does: the launcher exits with 0 at once, its server listens later.
    const started = await cli(hub, [
      "start",
      "--label",
      "launcher",
      "--wait-for-port",
      String(port),
      "sh",
      "-c",
      `${daemon} & exit 0`,
    ]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stderr, /^ready after \d+\.\d s$/m);
    // A launcher that fails is no such case: its exit ends the wait.
    const failing = await cli(hub, [
      "start",
      "--label",
      "failing",
      "--wait-for-port",
      String(freePort()),
      "sh",
      "-c",
      "sleep 30 & exit 3",
    ]);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /exited before it was ready \(exit code 3\)/);
  } finally {
    await cli(hub, ["stop", "launcher"]);
    await cli(hub, ["stop", "failing"]);
  }
});
