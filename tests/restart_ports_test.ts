// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: a restart says what stopping the old run did to its ports, as a stop does, through
 * every door: the JSON API and MCP (`freed_ports`, `held_ports`, each only when not empty), the
 * hub's verb and the CLI's sentence. A port is said once: one the new run listens on again is in
 * `ports` ("listening on 3000"), not also in `freed_ports`, as it is not free.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, freePort, hubTest, type TestHub } from "./_hub.ts";

/**
 * Starts an HTTP server on a free port under `label` and waits until it listens. With `once`,
 * only its first run serves; a restart runs `sleep` instead, which listens on nothing.
 */
async function startServer(hub: TestHub, label: string, once = false): Promise<number> {
  const port = freePort();
  const serve = `python3 -m http.server ${port} --bind 127.0.0.1`;
  const marker = `${hub.dataDir}/${label}.served`;
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: once
      ? `if [ -e ${marker} ]; then exec sleep 100; else touch ${marker}; exec ${serve}; fi`
      : serve,
    working_directory: hub.dataDir,
    label,
    wait_for_port: port,
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.ready, true, JSON.stringify(started.body));
  return port;
}

hubTest(
  "a restart whose new run listens on the old run's port again says it once, through every door",
  async (hub) => {
    const port = await startServer(hub, "web");
    const again = { command_or_label: "web", wait_for_port: port };

    const api = await hub.api("ctrl", { action: "restart", ...again });
    assert.equal(api.status, 200, JSON.stringify(api.body));
    assert.equal(api.body.ready, true, JSON.stringify(api.body));
    assert.deepEqual(api.body.ports, [port]);
    assert.equal("freed_ports" in api.body, false, "taken again, so not free");
    assert.equal("held_ports" in api.body, false, "an empty list is left out");

    await using client = await connectMcp(hub);
    const mcp = await client.callTool({
      name: "ctrl",
      arguments: { action: "restart", ...again },
    }) as any;
    assert.equal(mcp.isError, undefined, JSON.stringify(mcp));
    assert.equal(mcp.structuredContent.wait_result, "ready");
    assert.deepEqual(mcp.structuredContent.ports, [port]);
    assert.equal(mcp.structuredContent.freed_ports, undefined);
    assert.match(mcp.content[0].text, new RegExp(`^restarted .*; listening on ${port}$`, "m"));
    assert.doesNotMatch(mcp.content[0].text, /freed/);

    const verb = await hub.fetch("/api/hub/restart", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(again),
    });
    const restarted = await verb.json();
    assert.equal(verb.status, 200, JSON.stringify(restarted));
    assert.deepEqual(restarted.ports, [port]);
    assert.equal("freed_ports" in restarted, false);

    const text = await cli(hub, ["restart", "--wait-for-port", String(port), "web"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^restarted 'web' \\(PID \\d+\\), listening on ${port}$`, "m"),
    );
  },
);

hubTest(
  "a restart whose new run leaves the old run's port reports it freed, through every door",
  async (hub) => {
    const apiPort = await startServer(hub, "api", true);
    const api = await hub.api("ctrl", { action: "restart", command_or_label: "api" });
    assert.equal(api.status, 200, JSON.stringify(api.body));
    assert.deepEqual(api.body.freed_ports, [apiPort]);
    assert.deepEqual(api.body.ports, []);

    const mcpPort = await startServer(hub, "mcp", true);
    await using client = await connectMcp(hub);
    const mcp = await client.callTool({
      name: "ctrl",
      arguments: { action: "restart", command_or_label: "mcp" },
    }) as any;
    assert.equal(mcp.isError, undefined, JSON.stringify(mcp));
    assert.deepEqual(mcp.structuredContent.freed_ports, [mcpPort]);
    assert.equal(mcp.structuredContent.ports, undefined);
    assert.match(mcp.content[0].text, new RegExp(`^restarted .*; port ${mcpPort} freed$`, "m"));

    const cliPort = await startServer(hub, "cli", true);
    const text = await cli(hub, ["restart", "cli"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^restarted 'cli' \\(PID \\d+\\); freed port ${cliPort}$`, "m"),
    );
  },
);

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
