// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: the real server driven by the MCP SDK's own clients, as an agent would: the 2.x
 * client on the 2026-07-28 revision, and the 1.x client on 2025-11-25.
 */
import assert from "node:assert/strict";
import {
  connectMcp,
  FIXTURES,
  hubTest,
  linesOf,
  MODERN_PROTOCOL,
  startHub,
  type TestHub,
  waitFor,
} from "./_hub.ts";
import { cli } from "./_cli.ts";
import { type AnyClient, connectLegacyMcp } from "./_doors.ts";

async function call(client: AnyClient, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as any;
}

function text(result: any): string {
  return result.content.map((c: any) => c.text).join("\n");
}

function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

hubTest(
  "the instructions say how each client hears events, with commands that reach this server",
  async (hub) => {
    await using client = await connectMcp(hub);
    await client.listTools();
    const said = client.getInstructions() ?? "";
    const cli = `persistproc --port ${hub.port} --data-dir ${hub.dataDir}`;
    assert.ok(said.includes(`\`${cli} wait LABEL\``), said);
    assert.ok(said.includes(`\`${cli} events --follow --label LABEL`), said);
    // Per client: Claude Code's Monitor; Gemini CLI's background shell and its two settings.
    assert.match(said, /in Claude Code, arm the Monitor tool with/);
    assert.match(said, /tools\.shell\.backgroundCompletionBehavior "inject"/);
    assert.match(said, /experimental\.modelSteering true/);
  },
);

hubTest("tools/list offers exactly ctrl, list and output, described and annotated", async (hub) => {
  await using client = await connectMcp(hub);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), ["ctrl", "list", "output"]);
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  assert.equal(byName.ctrl.annotations?.destructiveHint, true);
  assert.equal(byName.list.annotations?.readOnlyHint, true);
  assert.equal(byName.output.annotations?.readOnlyHint, true);
  assert.deepEqual((byName.ctrl.inputSchema.properties as any).action.enum, [
    "start",
    "stop",
    "restart",
    "adopt",
  ]);
  for (const tool of tools) {
    for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
      assert.ok((schema as any).description, `${tool.name}.${field} has a description`);
    }
    assert.ok(tool.outputSchema, `${tool.name} declares an output schema`);
  }
});

/** Lists the tools, then starts, lists, reads and stops a process: each tool once. */
async function useEveryTool(client: AnyClient, hub: TestHub, label: string) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), ["ctrl", "list", "output"]);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    label,
  });
  assert.equal(started.isError, undefined, text(started));
  assert.equal(started.structuredContent.status, "running");
  const listed = await call(client, "list", { command_or_label: label });
  assert.deepEqual(listed.structuredContent.processes.map((p: any) => p.label), [label]);
  await waitFor(`a tick of ${label}`, async () => {
    const r = await call(client, "output", { command_or_label: label, stream: "stdout" });
    return linesOf(r.structuredContent).includes("tick 1");
  });
  const refused = await call(client, "output", { pid: 999999 });
  assert.equal(refused.isError, true);
  const stopped = await call(client, "ctrl", { action: "stop", command_or_label: label });
  assert.equal(stopped.structuredContent.status, "stopped");
}

hubTest("a client pinned to 2026-07-28 uses every tool, at /mcp and at /mcp/", async (hub) => {
  for (const path of ["/mcp", "/mcp/"] as const) {
    await using client = await connectMcp(hub, { path });
    assert.equal(client.getProtocolEra(), "modern");
    assert.equal(client.getNegotiatedProtocolVersion(), MODERN_PROTOCOL);
    await useEveryTool(client, hub, `pinned${path}`);
  }
  assert.doesNotMatch(hub.output(), /Deno\.serve|warning/i, "the server's log stays quiet");
});

