// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: start (and restart) that wait until a program is ready, through the real server
 * and the MCP SDK's client, with a fixture server that binds only after a delay.
 */
import assert from "node:assert/strict";
import { connectMcp, FIXTURES, freePort, hubTest, type TestHub, waitFor } from "./_hub.ts";

type Client = Awaited<ReturnType<typeof connectMcp>>;

async function ctrl(client: Client, args: Record<string, unknown>): Promise<any> {
  return await client.callTool({ name: "ctrl", arguments: args });
}

function text(result: any): string {
  return result.content.map((c: any) => c.text).join("\n");
}

/** Starts the slow HTTP fixture on `port` after `delayMs`, waiting as `wait` says. */
function startSlowHttp(
  client: Client,
  hub: TestHub,
  port: number,
  delayMs: number,
  wait: Record<string, unknown>,
  label = `slow ${port}`,
) {
  return ctrl(client, {
    action: "start",
    command_or_label: `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port} ${delayMs}`,
    working_directory: hub.dataDir,
    label,
    ...wait,
  });
}

hubTest("start waits until the port listens; ctrl and list report the port", async (hub) => {
  await using client = await connectMcp(hub);
  const port = freePort();
  const result = await startSlowHttp(client, hub, port, 300, { wait_for_port: port });
  const got = result.structuredContent;
  assert.equal(result.isError, undefined, text(result));
  assert.equal(got.wait_result, "ready", text(result));
  assert.equal(got.wait_result, "ready");
  assert.deepEqual(got.ports, [port]);
  assert.equal(got.not_met, undefined, "every condition met");
  assert.match(text(result), new RegExp(`ready after .*listening on ${port}`));
  assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  const listed = await client.callTool({ name: "list", arguments: {} }) as any;
  assert.deepEqual(listed.structuredContent.processes[0].ports, [port]);
  assert.match(text(listed), new RegExp(`listening on ${port}`));
});

hubTest("start waits for a log line and returns it with colours stripped", async (hub) => {
  await using client = await connectMcp(hub);
  const port = freePort();
  const result = await startSlowHttp(client, hub, port, 300, { wait_for_log: "listening on" });
  assert.equal(result.structuredContent.wait_result, "ready", text(result));
  assert.equal(result.structuredContent.matched_line, `listening on http://127.0.0.1:${port}`);
});

hubTest("start waits until a URL answers 2xx, all conditions together", async (hub) => {
  await using client = await connectMcp(hub);
  const port = freePort();
  const result = await startSlowHttp(client, hub, port, 300, {
    wait_for_url: `http://127.0.0.1:${port}/health`,
    wait_for_port: port,
    wait_for_log: "(?i)LISTENING",
  });
  assert.equal(result.structuredContent.wait_result, "ready", text(result));
  assert.equal(result.structuredContent.not_met, undefined);
});

hubTest(
  "a program that crashes while starting returns at once with exit code and stderr",
  async (hub) => {
    await using client = await connectMcp(hub);
    const result = await ctrl(client, {
      action: "start",
      command_or_label: `${FIXTURES}exit_with.sh 3`,
      working_directory: hub.dataDir,
      wait_for_port: freePort(),
      wait_timeout: 300, // returning "exited" rather than "timeout" shows it did not wait for this
    });
    const got = result.structuredContent;
    assert.equal(result.isError, undefined, text(result));
    assert.notEqual(got.wait_result, "ready");
    assert.equal(got.wait_result, "exited");
    assert.equal(got.status, "failed");
    assert.equal(got.exit_code, 3);
    assert.deepEqual(got.stderr_tail, ["err before exit"]);
    assert.deepEqual(got.stdout_tail, ["out before exit"]);
    assert.match(
      text(result),
      /exited before it was ready[^]*stderr \(last lines\):\n {2}err before exit/,
    );
  },
);

hubTest("a wait that times out says what was not met and shows the last output", async (hub) => {
  await using client = await connectMcp(hub);
  const result = await ctrl(client, {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    wait_for_log: "never printed",
    wait_timeout: 1,
  });
  const got = result.structuredContent;
  assert.equal(got.wait_result, "timeout", text(result));
  assert.deepEqual(got.not_met, ["log /never printed/"]);
  assert.equal(got.status, "running", "a timeout leaves the process running");
  assert.match(got.stdout_tail.at(-1), /^tick \d+$/);
  assert.match(got.stderr_tail.at(-1), /^tock \d+$/);
});

hubTest(
  "a start that would wait for a port held by an unmanaged process is refused, naming it",
  async (hub) => {
    await using client = await connectMcp(hub);
    using holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = holder.addr.port;
    const result = await startSlowHttp(client, hub, port, 0, { wait_for_port: port });
    assert.equal(result.isError, true);
    assert.match(text(result), new RegExp(`Port ${port} is already in use by PID ${Deno.pid} "`));
    const listed = await client.callTool({ name: "list", arguments: {} }) as any;
    assert.deepEqual(listed.structuredContent.processes, [], "nothing was started");
    const viaApi = await hub.api("ctrl", {
      action: "start",
      command_or_label: "true",
      working_directory: hub.dataDir,
      wait_for_port: port,
    });
    assert.equal(viaApi.status, 409);
    assert.equal(viaApi.body.error.code, "port_in_use");
    assert.equal(viaApi.body.error.pid, Deno.pid);
  },
);

