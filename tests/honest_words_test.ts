/**
 * End-to-end: what persistproc says is true and does no harm. A port held by another
 * worktree's server advises an assigned port, not a restart of that server (over MCP, 2.x and
 * 1.x clients, and the CLI); the CLI prints "started" before "ready after", as they happened;
 * a deliberate stop of a program that moved off a taken port (as Vite does) names no holder
 * from that program's own words; a launcher that exits 0 leaving a server is told so, with
 * the server's port. Following, the order of the CLI's messages and attaching are the CLI's
 * alone; what of these MCP has too is checked through every door in every_door_test.ts.
 */
import assert from "node:assert/strict";
import { cli, CliProcess } from "./_cli.ts";
import { callTool, forEachMcpClient } from "./_doors.ts";
import { FIXTURES, freePort, hubTest, waitFor } from "./_hub.ts";

const serverAt = (
  port: number,
) => [Deno.execPath(), "run", "-A", `${FIXTURES}slow_http.ts`, String(port)];

hubTest(
  "a port held by another folder's server advises assign_port, never its restart",
  async (hub) => {
    const [a, b] = [`${hub.dataDir}/main`, `${hub.dataDir}/feature`];
    await Deno.mkdir(a);
    await Deno.mkdir(b);
    const port = freePort();
    // Merged into one stream, so the order of what the CLI printed shows.
    await using first = new CliProcess(hub, [
      "start",
      "--wait-for-port",
      String(port),
      ...serverAt(port),
    ], {
      cwd: a,
      runner: ["sh", "-c", '"$0" "$@" 2>&1'],
    });
    const { code, stdout } = await first.result();
    assert.equal(code, 0, stdout);
    const started = stdout.search(/^started /m);
    const ready = stdout.search(/^ready after \d+\.\d s$/m);
    assert.ok(started >= 0 && ready > started, `"started" before "ready after":\n${stdout}`);

    const second = await cli(
      hub,
      ["start", "--wait-for-port", String(port), ...serverAt(port)],
      {},
      b,
    );
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(
        `it runs in "${await Deno.realPath(
          a,
        )}": to run this one beside it, start it with assign_port \\(CLI: --assign-port PORT\\)`,
      ),
    );
    assert.doesNotMatch(second.stderr, /restart/);
    await forEachMcpClient(hub, async (client, name) => {
      const viaMcp = await callTool(client, "ctrl", {
        action: "start",
        command_or_label: serverAt(port).join(" "),
        working_directory: b,
        wait_for_port: port,
      });
      assert.equal(viaMcp.isError, true, name);
      assert.match(viaMcp.text, /start it with assign_port/, name);
      assert.doesNotMatch(viaMcp.text, /restart/, name);
    });

    // Without a port to wait for, the second server dies of "address in use": the holder
    // found from its output gets the same advice.
    const dies = await cli(
      hub,
      ["start", "--wait-for-log", "listening", ...serverAt(port)],
      {},
      b,
    );
    assert.notEqual(dies.code, 0, dies.stdout);
    assert.match(
      dies.stderr,
      new RegExp(
        `port ${port} is held by PID \\d+ .*; to run this one beside it, start it with assign_port`,
      ),
    );
    assert.doesNotMatch(dies.stderr, /restart/);
    await forEachMcpClient(hub, async (client, name) => {
      const viaMcp = await callTool(client, "ctrl", {
        action: "start",
        command_or_label: serverAt(port).join(" "),
        working_directory: b,
        wait_for_log: "listening",
        if_running: "restart",
      });
      assert.match(viaMcp.text, /start it with assign_port/, `${name}: ${viaMcp.text}`);
      assert.doesNotMatch(viaMcp.text, /restart/, `${name}: ${viaMcp.text}`);
    });
  },
);

hubTest("a stop of a program that moved off a taken port names no holder", async (hub) => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const moved = freePort();
  const script = `echo "Port ${taken.addr.port} is in use, trying another one..."; exec ${
    serverAt(moved).join(" ")
  }`;
  await using follower = new CliProcess(hub, ["run", "--on-exit", "detach", script], {
    runner: ["sh", "-c", '"$0" "$@" 2>&1'],
  });
  await follower.waitForOutput(/listening on/, "stdout");
  const stopped = await cli(hub, ["stop", script]);
  assert.equal(stopped.code, 0, stopped.stderr);
  const { stdout } = await follower.result();
  assert.doesNotMatch(stdout, /is held by/, stdout);
});

hubTest("a launcher that exits 0 leaving a server is told so, with its port", async (hub) => {
  const port = freePort();
  const log = `${hub.dataDir}/daemon.out`;
  // Starts the server in the background, returns once it listens, and exits 0.
  const launcher = `${
    serverAt(port).join(" ")
  } > ${log} 2>&1 & until grep -q listening ${log} 2>/dev/null; do sleep 0.1; done; exit 0`;
  await using follower = new CliProcess(hub, ["run", launcher], {
    runner: ["sh", "-c", '"$0" "$@" 2>&1'],
  });
  const { code, stdout } = await follower.result();
  assert.equal(code, 0, stdout);
  assert.match(
    stdout,
    new RegExp(
      `process exited with code 0, leaving processes that listen on ${port} \\(they run on; stop them with: persistproc stop \\d+\\)`,
    ),
  );
  const pid = /persistproc stop (\d+)\)/.exec(stdout)![1];
  const stopped = await cli(hub, ["stop", pid]);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`freed port ${port}`));
});

hubTest("attaching shows the current run's tail, not earlier runs'", async (hub) => {
  const dir = `${hub.dataDir}/app`;
  await Deno.mkdir(dir);
  const command =
    'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "run $n"; sleep 300';
  const started = await cli(hub, ["start", command], {}, dir);
  assert.equal(started.code, 0, started.stderr);
  const printed = async (line: string) => {
    const { body } = await hub.api("output", { command_or_label: command, working_directory: dir });
    return body.output?.includes(line);
  };
  await waitFor("run 1", () => printed("run 1"));
  const restarted = await cli(hub, ["restart", command], {}, dir);
  assert.equal(restarted.code, 0, restarted.stderr);
  await waitFor("run 2", () => printed("run 2"));
  await using attached = new CliProcess(hub, ["run", command], { cwd: dir });
  await attached.waitForOutput(/^run 2$/m, "stdout");
  attached.kill("SIGINT");
  const { code, stdout } = await attached.result();
  assert.equal(code, 0, stdout);
  assert.doesNotMatch(stdout, /run 1/);
});