hubTest("a negotiating client settles on 2026-07-28 and uses every tool", async (hub) => {
  await using client = await connectMcp(hub, { mode: "auto" });
  assert.equal(client.getProtocolEra(), "modern");
  assert.equal(client.getNegotiatedProtocolVersion(), MODERN_PROTOCOL);
  await useEveryTool(client, hub, "auto");
});

hubTest("a 1.x SDK client on 2025-11-25 uses every tool, at /mcp and at /mcp/", async (hub) => {
  for (const path of ["/mcp", "/mcp/"] as const) {
    await using client = await connectLegacyMcp(hub, { path });
    assert.equal(client.getServerVersion()?.name, "persistproc");
    const transport = client.transport as { protocolVersion?: string } | undefined;
    assert.equal(transport?.protocolVersion, "2025-11-25");
    await useEveryTool(client, hub, `legacy${path}`);
  }
});

hubTest(
  "initialize with an earlier 2025-era revision is answered in that revision",
  async (hub) => {
    for (const version of ["2025-06-18", "2025-03-26", "2024-11-05"]) {
      const response = await hub.fetch("/mcp", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: version,
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        }),
      });
      assert.equal(response.status, 200, version);
      assert.match(await response.text(), new RegExp(`"protocolVersion":"${version}"`), version);
    }
  },
);

hubTest("start, list, output, restart and stop a process over MCP", async (hub) => {
  await using client = await connectMcp(hub);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
    label: "ticker",
  });
  assert.equal(started.isError, undefined, text(started));
  const pid = started.structuredContent.pid;
  assert.equal(started.structuredContent.status, "running");
  assert.match(text(started), /started PID \d+ "ticker"/);

  const listed = await call(client, "list", {});
  assert.equal(listed.structuredContent.processes.length, 1);
  const info = listed.structuredContent.processes[0];
  assert.equal(info.command, `${FIXTURES}ticker.sh`, "a label of its own: the command once");
  assert.equal(info.working_directory, await Deno.realPath(hub.dataDir));

  const out = await waitFor("two ticks", async () => {
    const r = await call(client, "output", { command_or_label: "ticker", stream: "stdout" });
    return linesOf(r.structuredContent).length >= 2 && r;
  });
  assert.equal(linesOf(out.structuredContent)[0], "tick 1");
  assert.equal(out.structuredContent.times, undefined, "no per-line times unless asked");
  const err = await call(client, "output", { pid, stream: "stderr", lines: 1 });
  assert.match(linesOf(err.structuredContent)[0], /tock \d+$/);

  const restarted = await call(client, "ctrl", { action: "restart", command_or_label: "ticker" });
  assert.notEqual(restarted.structuredContent.pid, pid);
  assert.equal(restarted.structuredContent.restarts, 1);
  assert.ok(!isAlive(pid), "the old instance is gone");

  const stopped = await call(client, "ctrl", {
    action: "stop",
    pid: restarted.structuredContent.pid,
  });
  assert.equal(stopped.structuredContent.status, "stopped");
  assert.ok(!isAlive(restarted.structuredContent.pid));
});

hubTest("stop kills the whole tree: the grandchild is gone too", async (hub) => {
  await using client = await connectMcp(hub);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}grandchild.sh`,
    working_directory: hub.dataDir,
  });
  const line = await waitFor("the grandchild pid", async () => {
    const r = await call(client, "output", { pid: started.structuredContent.pid });
    return linesOf(r.structuredContent).find((l: string) => l.includes("grandchild "));
  });
  const grandchild = Number(line.split(" ").at(-1));
  assert.ok(isAlive(grandchild));
  await call(client, "ctrl", { action: "stop", pid: started.structuredContent.pid });
  await waitFor("the grandchild to be gone", () => !isAlive(grandchild), 5_000);
});

hubTest("exit codes and output of an ended process stay available", async (hub) => {
  await using client = await connectMcp(hub);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}exit_with.sh 3`,
    working_directory: hub.dataDir,
  });
  const ended = await waitFor("the exit", async () => {
    const r = await call(client, "list", { pid: started.structuredContent.pid });
    return r.structuredContent.processes[0]?.status !== "running" &&
      r.structuredContent.processes[0];
  });
  assert.equal(ended.status, "failed");
  assert.equal(ended.exit_code, 3);
  assert.ok(ended.end_time);
  const out = await call(client, "output", { command_or_label: `${FIXTURES}exit_with.sh 3` });
  assert.deepEqual(linesOf(out.structuredContent).sort(), [
    "[err] err before exit",
    "out before exit",
  ]);
  const restarted = await call(client, "ctrl", { action: "restart", pid: ended.pid });
  assert.equal(restarted.isError, undefined, text(restarted));
  assert.equal(restarted.structuredContent.status, "running");
});