hubTest(
  "port conflicts with a managed process name its label, before spawning or from EADDRINUSE",
  async (hub) => {
    await using client = await connectMcp(hub);
    const port = freePort();
    const first = await startSlowHttp(client, hub, port, 0, { wait_for_port: port }, "holder");
    assert.equal(first.structuredContent.wait_result, "ready", text(first));
    const holderPid = first.structuredContent.pid;

    const refused = await startSlowHttp(client, hub, port, 0, { wait_for_port: port }, "second");
    assert.equal(refused.isError, true);
    assert.match(
      text(refused),
      new RegExp(`PID \\d+ ".*slow_http.ts ${port} 0" \\(managed process "holder"\\)`),
    );

    // Without wait_for_port nothing is checked before the spawn: the child fails, and says so.
    const failed = await startSlowHttp(
      client,
      hub,
      port,
      0,
      { wait_for_log: "listening" },
      "third",
    );
    const got = failed.structuredContent;
    assert.equal(got.wait_result, "exited", text(failed));
    assert.match(got.stderr_tail.join("\n"), /EADDRINUSE/);
    assert.equal(got.port_conflict.port, port);
    assert.equal(got.port_conflict.label, "holder");
    assert.equal(got.port_conflict.pid, holderPid);
    assert.match(text(failed), new RegExp(`port ${port} is held by PID \\d+ .*"holder"`));
  },
);

hubTest(
  "restart waits until the process is ready again; its own port is no conflict",
  async (hub) => {
    await using client = await connectMcp(hub);
    const port = freePort();
    const first = await startSlowHttp(client, hub, port, 0, { wait_for_port: port }, "web");
    assert.equal(first.structuredContent.wait_result, "ready", text(first));
    const again = await ctrl(client, {
      action: "restart",
      command_or_label: "web",
      wait_for_port: port,
      wait_for_log: "listening",
    });
    assert.equal(again.isError, undefined, text(again));
    assert.equal(again.structuredContent.wait_result, "ready");
    assert.notEqual(again.structuredContent.pid, first.structuredContent.pid);
    assert.deepEqual(again.structuredContent.ports, [port]);
  },
);

hubTest(
  "a long wait reports progress to an SDK client, and other requests are served meanwhile",
  async (hub) => {
    await using client = await connectMcp(hub);
    const port = freePort();
    const progress: { progress: number; total?: number; message?: string }[] = [];
    let waitDone = false;
    const waiting = client.callTool(
      {
        name: "ctrl",
        arguments: {
          action: "start",
          command_or_label: `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port} 2500`,
          working_directory: hub.dataDir,
          wait_for_port: port,
        },
      },
      { onprogress: (p) => void progress.push(p) },
    ).finally(() => waitDone = true) as Promise<any>;
    waiting.catch(() => {}); // if an assertion below fails first, the closing client rejects it
    await waitFor("list to show the starting process", async () => {
      const listed = await client.callTool({ name: "list", arguments: {} }) as any;
      return listed.structuredContent.processes.length === 1;
    });
    assert.equal(waitDone, false, "list answered while the start was still waiting");
    const result = await waiting;
    assert.equal(result.structuredContent.wait_result, "ready", text(result));
    assert.ok(progress.length >= 1, "at least one progress notification");
    assert.equal(progress[0].total, 30);
    assert.match(progress[0].message!, new RegExp(`waiting for port ${port}`));
    // The stateless endpoint still refuses GET (no standalone event stream to resume).
    const get = await hub.fetch(`/mcp/`, { headers: { accept: "text/event-stream" } });
    await get.body?.cancel();
    assert.equal(get.status, 405);
    // Reading the body to look for a progress token keeps the transport's size cap.
    const huge = await hub.fetch(`/mcp/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ padding: "x".repeat(5 * 1024 * 1024) }),
    });
    await huge.body?.cancel();
    assert.equal(huge.status, 413);
  },
);

hubTest("wait options are checked before anything is spawned", async (hub) => {
  await using client = await connectMcp(hub);
  const start = { action: "start", command_or_label: "true", working_directory: hub.dataDir };
  const badLog = await ctrl(client, { ...start, wait_for_log: "(unclosed" });
  assert.equal(badLog.isError, true);
  assert.match(text(badLog), /Invalid wait_for_log/);
  const badUrl = await ctrl(client, { ...start, wait_for_url: "ftp://x" });
  assert.match(text(badUrl), /Invalid wait_for_url/);
  const lonelyTimeout = await ctrl(client, { ...start, wait_timeout: 5 });
  assert.match(text(lonelyTimeout), /wait_timeout needs wait_for_port/);
  const listed = await client.callTool({ name: "list", arguments: {} }) as any;
  assert.deepEqual(listed.structuredContent.processes, []);
});
