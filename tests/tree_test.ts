// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the whole tree of a managed process, descendants that left its process group or
 * session (setsid) included: their ports are listed, and stop ends them and frees the ports.
 */
import assert from "node:assert/strict";
import {
  freePort,
  hubTest,
  killGroup,
  listedAs,
  listens,
  startHub,
  type TestHub,
  waitFor,
} from "./_hub.ts";

/** Starts `setsid python3 -m http.server PORT & REST` under `label`; returns the port. */
async function startEscapingServer(hub: TestHub, label: string, rest: string): Promise<number> {
  const port = freePort();
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: `setsid python3 -m http.server ${port} --bind 127.0.0.1 & ${rest}`,
    working_directory: hub.dataDir,
    label,
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return port;
}

hubTest(
  "a server started with setsid is listed with its port, and stop frees the port",
  async (hub) => {
    const port = await startEscapingServer(hub, "escaped", "sleep 100");
    const shown = await waitFor(
      "the escaped server's port in list",
      async () => {
        const process = await listedAs(hub, "escaped");
        return process.ports.includes(port) && process;
      },
      30_000,
    );
    assert.deepEqual(shown.ports, [port]);
    const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "escaped" });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.deepEqual(stopped.body.freed_ports, [port]);
    assert.deepEqual(stopped.body.held_ports, []);
    assert.ok(!await listens(port), `port ${port} is free after the stop`);
  },
);

hubTest(
  "what a program left running in a new session is ended by stop after it exits",
  async (hub) => {
    const port = await startEscapingServer(hub, "left", "sleep 1");
    await waitFor("the port to listen", () => listens(port), 30_000);
    await waitFor(
      "the program to end",
      async () => (await listedAs(hub, "left")).status !== "running",
    );
    const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "left" });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.deepEqual(stopped.body.freed_ports, [port]);
    assert.ok(!await listens(port), `port ${port} is free after the stop`);
  },
);

/**
 * A command whose server escapes at once: a subshell starts it in a new session and exits, so
 * by the first look at the tree it is init's child in a group of its own, and no parent link
 * leads to it. It writes its pid to `pidFile` (for the cleanup); with `trigger`, it escapes
 * only once that file exists.
 */
function escapingCommand(port: number, pidFile: string, trigger?: string): string {
  const server = `echo $$ > ${pidFile}; exec python3 -m http.server ${port} --bind 127.0.0.1`;
  const wait = trigger ? `while [ ! -e ${trigger} ]; do sleep 0.05; done; ` : "";
  return `${wait}(setsid sh -c '${server}' >/dev/null 2>&1 &); sleep 100`;
}

/**
 * Starts the escaping server as "daemon" and waits until list shows its port; returns the
 * process as listed then.
 */
async function startEscaping(hub: TestHub, port: number, pidFile: string) {
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: escapingCommand(port, pidFile),
    working_directory: hub.dataDir,
    label: "daemon",
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return await waitFor("the escaped server's port in list", async () => {
    const process = await listedAs(hub, "daemon");
    return process.ports.includes(port) && process;
  }, 30_000);
}

/** Kills what pidFile names, if it still runs: an escaped server must not outlive its test. */
async function killEscaped(pidFile: string): Promise<void> {
  // It is a session and group leader (setsid): its group is itself.
  const pid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
  if (pid > 1) killGroup(pid);
}

hubTest(
  "a server that escapes its tree before the first look is listed; restart and stop free its port",
  async (hub) => {
    const port = freePort();
    const pidFile = `${hub.dataDir}/escaped.pid`;
    try {
      const shown = await startEscaping(hub, port, pidFile);
      assert.deepEqual(shown.ports, [port]);
      const first = Number(await Deno.readTextFile(pidFile));
      const restarted = await hub.api("ctrl", { action: "restart", command_or_label: "daemon" });
      assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
      // Free, unless the new run's server listens on it already: then it is in ports alone.
      const said = [...(restarted.body.freed_ports ?? []), ...restarted.body.ports];
      assert.deepEqual(said, [port], JSON.stringify(restarted.body));
      assert.equal(await gone(first), true, "the first run's server was ended by the restart");
      await waitFor("the new run's server's port in list", async () => {
        const process = await listedAs(hub, "daemon");
        return process.ports.includes(port) && Number(await Deno.readTextFile(pidFile)) !== first;
      }, 30_000);
      const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "daemon" });
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      assert.deepEqual(stopped.body.freed_ports, [port]);
      assert.ok(!await listens(port), `port ${port} is free after the stop`);
    } finally {
      await killEscaped(pidFile);
    }
  },
);

