// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: `output` waiting on a running process (a new log line, the exit, a timeout)
 * before it reads, over MCP and the CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, hubTest, linesOf, type TestHub, waitFor } from "./_hub.ts";

type Client = Awaited<ReturnType<typeof connectMcp>>;

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as any;
}

function text(result: any): string {
  return result.content.map((c: any) => c.text).join("\n");
}

/** Starts the rebuilding fixture as "dev"; touching the returned path makes it rebuild. */
async function startDev(client: Client, hub: TestHub): Promise<string> {
  const trigger = join(hub.dataDir, "edit");
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}compile_on_touch.sh ${trigger}`,
    working_directory: hub.dataDir,
    label: "dev",
    wait_for_log: "compiled 1",
  });
  assert.equal(started.structuredContent.wait_result, "ready", text(started));
  return trigger;
}

hubTest("wait_for_log counts only lines after the call began, with progress", async (hub) => {
  await using client = await connectMcp(hub);
  const trigger = await startDev(client, hub);
  const progress: unknown[] = [];
  const waiting = client.callTool(
    { name: "output", arguments: { command_or_label: "dev", wait_for_log: "compiled \\d" } },
    { onprogress: (p) => void progress.push(p) },
  ) as Promise<any>;
  waiting.catch(() => {});
  // The first progress notification says the wait is on; "compiled 1" did not end it.
  await waitFor("a progress notification", () => progress.length > 0);
  await Deno.writeTextFile(trigger, "");
  const result = await waiting;
  assert.equal(result.isError, undefined, text(result));
  const page = result.structuredContent;
  assert.equal(page.wait_result, "ready");
  assert.equal(page.matched_line, "compiled 2");
  assert.match(linesOf(page).at(-1)!, /^compiled 2$/);
  // What it reads is what came since the call began: not the first build's lines.
  assert.ok(!linesOf(page).includes("compiled 1"), page.output);
  assert.match(text(result), /matched after [\d.]+ s: compiled 2/);
});

hubTest("a wait ends at its timeout, and a cursor counts lines since it", async (hub) => {
  await using client = await connectMcp(hub);
  const trigger = await startDev(client, hub);
  const before = await call(client, "output", { command_or_label: "dev", stream: "stdout" });
  const timedOut = await call(client, "output", {
    command_or_label: "dev",
    wait_for_log: "compiled",
    wait_timeout: 0.5,
  });
  assert.equal(timedOut.structuredContent.wait_result, "timeout", text(timedOut));
  assert.equal(timedOut.structuredContent.matched_line, undefined);

  await Deno.writeTextFile(trigger, "");
  await waitFor("the rebuild", async () => {
    const page = await call(client, "output", { command_or_label: "dev", stream: "stdout" });
    return linesOf(page.structuredContent).length === 2;
  });
  // The rebuild came after the cursor, before this call: it counts, and it is what is read.
  const since = await call(client, "output", {
    command_or_label: "dev",
    stream: "stdout",
    cursor: before.structuredContent.next_cursor,
    wait_for_log: "compiled",
  });
  assert.equal(since.structuredContent.wait_result, "ready", text(since));
  assert.equal(since.structuredContent.matched_line, "compiled 2");
  assert.deepEqual(linesOf(since.structuredContent), [
    "compiled 2",
  ]);
});

hubTest("wait_for_exit on a one-shot returns its exit code 4 and its output", async (hub) => {
  await using client = await connectMcp(hub);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: "sleep 0.3; echo done; exit 4",
    working_directory: hub.dataDir,
    label: "job",
  });
  assert.equal(started.isError, undefined, text(started));
  const result = await call(client, "output", { command_or_label: "job", wait_for_exit: true });
  const page = result.structuredContent;
  assert.equal(page.wait_result, "exited", text(result));
  assert.equal(page.exit_code, 4);
  assert.equal(page.status, "failed");
  assert.match(linesOf(page).at(-1)!, /^done$/);
  const bad = await call(client, "output", { command_or_label: "job", wait_timeout: 3 });
  assert.equal(bad.isError, true, "wait_timeout alone is refused");
});

hubTest("output --wait-for-exit exits with the process's code; timeouts exit 124", async (hub) => {
  const job = await cli(hub, ["start", "--label", "job", "sleep 0.3; echo done; exit 4"]);
  assert.equal(job.code, 0, job.stderr);
  const exited = await cli(hub, ["output", "--wait-for-exit", "job"]);
  assert.equal(exited.code, 4, exited.stderr);
  assert.match(exited.stdout, /^done$/m);
  assert.match(exited.stderr, /^process exited with code 4$/m);

  assert.equal((await cli(hub, ["start", "--label", "t", "tests/fixtures/ticker.sh"])).code, 0);
  const ready = await cli(hub, ["output", "--stream", "stdout", "--wait-for-log", "tick", "t"]);
  assert.equal(ready.code, 0, ready.stderr);
  assert.match(ready.stderr, /^matched after [\d.]+ s: tick \d+$/m);
  const never = await cli(hub, ["output", "--wait-for-log", "never", "--wait-timeout", "0.5", "t"]);
  assert.equal(never.code, 124, never.stderr);
  assert.match(never.stderr, /^timed out after/m);
});

hubTest(
  "the agent loop goes on through a restart: a pid from before it still names the process",
  async (hub) => {
    await using client = await connectMcp(hub);
    const trigger = await startDev(client, hub);
    const before = await call(client, "output", { command_or_label: "dev", stream: "stdout" });
    const [{ pid: oldPid }] = (await call(client, "list", {})).structuredContent.processes;
    const restarted = await call(client, "ctrl", {
      action: "restart",
      command_or_label: "dev",
      wait_for_log: "compiled 1",
    });
    assert.notEqual(restarted.structuredContent.pid, oldPid);
    await Deno.writeTextFile(trigger, "");
    const since = await call(client, "output", {
      pid: oldPid,
      stream: "stdout",
      cursor: before.structuredContent.next_cursor,
      wait_for_log: "compiled 2",
    });
    assert.equal(since.isError, undefined, text(since));
    assert.equal(since.structuredContent.wait_result, "ready", text(since));
    assert.equal(since.structuredContent.matched_line, "compiled 2");
  },
);
