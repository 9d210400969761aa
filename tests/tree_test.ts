// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the whole tree of a managed process, descendants that left its process group or
 * session (setsid) included: their ports are listed, and stop ends them and frees the ports.
 */
import assert from "node:assert/strict";
import { freePort, hubTest, type TestHub, waitFor } from "./_hub.ts";

async function listed(hub: TestHub, label: string): Promise<any> {
  const { body } = await hub.api("list", { command_or_label: label });
  return body.processes[0];
}

async function portFree(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return false;
  } catch {
    return true;
  }
}

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
        const process = await listed(hub, "escaped");
        return process.ports.includes(port) && process;
      },
      30_000,
    );
    assert.deepEqual(shown.ports, [port]);
    const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "escaped" });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.deepEqual(stopped.body.freed_ports, [port]);
    assert.deepEqual(stopped.body.held_ports, []);
    assert.ok(await portFree(port), `port ${port} is free after the stop`);
  },
);

hubTest(
  "what a program left running in a new session is ended by stop after it exits",
  async (hub) => {
    const port = await startEscapingServer(hub, "left", "sleep 1");
    await waitFor("the port to listen", async () => !(await portFree(port)), 30_000);
    await waitFor(
      "the program to end",
      async () => (await listed(hub, "left")).status !== "running",
    );
    const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "left" });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.deepEqual(stopped.body.freed_ports, [port]);
    assert.ok(await portFree(port), `port ${port} is free after the stop`);
  },
);
