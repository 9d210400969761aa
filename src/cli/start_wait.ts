/**
 * Starting and waiting from the terminal: the `--wait-for-*` flags of `run`, `start` and
 * `restart`, a spinner while the server waits, and the line that says how the wait ended.
 */

import type { CtrlArgs, ReadyConditions } from "../client/api.ts";
import {
  DEFAULT_WAIT_SECONDS,
  describeConflict,
  MAX_WAIT_SECONDS,
  type ProcessInfo,
  type ProcessTarget,
  type StartResult,
} from "../core/mod.ts";
import type { HubClient } from "../client/hub_client.ts";
import { displayName } from "./process_name.ts";
import { UsageError } from "./args.ts";
import { paint, printErr } from "./print.ts";

/** The wait flags, in the commands' flag specs. */
export const WAIT_FLAGS = {
  "wait-for-port": { type: "string" },
  "wait-for-log": { type: "string" },
  "wait-for-url": { type: "string" },
  "wait-timeout": { type: "string" },
} as const;

/** The wait flags' lines for a command's help. */
export const WAIT_HELP =
  `  --wait-for-port N   return once TCP port N listens (fails at once if another
                      process holds it, naming that process); the variable named by
                      --assign-port (--wait-for-port PORT) means the assigned port
  --wait-for-log RE   return once an output line matches RE (RE2 syntax; (?i) ignores case)
  --wait-for-url URL  return once URL answers 2xx or 3xx
  --wait-timeout S    give up waiting after S seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS})`;

/** The conditions the wait flags ask for; empty when none was given. */
export function waitConditions(values: {
  "assign-port"?: string;
  "wait-for-port"?: string;
  "wait-for-log"?: string;
  "wait-for-url"?: string;
  "wait-timeout"?: string;
}): ReadyConditions {
  const port = values["wait-for-port"];
  const assigned = port !== undefined && port === values["assign-port"];
  if (port !== undefined && !/^\d+$/.test(port) && !assigned) {
    throw new UsageError(
      `Invalid --wait-for-port "${port}": expected a port number, or the variable of --assign-port`,
    );
  }
  const timeout = waitTimeoutFlag(values["wait-timeout"]);
  return {
    ...(port === undefined ? {} : { wait_for_port: assigned ? true : Number(port) }),
    ...(values["wait-for-log"] === undefined ? {} : { wait_for_log: values["wait-for-log"] }),
    ...(values["wait-for-url"] === undefined ? {} : { wait_for_url: values["wait-for-url"] }),
    ...(timeout === undefined ? {} : { wait_timeout: Number(timeout) }),
  };
}

/**
 * Ctrl+C during a wait: the wait is given up, and the process (started by then) keeps running
 * unless the caller stops it.
 */
export class WaitInterrupted extends Error {
  /** The process waited on. */
  readonly target: ProcessTarget;

  constructor(target: ProcessTarget) {
    super("Stopped waiting (Ctrl+C)");
    this.name = "WaitInterrupted";
    this.target = target;
  }
}

/**
 * Awaits a start or restart sent with `conditions`. When it waits and `show` is set, a spinner
 * runs meanwhile and the outcome is printed after (with the output tails when `tails`), unless
 * `outcome` is false: the caller then prints it (printWaitOutcome) after its own line. A
 * Ctrl+C while it waits rejects with WaitInterrupted, naming `target`, the process waited on.
 */
export async function awaitReady<T extends StartResult>(
  conditions: ReadyConditions,
  call: Promise<T>,
  show: { show: boolean; tails: boolean; outcome?: boolean },
  target: ProcessTarget,
): Promise<T> {
  const what = describeConditions(conditions);
  if (!what) return await call;
  const interrupted = Promise.withResolvers<never>();
  const onInterrupt = () => interrupted.reject(new WaitInterrupted(target));
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const waited = Promise.race([call, interrupted.promise]);
    if (!show.show) return await waited;
    const result = await withSpinner(what, waited);
    if (show.outcome !== false) printWaitOutcome(result, show.tails);
    return result;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    call.catch(() => {}); // given up on: its failure no longer matters
  }
}

/** The process a start, stop or restart call names: by pid, or by label or command in a folder. */
export function targetOfCall(args: CtrlArgs): ProcessTarget {
  if (args.pid !== undefined) return { pid: args.pid };
  const name = args.label ?? args.command_or_label;
  return {
    ...(name === undefined ? {} : { command_or_label: name }),
    ...(args.working_directory === undefined ? {} : { working_directory: args.working_directory }),
  };
}

/** Ctrl+C's exit code, 128 + SIGINT, as a shell gives a command it interrupted. */
export const INTERRUPTED_EXIT = 130;

