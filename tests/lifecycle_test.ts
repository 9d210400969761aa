/**
 * End-to-end: what a process's life keeps across a server killed by SIGKILL: its autorestart
 * (policy, backoff, count), what it left running, and a `persistproc run` following it.
 */
import assert from "node:assert/strict";
import { CliProcess } from "./_cli.ts";
import { alive, FIXTURES, killGroup, listedAs, startHub, type TestHub, waitFor } from "./_hub.ts";

/** A data dir, a first server on it and what a test wants killed at the end, whatever happens. */
async function crashScene(
  body: (first: TestHub, dataDir: string, pids: number[]) => Promise<void>,
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const pids: number[] = [];
  try {
    await using first = await startHub([], { dataDir });
    try {
      await body(first, dataDir, pids);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(`--- first server ---\n${first.output()}`);
      throw error;
    }
  } finally {
    for (const pid of pids) killGroup(pid);
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("a process waiting out its autorestart delay is restarted by the next server", async () => {
  await crashScene(async (first, dataDir) => {
    await first.api("ctrl", {
      action: "start",
      command_or_label: "false",
      working_directory: dataDir,
      label: "crashy",
      autorestart: "always",
    });
    // After three quick failures the next delay is 4 s: the server is killed during it.
    const before = await waitFor("three restarts", async () => {
      const p = await listedAs(first, "crashy");
      return p.restarts >= 3 && p.status !== "running" && p;
    });
    await first.crash();
    await using second = await startHub([], { dataDir, port: first.port });
    await waitFor(
      "the next restart",
      async () => (await listedAs(second, "crashy")).restarts > before.restarts,
      20_000,
    );
    await second.api("ctrl", { action: "stop", command_or_label: "crashy" });
  });
});

Deno.test("an `always` process that ended while no server ran is started again", async () => {
  await crashScene(async (first, dataDir, pids) => {
    const { body } = await first.api("ctrl", {
      action: "start",
      command_or_label: "sleep 1",
      working_directory: dataDir,
      label: "brief",
      autorestart: "always",
    });
    pids.push(body.pid);
    await first.crash();
    await waitFor("it to end unseen", () => !alive(body.pid));
    await using second = await startHub([], { dataDir, port: first.port });
    const again = await waitFor("a new run", async () => {
      const p = await listedAs(second, "brief");
      return p.restarts >= 1 && p.status === "running" && p;
    });
    pids.push(again.pid);
    await second.api("ctrl", { action: "stop", command_or_label: "brief" });
  });
});

Deno.test("an adopted `on-failure` process that ends is restarted: its exit cannot be known", async () => {
  await crashScene(async (first, dataDir, pids) => {
    const { body } = await first.api("ctrl", {
      action: "start",
      // It fails once told to, so that it surely still runs when the next server adopts it.
      command_or_label: "while [ ! -e fail-now ]; do sleep 0.05; done; exit 1",
      working_directory: dataDir,
      label: "adopted",
      autorestart: "on-failure",
    });
    pids.push(body.pid);
    await first.crash();
    await using second = await startHub([], { dataDir, port: first.port });
    assert.equal((await listedAs(second, "adopted")).status, "running", "adopted");
    await Deno.writeTextFile(`${dataDir}/fail-now`, "");
    const again = await waitFor("a new run", async () => {
      const p = await listedAs(second, "adopted");
      return p.restarts >= 1 && p;
    }, 20_000);
    pids.push(again.pid);
    await second.api("ctrl", { action: "stop", command_or_label: "adopted" });
  });
});

Deno.test("what an ended program left running is stopped by the next server too", async () => {
  await crashScene(async (first, dataDir, pids) => {
    const { body } = await first.api("ctrl", {
      action: "start",
      command_or_label: "sleep 300 & echo $! > child.pid",
      working_directory: dataDir,
      label: "leaver",
    });
    pids.push(body.pid);
    await waitFor("it to end", async () => (await listedAs(first, "leaver")).status !== "running");
    const child = Number(Deno.readTextFileSync(`${dataDir}/child.pid`));
    assert.ok(alive(child));
    await first.crash();
    await using second = await startHub([], { dataDir, port: first.port });
    const stopped = await second.api("ctrl", { action: "stop", command_or_label: "leaver" });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    await waitFor("the left child to be gone", () => !alive(child));
  });
});

Deno.test("`persistproc run` waits for the next server and follows on", async () => {
  await crashScene(async (first, dataDir, pids) => {
    await using run = new CliProcess(first, [`${FIXTURES}ticker.sh`]);
    await run.waitForOutput(/^tick 3$/m, "stdout");
    const pid = (await first.api("list", {})).body.processes[0].pid;
    pids.push(pid);
    await first.crash();
    await run.waitForOutput(/went away; waiting for the next one/, "stderr");
    await using second = await startHub([], { dataDir, port: first.port });
    await run.waitForOutput(/following on/, "stderr");
    const seen = (await run.waitForOutput(/^tick (\d+)$(?![\s\S]*^tick)/m, "stdout"))[1];
    await run.waitForOutput(new RegExp(`^tick ${Number(seen) + 3}$`, "m"), "stdout");
    await second.api("ctrl", { action: "stop", pid });
    const result = await run.result();
    assert.match(result.stderr, /^process (stopped|ended)/m);
    // Every tick once, in order, across the server's death.
    const ticks = [...result.stdout.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(ticks, ticks.map((_, i) => i + 1));
  });
});
