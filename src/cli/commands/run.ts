/**
 * `persistproc run COMMAND...` (and the implicit `persistproc COMMAND...`): start a command
 * here with the caller's environment, or attach to it when it already runs, then follow it.
 */

import { HubError } from "../../client/client_errors.ts";
import type { HubClient } from "../../client/hub_client.ts";
import {
  type AutorestartPolicy,
  MAX_LINES,
  type ProcessInfo,
  type ProcessTarget,
  resolvePath,
  type StartResult,
} from "../../core/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { confirmStop, followProcess, type OnInterrupt } from "../follow.ts";
import { callerEnvironment } from "../settings.ts";
import { printErr } from "../print.ts";
import { describeEnding, exitCodeOf } from "../exit_status.ts";
import { displayName } from "../process_name.ts";
import { describeCtrl, describeStart } from "../ctrl_words.ts";
import { joinCommand } from "../../core/process/mod.ts";
import { WORKING_DIRECTORY_FLAG } from "../target.ts";
import { AUTORESTART_FLAG, autorestartPolicy, FIRST_S, MAX_S } from "../autorestart_flag.ts";
import {
  awaitReady,
  findWaitedOn,
  INTERRUPTED_EXIT,
  printWaitOutcome,
  WAIT_FLAGS,
  WAIT_HELP,
  waitConditions,
  WaitInterrupted,
} from "../start_wait.ts";
import type { ReadyConditions } from "../../client/api.ts";

/** Stored lines of its current run shown when attaching to a process that was already running. */
const ATTACH_BACKLOG = 30;
/** Lines asked for after a start: all of the new process's output so far. */
const START_BACKLOG = MAX_LINES;

const ON_INTERRUPT = ["ask", "stop", "detach"] as const;

/** The `run` subcommand. */
export const runCommand = defineCommand({
  names: ["run"],
  summary: "start a command here (or attach to it) and follow its output",
  usage: "persistproc run [--fresh|--restart] [--on-exit ask|stop|detach] [--raw] [--label L]\n" +
    "                [--assign-port VAR] [--autorestart no|on-failure|always]\n" +
    "                [--wait-for-port N] [--wait-for-log RE] [--wait-for-url URL]\n" +
    "                [--wait-timeout S] [-C DIR] COMMAND [ARGS...]",
  details: `Starts COMMAND in the current directory with your environment, or attaches to it if it
is already running there, says which (and its PID) on stderr, prints its recent output
(of its current run) and follows it, through restarts, until it ends; then exits with its
exit code (128 + N when killed by signal N).

A single argument is a whole command line ("npm run dev && open"); several arguments are
quoted so that each reaches the program unchanged.

Flags (before COMMAND; everything after it belongs to COMMAND):
  --fresh             if it is running, stop it and start it anew with your environment
  --restart           if it is running, restart it (same environment as before)
  --on-exit MODE      what Ctrl+C does: ask (the default; at a terminal it asks whether
                      to stop the process), stop, or detach (leave it running). Without
                      a terminal, ask means detach.
  --raw               print stored lines: time, [stream], text (all on stdout)
  --label L           name the process L (default: "COMMAND in DIR")
  --assign-port VAR   pass a free TCP port in variable VAR (e.g. PORT), the same one for
                      this label and directory while it is free
  --autorestart P     no (default), on-failure or always: the server starts it again
                      when it ends by itself (backing off from ${FIRST_S} s to ${MAX_S} s)
  -C, --working-directory DIR   run in DIR instead of the current directory

When it starts (or restarts) it, run can first wait until it is ready, saying how the wait
ended before it follows the output:
${WAIT_HELP}`,
  flags: {
    fresh: { type: "boolean" },
    restart: { type: "boolean" },
    "on-exit": { type: "string" },
    raw: { type: "boolean" },
    label: { type: "string" },
    "assign-port": { type: "string" },
    ...AUTORESTART_FLAG,
    ...WAIT_FLAGS,
    ...WORKING_DIRECTORY_FLAG,
  },
  flagsEndAtCommand: true,
  async run({ values, positionals, settings }) {
    if (positionals.length === 0) throw new UsageError("Missing the command to run");
    if (values.fresh && values.restart) {
      throw new UsageError("Use either --fresh or --restart, not both");
    }
    const onInterrupt = (values["on-exit"] ?? "ask") as OnInterrupt;
    if (!ON_INTERRUPT.includes(onInterrupt)) {
      throw new UsageError(`Invalid --on-exit "${onInterrupt}": expected ask, stop or detach`);
    }
    const conditions = waitConditions(values);
    const autorestart = autorestartPolicy(values.autorestart);
    const client = await connect(settings, { autostart: true });
    const request: StartRequest = {
      command: joinCommand(positionals),
      workingDirectory: resolvePath(values["working-directory"] ?? Deno.cwd()),
      label: values.label,
      assignPort: values["assign-port"],
      autorestart,
      ifRunning: values.fresh ? "fresh" : values.restart ? "restart" : "attach",
      conditions,
      showWait: settings.format === "text",
    };
    let started;
    try {
      started = await startOrAttach(client, request);
    } catch (error) {
      if (!(error instanceof WaitInterrupted)) throw error;
      return await interruptedWait(client, error.target, onInterrupt);
    }
    const { process, attached } = started;
    return await followProcess({
      client,
      process,
      backlog: attached ? ATTACH_BACKLOG : START_BACKLOG,
      // Attaching shows the current run's tail: earlier runs' output is history.
      since: process.start_time,
      rendering: settings.format === "json" ? "json" : values.raw ? "raw" : "text",
      onInterrupt,
      interactive: Deno.stdin.isTerminal(),
    });
  },
});