hubTest(
  "a duplicate start is refused naming the PID, also under 10 concurrent calls",
  async (hub) => {
    await using client = await connectMcp(hub);
    const args = {
      action: "start",
      command_or_label: `${FIXTURES}ticker.sh`,
      working_directory: hub.dataDir,
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => call(client, "ctrl", args)));
    const ok = results.filter((r) => !r.isError);
    assert.equal(ok.length, 1);
    const pid = ok[0].structuredContent.pid;
    for (const refused of results.filter((r) => r.isError)) {
      assert.match(text(refused), new RegExp(`already running \\(PID ${pid}\\)`));
    }
    const listed = await call(client, "list", {});
    assert.equal(listed.structuredContent.processes.length, 1);
  },
);

hubTest("processes are found by label, by command, and by command plus directory", async (hub) => {
  await using client = await connectMcp(hub);
  const dirA = await Deno.makeTempDir({ dir: hub.dataDir });
  const dirB = await Deno.makeTempDir({ dir: hub.dataDir });
  const command = `${FIXTURES}ticker.sh`;
  for (const dir of [dirA, dirB]) {
    const r = await call(client, "ctrl", {
      action: "start",
      command_or_label: command,
      working_directory: dir,
    });
    assert.equal(r.isError, undefined, text(r));
  }
  const ambiguous = await call(client, "output", { command_or_label: command });
  assert.equal(ambiguous.isError, true);
  assert.match(text(ambiguous), /matches 2 processes/);
  const inB = await call(client, "list", { command_or_label: command, working_directory: dirB });
  assert.equal(inB.structuredContent.processes.length, 1);
  const label = inB.structuredContent.processes[0].label;
  assert.equal(label, `${command} in ${await Deno.realPath(dirB)}`);
  const byLabel = await call(client, "ctrl", { action: "stop", command_or_label: label });
  assert.equal(byLabel.structuredContent.status, "stopped");
  // Of the two, only A's runs now: the command alone means it.
  const onlyRunning = await call(client, "output", { command_or_label: command });
  assert.equal(onlyRunning.isError, undefined, text(onlyRunning));
  assert.equal(onlyRunning.structuredContent.label, `${command} in ${await Deno.realPath(dirA)}`);
  const byCommandAndDir = await call(client, "ctrl", {
    action: "stop",
    command_or_label: command,
    working_directory: dirA,
  });
  assert.equal(byCommandAndDir.structuredContent.status, "stopped");
});

