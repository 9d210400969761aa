/**
 * The ctrl tool: start, stop, restart or adopt a process. An adapter: its arguments checked for
 * what only makes sense per action, one Hub verb, and the result in compact fields and words.
 */
import { describeConflict, InvalidArgumentError, type StartResult } from "../core/mod.ts";
import type { ReadyOutcome } from "../core/ready/mod.ts";
import { adoptAction } from "./adopt_action.ts";
import { compactProcess, compactStopped, compactStopReport, compactWait } from "./compact.ts";
import { ctrlInput } from "./input_schemas.ts";
import { ctrlOutput } from "./output_schemas.ts";
import { define, listeningWords, recordNotes, startedBy, summary, waitOptions } from "./tool.ts";

/** The ctrl tool; see the module comment. */
export const ctrl = define({
  name: "ctrl",
  title: "Start, stop or restart a process",
  description:
    "Start, stop, restart or adopt a long-running process (dev server, watcher, database) shared by every agent and terminal. With wait_for_*, start/restart return once ready, exited (exit code, last output) or timed out, naming who holds a needed port.",
  inputSchema: ctrlInput,
  outputSchema: ctrlOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async run(hub, args, context) {
    if (args.action === "adopt") {
      return await adoptAction(hub, args, context);
    }
    for (const field of ["port", "confirm"] as const) {
      if (args[field] !== undefined) {
        throw new InvalidArgumentError(`${field} applies to adopt, not ${args.action}`);
      }
    }
    const target = {
      pid: args.pid,
      command_or_label: args.command_or_label,
      working_directory: args.working_directory,
    };
    const conditions = {
      wait_for_port: args.wait_for_port,
      wait_for_log: args.wait_for_log,
      wait_for_url: args.wait_for_url,
      wait_timeout: args.wait_timeout,
    };
    const wait = waitOptions(context);
    let result: StartResult;
    let endedBefore = false;
    const startOnly = {
      if_running: args.if_running,
      assign_port: args.assign_port,
      notify_on_log: args.notify_on_log,
    };
    for (const [field, value] of Object.entries(startOnly)) {
      if (args.action !== "start" && value !== undefined) {
        throw new InvalidArgumentError(`${field} applies to start, not ${args.action}`);
      }
    }
    if (args.action === "start") {
      if (args.pid !== undefined) {
        throw new InvalidArgumentError("start takes the command in command_or_label, not a pid");
      }
      if (!args.command_or_label) {
        throw new InvalidArgumentError("start needs command_or_label: the command to run");
      }
      result = await hub.start({
        command: args.command_or_label,
        working_directory: args.working_directory ?? "",
        environment: args.environment,
        inherit_environment: args.inherit_environment,
        label: args.label,
        autorestart: args.autorestart,
        started_by: startedBy(context.client),
        if_running: args.if_running,
        assign_port: args.assign_port,
        notify_on_log: args.notify_on_log,
        ...conditions,
      }, wait);
    } else if (args.action === "stop") {
      const waits = Object.entries(conditions).filter(([, value]) => value !== undefined);
      if (waits.length > 0) {
        throw new InvalidArgumentError(`${waits[0][0]} applies to start and restart, not stop`);
      }
      const asked = Date.now();
      result = { ...await hub.stop(target, { force: args.force }), ports: [] };
      // Ended before this stop was asked for: nothing was stopped now.
      endedBefore = result.end_time !== null && Date.parse(result.end_time) < asked;
    } else {
      const restart = { force: args.force, by: startedBy(context.client), ...conditions };
      result = await hub.restart(target, restart, wait);
    }
    const { already_running } = result;
    const waited = result.wait_result === undefined ? null : result as ReadyOutcome;
    const released = [
      ...(result.freed_ports ?? []).map((port) => `port ${port} freed`),
      ...(result.held_ports ?? []).map((held) =>
        `port ${held.port} still held by ${held.command ?? "a process"}${
          held.pid === null ? "" : ` (PID ${held.pid})`
        }`
      ),
    ];
    const verb = already_running
      ? "already running:"
      : result.autorestart_cancelled
      ? "was waiting to be restarted; autorestart cancelled:"
      : endedBefore
      ? "was not running (nothing to stop):"
      : { start: "started", stop: "stopped", restart: "restarted" }[args.action];
    const record = args.action === "stop"
      ? compactStopped(result, endedBefore)
      : compactProcess(result, { caller: startedBy(context.client) });
    return {
      structured: {
        ...record,
        ...(already_running ? { already_running } : {}),
        ...(result.port_note ? { port_note: result.port_note } : {}),
        ...compactStopReport(result),
        ...compactWait(waited),
      },
      text: [
        `${verb} ${summary(result)}${recordNotes(record)}${
          waited ? `; ${waitSummary(waited)}` : ""
        }${listeningWords(record)}${released.length ? `; ${released.join(", ")}` : ""}`,
        ...(result.port_note ? [result.port_note] : []),
        ...(waited ? waitDetails(waited) : []),
      ].join("\n"),
    };
  },
});

function waitSummary(wait: ReadyOutcome): string {
  const seconds = `${(wait.waited_ms / 1000).toFixed(1)} s`;
  if (wait.ready) {
    return `ready after ${seconds}${wait.matched_line ? ` (log: ${wait.matched_line})` : ""}`;
  }
  const notMet = wait.not_met.length ? `; not met: ${wait.not_met.join(", ")}` : "";
  return wait.wait_result === "exited"
    ? `exited before it was ready, after ${seconds}${notMet}`
    : `not ready after ${seconds}${notMet}`;
}

function waitDetails(wait: ReadyOutcome): string[] {
  const lines: string[] = [];
  if (wait.port_conflict) {
    lines.push(describeConflict(wait.port_conflict));
  }
  if (wait.stderr_tail.length) lines.push("stderr (last lines):", ...indent(wait.stderr_tail));
  if (wait.stdout_tail.length) lines.push("stdout (last lines):", ...indent(wait.stdout_tail));
  return lines;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
