import assert from "node:assert/strict";
import type { ProcessInfo, StopResult } from "../core/mod.ts";
import { type Hub, TOOLS } from "./tools.ts";

/** A server started with an assigned port by another client, restarted once. */
const served: ProcessInfo = {
  pid: 4242,
  label: "node server.mjs in /src/app",
  command_line: "node server.mjs",
  command: ["node", "server.mjs"],
  working_directory: "/src/app",
  status: "running",
  start_time: "2026-12-07T15:19:46.123Z",
  end_time: null,
  exit_code: null,
  exit_signal: null,
  restarts: 1,
  started_by: "claude-code/2.1.328",
  assigned_port: 23885,
  log_dir: "/data/logs/4242",
};

/** What the ctrl tool answers to a stop of `process`, stopped at `end_time`. */
async function stop(end_time: string, process: Partial<StopResult> = {}) {
  const stopped: StopResult = {
    ...served,
    status: "stopped",
    end_time,
    exit_code: 143,
    exit_signal: "SIGTERM",
    freed_ports: [23885],
    held_ports: [],
    ...process,
  };
  const hub = { stop: () => Promise.resolve(stopped) } as unknown as Hub;
  const ctrl = TOOLS.find((tool) => tool.name === "ctrl")!;
  return await ctrl.run(hub, { action: "stop", pid: 4242 } as never, { client: null });
}

Deno.test("a stop's result says which process, how it ended and the ports it freed, nothing else", async () => {
  const { structured, text } = await stop(new Date(Date.now() + 60_000).toISOString());
  assert.deepEqual(structured, {
    pid: 4242,
    label: "node server.mjs in /src/app",
    status: "stopped",
    exit_signal: "SIGTERM",
    freed_ports: [23885],
  });
  assert.equal(
    text,
    'stopped PID 4242 "node server.mjs in /src/app" (stopped, SIGTERM); port 23885 freed',
  );
});

Deno.test("a stop of a process that had ended says when it ended", async () => {
  const { structured, text } = await stop("2026-12-07T15:20:00.500Z", {
    status: "failed",
    exit_code: 1,
    exit_signal: null,
    freed_ports: [],
  });
  assert.equal(structured.end_time, "2026-12-07T15:20:00Z");
  assert.equal(structured.exit_code, 1);
  assert.equal(structured.restarts, undefined);
  assert.match(text, /^was not running \(nothing to stop\): PID 4242 .*\(failed, exit code 1\)$/);
});