/** How long, after a Ctrl+C during a wait, the CLI looks for the process the server starts. */
const FIND_AFTER_INTERRUPT_MS = 2_000;

/**
 * The process waited on, after a Ctrl+C during the wait; null when none is found. A Ctrl+C
 * right after the request went out may come before the server has the process: it is looked
 * for again for up to 2 s.
 */
export async function findWaitedOn(
  client: HubClient,
  target: ProcessTarget,
): Promise<ProcessInfo | null> {
  const deadline = Date.now() + FIND_AFTER_INTERRUPT_MS;
  for (;;) {
    const process = await client.get(target).catch(() => null);
    if (process !== null || Date.now() >= deadline) return process;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * After a Ctrl+C during a wait: says that the process keeps running and how to stop it (or
 * that it ended meanwhile); resolves with the process, or null when none can be found.
 */
export async function sayKeptRunning(
  client: HubClient,
  target: ProcessTarget,
): Promise<ProcessInfo | null> {
  const process = await findWaitedOn(client, target);
  if (process === null) printErr("stopped waiting");
  else if (process.status !== "running") {
    printErr(`stopped waiting; ${displayName(process)} (PID ${process.pid}) has ended`);
  } else {
    printErr(
      `stopped waiting; ${displayName(process)} keeps running (PID ${process.pid}); ` +
        `stop it with: persistproc stop ${process.pid}`,
    );
  }
  return process;
}

/** What the conditions wait for, in words: `port 3000 and log /ready/`. */
function describeConditions(conditions: ReadyConditions): string {
  return [
    conditions.wait_for_port !== undefined &&
    (conditions.wait_for_port === true ? "the assigned port" : `port ${conditions.wait_for_port}`),
    conditions.wait_for_log !== undefined && `log /${conditions.wait_for_log}/`,
    conditions.wait_for_url !== undefined && conditions.wait_for_url,
  ].filter(Boolean).join(" and ");
}

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

/**
 * Awaits `work`, showing a spinner with `what` and the seconds elapsed on stderr while it runs
 * when stderr is a terminal; the spinner's line is cleared afterwards.
 */
async function withSpinner<T>(what: string, work: Promise<T>): Promise<T> {
  if (!Deno.stderr.isTerminal()) return await work;
  const encoder = new TextEncoder();
  const began = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - began) / 1000);
    const text = `\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} waiting for ${what} (${seconds} s)`;
    Deno.stderr.writeSync(encoder.encode(text));
  };
  draw();
  const timer = setInterval(draw, 100);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
  }
}

/**
 * Prints how the wait ended: ready (with the matched line), exited or timed out (with what was
 * not met and who holds the port). With `tails`, also the last lines of stderr and stdout.
 */
export function printWaitOutcome(result: StartResult, tails: boolean): void {
  if (result.wait_result === undefined) return;
  const colour = Deno.stderr.isTerminal() && !Deno.env.get("NO_COLOR");
  const seconds = `${((result.waited_ms ?? 0) / 1000).toFixed(1)} s`;
  const notMet = result.not_met?.length ? `; not met: ${result.not_met.join(", ")}` : "";
  if (result.wait_result === "ready") {
    const line = result.matched_line ? `: ${result.matched_line}` : "";
    printErr(paint("green", `ready after ${seconds}${line}`, colour));
  } else if (result.wait_result === "exited") {
    const code = result.exit_signal ?? `exit code ${result.exit_code}`;
    printErr(
      paint("red", `exited before it was ready (${code}) after ${seconds}${notMet}`, colour),
    );
  } else {
    printErr(paint("yellow", `not ready after ${seconds}${notMet}`, colour));
    // The wait gave up, not the process: say so, or someone starts a second copy.
    if (result.status === "running") {
      printErr(
        `it keeps running (PID ${result.pid}); stop it with: persistproc stop ${result.pid}`,
      );
    }
  }
  const holder = result.port_conflict;
  if (holder) printErr(describeConflict(holder));
  if (!tails) return;
  for (const [name, lines] of [["stderr", result.stderr_tail], ["stdout", result.stdout_tail]]) {
    if (!lines?.length) continue;
    printErr(`last ${name} lines:`);
    for (const line of lines as string[]) printErr(`  ${line}`);
  }
}

/** The `--wait-timeout` flag's value, checked to be seconds; undefined when not given. */
export function waitTimeoutFlag(timeout: string | undefined): string | undefined {
  if (timeout !== undefined && !/^\d+(\.\d+)?$/.test(timeout)) {
    throw new UsageError(`Invalid --wait-timeout "${timeout}": expected seconds`);
  }
  return timeout;
}
