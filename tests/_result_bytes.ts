// deno-lint-ignore-file no-explicit-any
/**
 * The bytes an agent's model reads of each tool's result: Claude Code and Codex give their
 * model `JSON.stringify(structuredContent)` and nothing else. One session (20 processes, 1 of
 * them running; their list; a page of output; a stop) measured by the test that keeps the
 * targets (tests/mcp_compact_test.ts) and by the benchmark's row (bench/result_bytes.ts).
 */
import assert from "node:assert/strict";
import type { AnyClient } from "./_doors.ts";
import { type TestHub, waitFor } from "./_hub.ts";

/** The targets of issue #19: bytes of `JSON.stringify(structuredContent)`. */
export const TARGETS = {
  /** A ctrl start or stop of one simple process. */
  ctrl: 250,
  /** list of 20 processes, 1 of them running. */
  list: 3_000,
  /** Header bytes of an output page besides its lines. */
  outputHeader: 150,
  /** Per byte of the lines read (each with its newline). */
  outputFactor: 1.15,
};

/** Calls a tool; fails on an error result; answers the structured content and its bytes. */
async function measured(client: AnyClient, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args }) as any;
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
  const json = JSON.stringify(result.structuredContent);
  assert.doesNotMatch(json, /:null[,}]/, `no null fields in ${name}: ${json}`);
  return { structured: result.structuredContent, bytes: new TextEncoder().encode(json).length };
}

/** What one session measured: bytes of each result, and of the lines the output page read. */
export interface ResultBytes {
  start: number;
  stop: number;
  list: number;
  output: number;
  lineBytes: number;
}

/**
 * Drives the session through `client` on `hub` and measures each result. Checks what every
 * result must be whatever its size (no null field, the filters right); the targets are left
 * to the caller.
 */
export async function measureResultBytes(client: AnyClient, hub: TestHub): Promise<ResultBytes> {
  // A project folder of a usual length (41 characters, as /home/alice/projects/shop/frontend).
  const dir = `${hub.dataDir}/app`;
  await Deno.mkdir(dir);
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} of the build`);
  const start = await measured(client, "ctrl", {
    action: "start",
    command_or_label: "sleep 300",
    working_directory: dir,
  });
  assert.equal(start.structured.status, "running");
  assert.equal(start.structured.command, undefined, "the label already names the command");
  for (let i = 1; i < 20; i++) {
    const command = i === 1
      ? `for i in $(seq ${lines.length}); do echo "line $i of the build"; done`
      : `echo job ${i}${i % 4 === 0 ? "; exit 1" : ""}`;
    await measured(client, "ctrl", {
      action: "start",
      command_or_label: command,
      label: i === 1 ? "printer" : undefined,
      working_directory: dir,
    });
  }
  const printer = "printer";
  await waitFor("every job to end", async () => {
    const { structured } = await measured(client, "list", { status: "running" });
    return structured.processes.length === 1;
  });
  const listed = await measured(client, "list", {});
  assert.equal(listed.structured.processes.length, 20);
  const running = await measured(client, "list", { status: "running" });
  assert.deepEqual(running.structured.processes.map((p: any) => p.pid), [start.structured.pid]);
  const ended = await measured(client, "list", { status: ["exited", "failed"] });
  assert.equal(ended.structured.processes.length, 19);
  assert.equal(ended.structured.processes[0].log_dir, undefined, "log_dir only on request");
  const withDirs = await measured(client, "list", { status: "running", log_dir: true });
  assert.match(withDirs.structured.processes[0].log_dir, /\//);

  const page = await measured(client, "output", { command_or_label: printer });
  assert.equal(page.structured.output, lines.join("\n"));
  const lineBytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")).length;

  const stop = await measured(client, "ctrl", { action: "stop", pid: start.structured.pid });
  assert.equal(stop.structured.status, "stopped");
  assert.equal(stop.structured.end_time, undefined, "it ended now, as asked");
  return {
    start: start.bytes,
    list: listed.bytes,
    output: page.bytes,
    lineBytes,
    stop: stop.bytes,
  };
}