/** Whether no process has the pid (a zombie reaped by init is gone at once). */
function gone(pid: number): Promise<boolean> {
  return waitFor(`PID ${pid} to be gone`, () => {
    try {
      Deno.kill(pid, "SIGCONT");
      return false;
    } catch {
      return true;
    }
  });
}

Deno.test("shutdown ends a server that escaped its tree before the first look", async () => {
  await using hub = await startHub();
  const port = freePort();
  const pidFile = `${hub.dataDir}/escaped.pid`;
  try {
    await startEscaping(hub, port, pidFile);
    const shutdown = await hub.fetch("/api/shutdown", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await shutdown.body?.cancel();
    assert.equal(shutdown.status, 202);
    await waitFor("the port to be free", async () => !await listens(port), 30_000);
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}`);
    throw error;
  } finally {
    await killEscaped(pidFile);
  }
});

Deno.test("a server that escapes while no server runs is found by the next one, and stopped", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const pidFile = `${dataDir}/escaped.pid`;
  const trigger = `${dataDir}/go`;
  const port = freePort();
  let pid = 0;
  try {
    await using first = await startHub([], { dataDir });
    const started = await first.api("ctrl", {
      action: "start",
      command_or_label: escapingCommand(port, pidFile, trigger),
      working_directory: dataDir,
      label: "daemon",
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    pid = started.body.pid;
    await first.crash();
    // It escapes now, unseen by any server: only its environment says whose it is.
    await Deno.writeTextFile(trigger, "");
    await waitFor("the port to listen", () => listens(port), 30_000);
    await using second = await startHub([], { dataDir, port: first.port });
    try {
      const shown = await waitFor("the escaped server's port in list", async () => {
        const process = await listedAs(second, "daemon");
        return process.ports.includes(port) && process;
      }, 30_000);
      assert.equal(shown.pid, pid, "adopted");
      const stopped = await second.api("ctrl", { action: "stop", command_or_label: "daemon" });
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      assert.deepEqual(stopped.body.freed_ports, [port]);
      assert.ok(!await listens(port), `port ${port} is free after the stop`);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(`--- server output ---\n${first.output()}\n---\n${second.output()}`);
      throw error;
    }
  } finally {
    if (pid) killGroup(pid);
    await killEscaped(pidFile);
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest(
  "each run gets its own tree marker, which is not saved with the environment",
  async (hub) => {
    const started = await hub.api("ctrl", {
      action: "start",
      command_or_label: `sh -c 'echo "marker=$PERSISTPROC_TREE"; sleep 100'`,
      working_directory: hub.dataDir,
      environment: { PERSISTPROC_TREE: "from-the-caller" },
      label: "marked",
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const markers = async (count: number) =>
      await waitFor(`${count} run(s) to print their marker`, async () => {
        const args = { command_or_label: "marked", stream: "stdout", lines: 100 };
        const lines: string[] = (await hub.api("output", args)).body.output;
        const found = lines.filter((line) => line.startsWith("marker=")).map((l) => l.slice(7));
        return found.length === count && found;
      });
    const [first] = await markers(1);
    assert.match(first, /^[0-9a-f-]{36}$/, "the caller's value is replaced by the run's own");
    const state = JSON.parse(await Deno.readTextFile(`${hub.dataDir}/state.json`));
    const record = state.processes.find((p: any) => p.label === "marked");
    assert.equal(record.environment.PERSISTPROC_TREE, undefined);
    assert.equal(record.tree_marker, first, "the run's marker is saved with the run");
    const restarted = await hub.api("ctrl", { action: "restart", command_or_label: "marked" });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    const [, second] = await markers(2);
    assert.match(second, /^[0-9a-f-]{36}$/);
    assert.notEqual(second, first);
  },
);
