// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: a restart says what stopping the old run did to its ports, as a stop does, through
 * every door: the JSON API and MCP (`freed_ports`, `held_ports`, each only when not empty), the
 * hub's verb and the CLI's sentence.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, freePort, hubTest, type TestHub, waitFor } from "./_hub.ts";

/** Starts an HTTP server on a free port under `label` and waits until it listens. */
async function startServer(hub: TestHub, label: string): Promise<number> {
  const port = freePort();
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: `python3 -m http.server ${port} --bind 127.0.0.1`,
    working_directory: hub.dataDir,
    label,
    wait_for_port: port,
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.ready, true, JSON.stringify(started.body));
  return port;
}

/** Waits until the restarted server listens again, so the next restart has a port to free. */
async function listening(hub: TestHub, label: string, port: number): Promise<void> {
  await waitFor(`${label} to listen on ${port}`, async () => {
    const { body } = await hub.api("list", { command_or_label: label });
    return body.processes[0]?.ports.includes(port);
  }, 30_000);
}

hubTest("restart reports the ports its old run freed, through every door", async (hub) => {
  const port = await startServer(hub, "web");

  const api = await hub.api("ctrl", { action: "restart", command_or_label: "web" });
  assert.equal(api.status, 200, JSON.stringify(api.body));
  assert.deepEqual(api.body.freed_ports, [port]);
  assert.equal("held_ports" in api.body, false, "an empty list is left out");
  await listening(hub, "web", port);

  await using client = await connectMcp(hub);
  const mcp = await client.callTool({
    name: "ctrl",
    arguments: { action: "restart", command_or_label: "web", wait_for_port: port },
  }) as any;
  assert.equal(mcp.isError, undefined, JSON.stringify(mcp));
  assert.deepEqual(mcp.structuredContent.freed_ports, [port]);
  assert.equal(mcp.structuredContent.wait_result, "ready");
  // The new run took the port again: it is not said to be free.
  assert.match(mcp.content[0].text, new RegExp(`^restarted .*; listening on ${port} again$`, "m"));
  assert.doesNotMatch(mcp.content[0].text, /freed/);
  await listening(hub, "web", port);

  const verb = await hub.fetch("/api/hub/restart", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ command_or_label: "web" }),
  });
  const restarted = await verb.json();
  assert.equal(verb.status, 200, JSON.stringify(restarted));
  assert.deepEqual(restarted.freed_ports, [port]);
  await listening(hub, "web", port);

  const text = await cli(hub, ["restart", "--wait-for-port", String(port), "web"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    new RegExp(`^restarted 'web' \\(PID \\d+\\), listening on ${port} again$`, "m"),
  );
});

hubTest("restart of a process that held no port reports nothing of ports", async (hub) => {
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: "sleep 100",
    working_directory: hub.dataDir,
    label: "quiet",
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const { body } = await hub.api("ctrl", { action: "restart", command_or_label: "quiet" });
  assert.equal(body.status, "running", JSON.stringify(body));
  assert.equal("freed_ports" in body, false);
  assert.equal("held_ports" in body, false);
});