hubTest("bad requests come back as isError results with a message to act on", async (hub) => {
  await using client = await connectMcp(hub);
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { action: "start", command_or_label: "ls", working_directory: "/no/such/dir" },
      /does not exist/,
    ],
    [
      { action: "start", command_or_label: "ls", working_directory: "relative/dir" },
      /not absolute/,
    ],
    [{ action: "start", command_or_label: "ls" }, /working_directory is required/],
    [
      { action: "start", command_or_label: "no-such-program-xyz", working_directory: hub.dataDir },
      /no-such-program-xyz.*not found/,
    ],
    [{ action: "explode", command_or_label: "ls" }, /action/],
    [{ action: "stop", pid: 999999 }, /No managed process has PID 999999/],
    [{ action: "stop" }, /give pid, or command_or_label/],
  ];
  for (const [args, expected] of cases) {
    const r = await call(client, "ctrl", args);
    assert.equal(r.isError, true, JSON.stringify(args));
    assert.match(text(r), expected, JSON.stringify(args));
  }
  await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}exit_with.sh 0`,
    working_directory: hub.dataDir,
    label: "x",
  });
  const badTime = await call(client, "output", { command_or_label: "x", since_time: "yesterday" });
  assert.equal(badTime.isError, true);
  assert.match(text(badTime), /Invalid since_time "yesterday"/);
  const listed = await call(client, "list", {});
  assert.equal(listed.structuredContent.processes.length, 1, "nothing else was started");
});

hubTest("output filters by time window with any offset", async (hub) => {
  await using client = await connectMcp(hub);
  const started = await call(client, "ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
  });
  const pid = started.structuredContent.pid;
  const { lines, times } = await waitFor("six lines", async () => {
    const r = await call(client, "output", { pid, stream: "stdout", timestamps: true });
    return linesOf(r.structuredContent).length >= 6 &&
      {
        lines: linesOf(r.structuredContent) as string[],
        times: r.structuredContent.times as string[],
      };
  });
  const third = new Date(times[2]);
  const plusTwo = new Date(third.getTime() + 2 * 3600_000).toISOString().replace("Z", "+02:00");
  const since = await call(client, "output", { pid, stream: "stdout", since_time: plusTwo });
  assert.equal(linesOf(since.structuredContent)[0], lines[2]);
  const before = await call(client, "output", {
    pid,
    stream: "stdout",
    before_time: times[2],
  });
  assert.deepEqual(linesOf(before.structuredContent), lines.slice(0, 2));
});

hubTest("environment overrides reach the child; shell commands run under sh", async (hub) => {
  await using client = await connectMcp(hub);
  const r = await call(client, "ctrl", {
    action: "start",
    command_or_label: 'echo "greeting=$GREETING" && echo done >&2',
    working_directory: hub.dataDir,
    environment: { GREETING: "hello world" },
  });
  const out = await waitFor("the echo", async () => {
    const o = await call(client, "output", { pid: r.structuredContent.pid });
    return linesOf(o.structuredContent).length === 2 && linesOf(o.structuredContent);
  });
  assert.ok(out.some((l: string) => l.endsWith("greeting=hello world")));
  assert.ok(out.some((l: string) => l.endsWith("[err] done")));
});

hubTest("several agents use the server at once", async (hub) => {
  const clients = await Promise.all([1, 2, 3].map(() => connectMcp(hub)));
  try {
    await Promise.all(clients.map((c, i) =>
      call(c, "ctrl", {
        action: "start",
        command_or_label: `${FIXTURES}ticker.sh`,
        working_directory: hub.dataDir,
        label: `agent-${i}`,
      })
    ));
    for (const c of clients) {
      const r = await call(c, "list", {});
      assert.deepEqual(r.structuredContent.processes.map((p: any) => p.label).sort(), [
        "agent-0",
        "agent-1",
        "agent-2",
      ]);
    }
  } finally {
    for (const c of clients) await c.close();
  }
});

Deno.test("an agent connected before a server restart keeps working after it", async () => {
  // The same data dir, so the restarted server keeps the token the agent was set up with.
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const first = await startHub([], { dataDir });
  const client = await connectMcp(first);
  try {
    assert.deepEqual((await call(client, "list", {})).structuredContent.processes, []);
    await first[Symbol.asyncDispose]();
    await using second = await startHub([], { port: first.port, dataDir });
    assert.equal(second.token, first.token);
    const r = await call(client, "list", {});
    assert.equal(r.isError, undefined);
    assert.deepEqual(r.structuredContent.processes, []);
    void second;
  } finally {
    await client.close();
    await first[Symbol.asyncDispose]().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest("GET on the MCP endpoint answers 405 instead of hanging", async (hub) => {
  for (const path of ["/mcp", "/mcp/"] as const) {
    const response = await hub.fetch(`${path}`, {
      headers: { accept: "text/event-stream" },
    });
    await response.body?.cancel();
    assert.equal(response.status, 405, path);
  }
});

/** Sends a raw HTTP request, so the Host header can be anything. */
async function rawRequest(port: number, head: string, body = ""): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `${head}\r\nContent-Length: ${
      new TextEncoder().encode(body).length
    }\r\nConnection: close\r\n\r\n${body}`;
    await conn.write(new TextEncoder().encode(request));
    let reply = "";
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      reply += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return reply;
  } finally {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

hubTest("a foreign Host or Origin gets 403 and starts nothing", async (hub) => {
  const start = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "ctrl",
      arguments: { action: "start", command_or_label: "sleep 30", working_directory: "/tmp" },
    },
  });
  const mcpHead = (host: string, extra = "") =>
    `POST /mcp/ HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream${extra}`;
  const rebinding = await rawRequest(hub.port, mcpHead(`evil.example:${hub.port}`), start);
  assert.match(rebinding, /^HTTP\/1\.1 403/);
  const crossSite = await rawRequest(
    hub.port,
    mcpHead(`127.0.0.1:${hub.port}`, "\r\nOrigin: https://evil.example"),
    start,
  );
  assert.match(crossSite, /^HTTP\/1\.1 403/);
  const apiCrossSite = await rawRequest(
    hub.port,
    `POST /api/hub/start HTTP/1.1\r\nHost: localhost:${hub.port}\r\nOrigin: http://evil.example\r\nContent-Type: application/json`,
    JSON.stringify({ command: "sleep 30", working_directory: "/tmp" }),
  );
  assert.match(apiCrossSite, /^HTTP\/1\.1 403/);
  const listed = await hub.api("list", {});
  assert.deepEqual(listed.body.processes, []);
});