interface StartRequest {
  command: string;
  workingDirectory: string;
  label: string | undefined;
  /** The variable in which to pass an assigned port, if any. */
  assignPort: string | undefined;
  autorestart: AutorestartPolicy | undefined;
  ifRunning: "attach" | "restart" | "fresh";
  /** What to wait for after a start or restart (not when attaching: it is running already). */
  conditions: ReadyConditions;
  /** Whether to show a spinner while waiting and the outcome after. */
  showWait: boolean;
}

/**
 * After a Ctrl+C during the wait, does what Ctrl+C does while following, and exits as it
 * would: at a terminal (with --on-exit ask) asks whether to stop the process; with --on-exit
 * stop stops it (the process's exit code); else detaches (0). Resolves with the exit code.
 */
async function interruptedWait(
  client: HubClient,
  target: ProcessTarget,
  onInterrupt: OnInterrupt,
): Promise<number> {
  const process = await findWaitedOn(client, target);
  if (process === null) {
    printErr("stopped waiting");
    return INTERRUPTED_EXIT;
  }
  if (process.status !== "running") {
    printErr(`process ${describeEnding(process)}`);
    return exitCodeOf(process);
  }
  const ask = onInterrupt === "ask" && Deno.stdin.isTerminal();
  const stop = onInterrupt === "stop" || (ask && await confirmStop(process));
  if (!stop) {
    printErr(`detached; ${displayName(process)} keeps running (PID ${process.pid})`);
    return 0;
  }
  const stopped = await client.stop({ pid: process.pid });
  printErr(`process ${describeEnding(stopped)}`);
  return exitCodeOf(stopped);
}

/**
 * Awaits a start or restart; a wait shows a spinner meanwhile. `say` prints what was done and
 * then how the wait ended (output follows).
 */
function waited(request: StartRequest, call: Promise<StartResult>) {
  const show = { show: request.showWait, tails: false, outcome: false };
  return awaitReady(request.conditions, call, show, {
    command_or_label: request.label ?? request.command,
    working_directory: request.workingDirectory,
  });
}

/** Prints `line` (what was started, restarted or attached to), then how a wait ended. */
function say(request: StartRequest, line: string, result: StartResult): void {
  printErr(line);
  if (request.showWait) printWaitOutcome(result, false);
}

/** Starts the command; if it already runs, attaches to it, restarts it or replaces it. */
async function startOrAttach(
  client: HubClient,
  request: StartRequest,
): Promise<{ process: ProcessInfo; attached: boolean }> {
  // Attaching is asking to keep what runs: its waits are then met at once when it is ready,
  // and its own port is never a conflict.
  const keep = request.ifRunning === "attach" ? { if_running: "keep" as const } : {};
  const start = async () => (await waited(
    request,
    client.start({
      ...keep,
      command: request.command,
      working_directory: request.workingDirectory,
      environment: callerEnvironment(),
      inherit_environment: false,
      ...(request.label === undefined ? {} : { label: request.label }),
      ...(request.assignPort === undefined ? {} : { assign_port: request.assignPort }),
      ...(request.autorestart === undefined ? {} : { autorestart: request.autorestart }),
      ...request.conditions,
    }),
  ));
  try {
    const result = await start();
    say(
      request,
      result.already_running
        ? `already running (PID ${result.pid}), attaching`
        : describeStart(result),
      result,
    );
    return { process: result, attached: result.already_running === true };
  } catch (error) {
    if (!(error instanceof HubError && error.code === "already_running" && error.pid)) {
      throw error;
    }
    const pid = error.pid;
    if (request.ifRunning === "fresh") {
      printErr(`already running (PID ${pid}), stopping it to start afresh`);
      await client.stop({ pid });
      const started = await start();
      say(request, describeStart(started), started);
      return { process: started, attached: false };
    }
    if (request.ifRunning === "restart") {
      printErr(`already running (PID ${pid}), restarting`);
      const restarted = await waited(
        request,
        client.restart({ pid }, request.conditions),
      );
      say(request, describeCtrl({ action: "restart", ...restarted }), restarted);
      return { process: restarted, attached: false };
    }
    printErr(`already running (PID ${pid}), attaching`);
    const [process] = await client.list({ pid });
    if (process === undefined) throw new Error(`PID ${pid} ended before it could be followed`);
    return { process, attached: true };
  }
}
