/**
 * Shutdown always ends, and answers: a wait still pending when the server shuts down gets
 * "the server is shutting down" (over the JSON API and MCP), not a dropped connection, even
 * when the data directory was removed under the server or its disk is full, and while
 * followers hold streams they never read. A foreground server's last line says
 * that it stopped, why, and what it did with the processes it ran.
 */
import assert from "node:assert/strict";
import { cli, CliProcess } from "./_cli.ts";
import { connectMcp, freePort, killGroup, listens, startHub, waitFor } from "./_hub.ts";
import { canMountTmpfs, fillDisk, withTmpfs } from "../src/core/_test_support.ts";

/**
 * Starts a process, leaves waits pending over the JSON API and MCP and a follower that never
 * reads its stream, then breaks the data directory (`fault` does: removes it, fills its disk)
 * and asks for a shutdown: every wait is answered, and the server ends within its bounds.
 */
async function shutdownThrough(dataDir: string | undefined, fault: (dataDir: string) => void) {
  await using hub = await startHub([], { dataDir });
  const work = await Deno.makeTempDir({ prefix: "persistproc-shutdown-" });
  const hung: Response[] = [];
  let pid = 0;
  try {
    const started = await hub.api("ctrl", {
      action: "start",
      command_or_label: "sleep 1000",
      label: "sleeper",
      working_directory: work,
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    pid = started.body.pid;
    const pendingApi = hub.api("output", {
      command_or_label: "sleeper",
      wait_for_log: "never printed",
      wait_timeout: 120,
    });
    await using mcp = await connectMcp(hub);
    const pendingMcp = mcp.callTool({
      name: "output",
      arguments: { command_or_label: "sleeper", wait_for_log: "never printed", wait_timeout: 120 },
    });
    // Followers that never read: a log's follow stream and the event stream.
    hung.push(await hub.fetch(`/api/hub/follow?pid=${started.body.pid}&lines=10`));
    hung.push(await hub.fetch("/api/hub/events"));
    fault(hub.dataDir);
    const response = await hub.fetch("/api/shutdown", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await response.body?.cancel();
    const api = await pendingApi;
    assert.equal(api.status, 503, JSON.stringify(api.body));
    assert.deepEqual(api.body.error, {
      code: "shutting_down",
      message: "The server is shutting down",
    });
    const viaMcp = await pendingMcp as { isError?: boolean; content: { text: string }[] };
    assert.equal(viaMcp.isError, true);
    assert.equal(viaMcp.content[0].text, "The server is shutting down");
    // The shutdown grace (3 s), the wait after SIGKILL (5 s) and a few seconds: never more.
    let ended = false;
    hub.ended.then(() => ended = true);
    await waitFor("the server to end", () => ended, 15_000);
    assert.equal(await listens(hub.port), false);
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}`);
    throw error;
  } finally {
    for (const response of hung) await response.body?.cancel().catch(() => {});
    if (pid) killGroup(pid); // stopped by the shutdown, unless it failed
    await Deno.remove(work, { recursive: true });
  }
}

Deno.test("a wait pending at shutdown is answered 'shutting down', and shutdown ends with the data dir gone and a follower that never reads", async () => {
  await shutdownThrough(undefined, (dataDir) => Deno.removeSync(dataDir, { recursive: true }));
});

Deno.test({
  name:
    "a wait pending at shutdown is answered 'shutting down', and shutdown ends on a full disk and a follower that never reads",
  ignore: !canMountTmpfs(), // needs root to mount a small tmpfs
  fn: () => withTmpfs("8m", (disk) => shutdownThrough(disk, (dataDir) => fillDisk(dataDir))),
});

Deno.test("a foreground server's last line, and shutdown's, say it stopped and which processes it stopped", async () => {
  const target = { port: freePort(), dataDir: await Deno.makeTempDir({ prefix: "persistproc-" }) };
  const pids: number[] = [];
  const start = async (label: string) => {
    const started = await cli(target, ["start", "--label", label, "sleep", "1000"]);
    assert.equal(started.code, 0, started.stderr);
    pids.push(Number(/\(PID (\d+)\)/.exec(started.stdout)![1]));
    return pids.at(-1);
  };
  try {
    {
      await using server = new CliProcess(target, ["serve"]);
      await server.waitForOutput(/^persistproc listening on /m, "stdout");
      const pid = await start("sleeper");
      server.kill("SIGINT");
      const { code, stdout } = await server.result();
      assert.equal(code, 0, stdout);
      assert.match(
        stdout,
        new RegExp(
          `^persistproc server on port ${target.port} stopped \\(SIGINT\\); ` +
            `it stopped 1 process: 'sleeper' \\(PID ${pid}\\)$`,
          "m",
        ),
      );
    }
    // persistproc shutdown says what it stopped too.
    await using again = new CliProcess(target, ["serve", "--quiet"]);
    await again.waitForOutput(/^persistproc listening on /m, "stdout");
    const pid = await start("napper");
    const shutdown = await cli(target, ["shutdown"]);
    assert.equal(shutdown.code, 0, shutdown.stderr);
    const stopped = `it stopped 1 process: 'napper' \\(PID ${pid}\\)$`;
    assert.match(
      shutdown.stderr,
      new RegExp(`^persistproc server on port ${target.port} stopped; ${stopped}`, "m"),
    );
    const { stdout } = await again.result();
    assert.match(
      stdout,
      new RegExp(
        `^persistproc server on port ${target.port} stopped \\(shutdown requested\\); ${stopped}`,
        "m",
      ),
    );
  } finally {
    for (const pid of pids) killGroup(pid);
    await Deno.remove(target.dataDir, { recursive: true });
  }
});
