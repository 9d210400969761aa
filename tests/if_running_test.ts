// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: an idempotent start (`if_running`) and who started what (`started_by`), over
 * MCP and the CLI.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, hubTest, waitFor } from "./_hub.ts";

type Client = Awaited<ReturnType<typeof connectMcp>>;

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as any;
}

function text(result: any): string {
  return result.content.map((c: any) => c.text).join("\n");
}

hubTest("if_running keep, twice, returns the one running process", async (hub) => {
  await using client = await connectMcp(hub);
  const args = {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    label: "web",
    if_running: "keep",
  };
  const first = await call(client, "ctrl", args);
  assert.equal(first.isError, undefined, text(first));
  assert.equal(first.structuredContent.already_running, undefined);
  const second = await call(client, "ctrl", { ...args, wait_for_log: "tick 1" });
  assert.equal(second.isError, undefined, text(second));
  assert.equal(second.structuredContent.pid, first.structuredContent.pid);
  assert.equal(second.structuredContent.already_running, true);
  assert.equal(second.structuredContent.wait_result, "ready", "its wait applies to it");
  assert.match(text(second), /^already running: PID \d+ "web"/);
  const refused = await call(client, "ctrl", { ...args, if_running: undefined });
  assert.equal(refused.isError, true, "error stays the default");
  // It says how to do either in one call.
  assert.equal(
    text(refused),
    `"web" is already running (PID ${first.structuredContent.pid}): use it (if_running: "keep") or restart it (if_running: "restart")`,
  );
  const restarted = await call(client, "ctrl", { ...args, if_running: "restart" });
  assert.equal(restarted.isError, undefined, text(restarted));
  assert.notEqual(restarted.structuredContent.pid, first.structuredContent.pid);
  assert.equal(restarted.structuredContent.restarts, 1);
  const { structuredContent } = await call(client, "list", {});
  assert.equal(structuredContent.processes.length, 1);
});

hubTest("ten concurrent starts with if_running keep all succeed with one pid", async (hub) => {
  await using client = await connectMcp(hub);
  const args = {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    if_running: "keep",
  };
  const results = await Promise.all(Array.from({ length: 10 }, () => call(client, "ctrl", args)));
  for (const result of results) assert.equal(result.isError, undefined, text(result));
  assert.equal(new Set(results.map((r) => r.structuredContent.pid)).size, 1);
});

hubTest("start --if-running keep prints the running one and succeeds", async (hub) => {
  const first = await cli(hub, ["start", "--label", "t", "tests/fixtures/ticker.sh"]);
  assert.equal(first.code, 0, first.stderr);
  const [, pid] = /\(PID (\d+)\)/.exec(first.stdout)!;
  const again = await cli(hub, ["start", "--if-running", "keep", "--label", "t", "sleep", "9"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^already running: .*\\(PID ${pid}\\)`, "m"));
  const bad = await cli(hub, ["start", "--if-running", "maybe", "sleep", "9"]);
  assert.equal(bad.code, 2);
  const restarted = await cli(hub, ["start", "--if-running", "restart", "--label", "t", "x"]);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.doesNotMatch(restarted.stdout, new RegExp(`PID ${pid}\\)`));
});

hubTest("started_by names the MCP client, or cli; list and ls filter and show it", async (hub) => {
  await using client = await connectMcp(hub, { as: { name: "agent-a", version: "1.2.3" } });
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    label: "by-agent",
  });
  assert.equal(started.structuredContent.started_by, undefined, "the caller itself started it");
  assert.equal((await cli(hub, ["start", "--label", "by-cli", "sleep", "30"])).code, 0);
  const restarted = await cli(hub, ["restart", "by-agent"]);
  assert.equal(restarted.code, 0, restarted.stderr);

  await using other = await connectMcp(hub, { as: { name: "agent-b", version: "1" } });
  const all = await call(other, "list", {});
  const by = Object.fromEntries(
    all.structuredContent.processes.map((p: any) => [p.label, p.started_by]),
  );
  assert.deepEqual(by, { "by-agent": "agent-a/1.2.3", "by-cli": "cli" }, "a restart keeps it");
  for (const filter of ["agent-a", "agent-a/1.2.3"]) {
    const only = await call(client, "list", { started_by: filter });
    assert.deepEqual(only.structuredContent.processes.map((p: any) => p.label), ["by-agent"]);
  }
  const table = await cli(hub, ["ls", "--started-by", "cli"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^PID\s+STATUS\s+EXIT\s+STARTED\s+PORTS\s+BY\s+LABEL$/m);
  assert.match(table.stdout, /\scli\s+by-cli$/m);
  assert.doesNotMatch(table.stdout, /by-agent/);
});

hubTest("an autorestart keeps started_by and counts in restarts", async (hub) => {
  await using client = await connectMcp(hub, { as: { name: "agent-c", version: "3.0" } });
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: "echo run; exit 1",
    working_directory: hub.dataDir,
    label: "flaky",
    autorestart: "on-failure",
  });
  assert.equal(started.isError, undefined, text(started));
  await using other = await connectMcp(hub, { as: { name: "agent-b", version: "1" } });
  const restarted = await waitFor("an autorestart", async () => {
    const listed = await call(other, "list", { command_or_label: "flaky" });
    const process = listed.structuredContent.processes[0];
    return process.restarts >= 1 && process;
  });
  assert.equal(restarted.started_by, "agent-c/3.0");
  await call(client, "ctrl", { action: "stop", command_or_label: "flaky" });
});
