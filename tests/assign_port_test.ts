// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: a port assigned per label and directory (`assign_port`), passed in PORT, kept
 * across restarts and server restarts, another one for another worktree, over MCP and the CLI.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, hubTest, startHub } from "./_hub.ts";

type Client = Awaited<ReturnType<typeof connectMcp>>;

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as any;
}

function text(result: any): string {
  return result.content.map((c: any) => c.text).join("\n");
}

/** A tiny web server listening on $PORT, as a dev server does. */
const APP = `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts $PORT`;

function startApp(client: Client, directory: string, extra: Record<string, unknown> = {}) {
  return call(client, "ctrl", {
    action: "start",
    command_or_label: APP,
    working_directory: directory,
    assign_port: "PORT",
    wait_for_port: true,
    ...extra,
  });
}

hubTest(
  "an assigned port is passed in PORT, kept by restart, another per worktree",
  async (hub) => {
    await using client = await connectMcp(hub);
    const main = await Deno.makeTempDir({ dir: hub.dataDir, prefix: "main-" });
    const feature = await Deno.makeTempDir({ dir: hub.dataDir, prefix: "feature-" });
    const first = await startApp(client, main);
    assert.equal(first.structuredContent.wait_result, "ready", text(first));
    const port = first.structuredContent.assigned_port;
    assert.ok(port >= 20_000 && port < 30_000, `${port} is in the documented range`);
    assert.deepEqual(first.structuredContent.ports, [port], "the app listens on it");
    assert.match(text(first), /ready after/);
    // Said once, with the ports: not "assigned port N" and then "listening on N".
    assert.match(text(first), new RegExp(`; listening on ${port} \\(assigned\\)$`, "m"));
    assert.doesNotMatch(text(first), /assigned port/);

    const restarted = await call(client, "ctrl", {
      action: "restart",
      pid: first.structuredContent.pid,
      wait_for_port: true,
    });
    assert.equal(restarted.structuredContent.wait_result, "ready", text(restarted));
    assert.equal(restarted.structuredContent.assigned_port, port);

    const other = await startApp(client, feature);
    assert.equal(other.structuredContent.wait_result, "ready", text(other));
    assert.notEqual(other.structuredContent.assigned_port, port);

    const listed = await call(client, "list", { working_directory: await Deno.realPath(main) });
    assert.equal(listed.structuredContent.processes[0].assigned_port, port);

    const refused = await call(client, "ctrl", {
      action: "start",
      command_or_label: "sleep 30",
      working_directory: main,
      wait_for_port: true,
    });
    assert.equal(refused.isError, true, "wait_for_port: true needs assign_port");
  },
);

Deno.test("a server restart keeps the assigned port and who started the process", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  try {
    let port: number;
    {
      await using first = await startHub([], { dataDir });
      await using client = await connectMcp(first, { as: { name: "agent-b", version: "2" } });
      const started = await startApp(client, dataDir, { label: "app" });
      assert.equal(started.structuredContent.wait_result, "ready", text(started));
      port = started.structuredContent.assigned_port;
    } // the first server shuts down, stopping the app
    await using second = await startHub([], { dataDir });
    const [app] = (await second.api("list", {})).body.processes;
    assert.equal(app.status, "stopped");
    assert.equal(app.assigned_port, port);
    assert.equal(app.started_by, "agent-b/2");
    await using client = await connectMcp(second);
    const again = await startApp(client, dataDir, { label: "app" });
    assert.equal(again.structuredContent.wait_result, "ready", text(again));
    assert.equal(again.structuredContent.assigned_port, port, "the same port while it is free");
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

hubTest(
  "start --assign-port PORT --wait-for-port PORT waits for the assigned port",
  async (hub) => {
    const result = await cli(hub, [
      "start",
      "--assign-port",
      "PORT",
      "--wait-for-port",
      "PORT",
      `${Deno.execPath()} run -A tests/fixtures/slow_http.ts $PORT`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [, port] = /assigned port (\d+), listening on (\d+)/.exec(result.stdout)!;
    const { body } = await hub.api("list", {});
    assert.equal(body.processes[0].assigned_port, Number(port));
    assert.deepEqual(body.processes[0].ports, [Number(port)]);
    const bad = await cli(hub, ["start", "--wait-for-port", "PORT", "sleep", "1"]);
    assert.equal(bad.code, 2, "PORT means the assigned port only with --assign-port");
  },
);