hubTest("shutdown stops every managed process", async (hub) => {
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: `${FIXTURES}ticker.sh`,
    working_directory: hub.dataDir,
  });
  assert.ok(isAlive(body.pid));
  const response = await hub.fetch(`/api/shutdown`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 202);
  await response.body?.cancel();
  await waitFor("the child to be stopped", () => !isAlive(body.pid), 10_000);
});

hubTest(
  "an argument a tool does not know is an error naming it, not silently dropped",
  async (hub) => {
    await using client = await connectMcp(hub);
    const guessed = await call(client, "list", { state: "running" });
    assert.equal(guessed.isError, true);
    assert.match(text(guessed), /Unknown parameter "state" for list; it takes .*command_or_label/);
    const misspelt = await call(client, "output", { command_or_label: "x", wait_for_logs: "ok" });
    assert.equal(misspelt.isError, true);
    assert.match(text(misspelt), /Unknown parameter "wait_for_logs" for output/);
    assert.equal((await call(client, "list", {})).isError, undefined);
  },
);

hubTest("an argument a tool cannot take is an error in persistproc's words", async (hub) => {
  await using client = await connectMcp(hub);
  const empty = await call(client, "ctrl", {
    action: "start",
    command_or_label: "sleep 1",
    working_directory: hub.dataDir,
    label: "",
  });
  assert.equal(empty.isError, true);
  assert.equal(text(empty), "label must not be empty");
  const several = await call(client, "output", { command_or_label: "x", lines: 0, stream: "all" });
  assert.equal(
    text(several),
    'stream must be "stdout", "stderr" or "combined"; lines must be at least 1',
  );
  // The CLI, through the JSON API, says the same.
  const cliEmpty = await cli(hub, ["start", "--label", "", "sleep", "1"]);
  assert.equal(cliEmpty.code, 2);
  assert.equal(cliEmpty.stderr, "error: --label must not be empty\n");
});
