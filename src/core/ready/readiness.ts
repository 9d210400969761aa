/**
 * Start and wait in one call: a start or restart that returns once the program is ready (its
 * port listens, a log line appeared, a URL answers), at once when it exits first, or at a
 * timeout, with what an agent needs to act on the outcome without another request.
 */
import { stripAnsi } from "../output/ansi.ts";
import { compilePattern, type LinePattern } from "../output/line_pattern.ts";
import { OutputReader } from "../output/output_reader.ts";
import { withAssignedPort } from "../ports/assign.ts";
import {
  addressInUse,
  assertPortFree,
  conflictFromOutput,
  foreignHolder,
} from "../ports/conflict.ts";
import { listeningPorts } from "../ports/listeners.ts";
import { portListens, urlAnswers } from "./probes.ts";
import { AlreadyRunningError, type PortHolderInfo } from "../errors.ts";
import type { Hub } from "../hub.ts";
import type { ProcessEvent, ProcessInfo, ProcessTarget, StartRequest } from "../types.ts";

/** Default and longest wait, in seconds. */
export const DEFAULT_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 300;
/** How often the port and URL are tried. */
const POLL_MS = 200;
/** Lines of each stream returned when the program exited or never became ready. */
const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 500;
/** Lines of each stream searched for a report of a port in use. */
const SCAN_LINES = 200;

/** What to wait for, as callers give it; every condition given must hold. */
export interface ReadyConditions {
  /** A port, or true: the port assigned to the process (`assign_port`). */
  wait_for_port?: number | true;
  wait_for_log?: string;
  wait_for_url?: string;
  /** Seconds (default 30, at most 300). */
  wait_timeout?: number;
}

/** How a wait ended, with what explains it. */
export interface ReadyOutcome {
  ready: boolean;
  wait_result: "ready" | "exited" | "timeout";
  /** The conditions not met when the wait ended, e.g. `["port 3000"]`; empty when ready. */
  not_met: string[];
  /** The output line that matched wait_for_log (escapes stripped), or null. */
  matched_line: string | null;
  waited_ms: number;
  /** Exited or timed out: the newest lines of each stream since this start. */
  stderr_tail: string[];
  stdout_tail: string[];
  /** Who holds the port when the program could not get it, or null. */
  port_conflict: PortHolderInfo | null;
}

/** What a start or restart returns: the process, its listening ports, and the wait, if any. */
export interface ControlOutcome {
  process: ProcessInfo;
  ports: number[];
  wait: ReadyOutcome | null;
  /** Set when a start found the label running and kept it (`if_running: "keep"`). */
  already_running?: boolean;
}

/**
 * What a start does when the label already runs: refuse, naming its PID (`error`, the
 * default), return the running one as it is (`keep`), or restart it (`restart`).
 */
export type IfRunning = "error" | "keep" | "restart";

/** How a wait reports progress and learns that its caller went away. */
export interface WaitOptions {
  signal?: AbortSignal;
  /** Called about once a second while waiting. */
  onProgress?: (progress: { elapsed_ms: number; timeout_ms: number; pending: string[] }) => void;
}

interface Conditions {
  port?: number;
  log?: LinePattern;
  url?: URL;
  timeoutMs: number;
}

/**
 * Checks the wait conditions before anything is spawned; null when none is given. A bad
 * value is a RangeError naming the field.
 */
export function parseConditions(
  raw: ReadyConditions & { wait_for_port?: number },
): Conditions | null {
  const { wait_for_port: port, wait_for_log: log, wait_for_url: url } = raw;
  if (port === undefined && log === undefined && url === undefined) {
    if (raw.wait_timeout !== undefined) {
      throw new TypeError("wait_timeout needs wait_for_port, wait_for_log or wait_for_url");
    }
    return null;
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
    throw new RangeError(`Invalid wait_for_port ${port}: expected a whole number from 1 to 65535`);
  }
  const seconds = raw.wait_timeout ?? DEFAULT_WAIT_SECONDS;
  if (!(seconds > 0 && seconds <= MAX_WAIT_SECONDS)) {
    throw new RangeError(
      `Invalid wait_timeout ${seconds}: expected seconds above 0, at most ${MAX_WAIT_SECONDS}`,
    );
  }
  return {
    port,
    log: log === undefined ? undefined : compilePattern("wait_for_log", log),
    url: url === undefined ? undefined : parseUrl(url),
    timeoutMs: Math.round(seconds * 1000),
  };
}

function parseUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch { /* reported below */ }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new RangeError(`Invalid wait_for_url "${text}": expected an http:// or https:// URL`);
  }
  if (mayConnect(url)) return url;
  // A server whose network permission names 127.0.0.1 only (the compiled binary's) still
  // understands the usual http://localhost:PORT.
  const loopback = new URL(url);
  loopback.hostname = "127.0.0.1";
  if (url.hostname === "localhost" && mayConnect(loopback)) return loopback;
  throw new RangeError(
    `Cannot wait for "${text}": this server may not connect to ${url.host}; use a http://127.0.0.1 URL`,
  );
}

function mayConnect(url: URL): boolean {
  return Deno.permissions.querySync({ name: "net", host: url.host }).state === "granted";
}

/** How a start goes when the label runs, and whether it assigns a port. */
export interface StartOptions {
  /** What to do when the label already runs (default "error"). */
  ifRunning?: IfRunning;
  /** The variable in which to pass an assigned port, e.g. "PORT" (see ports/assign.ts). */
  assignPort?: string;
}

/**
 * Starts a command and, when conditions are given, waits until it is ready. A port that
 * another process already holds is refused before spawning (PortConflictError names it).
 * When the label already runs, `ifRunning` decides; the wait then applies to the process kept
 * or restarted.
 */
export async function startWhenReady(
  hub: Hub,
  request: StartRequest,
  raw: ReadyConditions,
  options: WaitOptions = {},
  how: StartOptions = {},
): Promise<ControlOutcome> {
  const ifRunning = how.ifRunning ?? "error";
  // Checked before anything is spawned; `true` stands for a port not yet known.
  parseConditions({ ...raw, wait_for_port: raw.wait_for_port === true ? 1 : raw.wait_for_port });
  const running = async (pid: number): Promise<ControlOutcome> => {
    if (ifRunning === "restart") return await restartWhenReady(hub, { pid }, {}, raw, options);
    const info = hub.get({ pid });
    const kept = await settle(hub, info, parseConditions(withPort(raw, info)), options);
    return { ...kept, already_running: true };
  };
  const place = await hub.placeOf(request);
  // Found before the port check: a process is never its own port conflict.
  const found = hub.list({ command_or_label: place.label })
    .find((p) => p.label === place.label && p.status === "running");
  if (found && ifRunning !== "error") return await running(found.pid);
  if (found) {
    const wanted = typeof raw.wait_for_port === "number" ? raw.wait_for_port : undefined;
    const ports = wanted === undefined
      ? []
      : (await listeningPorts([found.pid])).get(found.pid) ?? [];
    throw new AlreadyRunningError(place.label, found.pid, { ports });
  }
  if (how.assignPort !== undefined) {
    request = await withAssignedPort(request, how.assignPort, place, hub.list());
  }
  const assigned = request.assigned_port?.port;
  if (raw.wait_for_port === true && assigned === undefined) {
    throw new TypeError("wait_for_port: true waits for the assigned port: give assign_port too");
  }
  const conditions = parseConditions({
    ...raw,
    wait_for_port: raw.wait_for_port === true ? assigned : raw.wait_for_port,
  });
  if (conditions?.port !== undefined && conditions.port !== assigned) {
    await assertPortFree(conditions.port, hub.list());
  }
  let started: ProcessInfo;
  try {
    started = await hub.start(request);
  } catch (error) {
    // Another caller started the label in the meantime.
    if (ifRunning !== "error" && error instanceof AlreadyRunningError) {
      return await running(error.pid);
    }
    throw error;
  }
  return await settle(hub, started, conditions, options);
}

/** Restarts a process and, when conditions are given, waits until it is ready again. */
export async function restartWhenReady(
  hub: Hub,
  target: ProcessTarget,
  restart: { force?: boolean },
  raw: ReadyConditions,
  options: WaitOptions = {},
): Promise<ControlOutcome> {
  const conditions = parseConditions(withPort(raw, hub.get(target)));
  if (conditions?.port !== undefined) {
    const current = hub.get(target);
    const ownGroup = current.status === "running" ? current.pid : undefined;
    await assertPortFree(conditions.port, hub.list(), ownGroup);
  }
  return await settle(hub, await hub.restart(target, restart), conditions, options);
}

/** The conditions with `wait_for_port: true` replaced by the process's assigned port. */
function withPort(
  raw: ReadyConditions,
  process: ProcessInfo,
): ReadyConditions & { wait_for_port?: number } {
  if (raw.wait_for_port !== true) return { ...raw, wait_for_port: raw.wait_for_port };
  if (process.assigned_port === null) {
    throw new TypeError(
      `wait_for_port: true waits for the assigned port, and "${process.label}" has none (start it with assign_port)`,
    );
  }
  return { ...raw, wait_for_port: process.assigned_port };
}

async function settle(
  hub: Hub,
  started: ProcessInfo,
  conditions: Conditions | null,
  options: WaitOptions,
): Promise<ControlOutcome> {
  const wait = conditions ? await waitUntilReady(hub, started, conditions, options) : null;
  // By label: another caller may have restarted it meanwhile, giving it another pid.
  const process = hub.get({ command_or_label: started.label });
  const ports = process.status === "running"
    ? (await listeningPorts([process.pid], (pid) => hub.treeMembers(pid))).get(process.pid) ?? []
    : [];
  return { process, ports, wait };
}

/** Waits for the conditions on the run that `started` describes; see the module comment. */
async function waitUntilReady(
  hub: Hub,
  started: ProcessInfo,
  conditions: Conditions,
  options: WaitOptions,
): Promise<ReadyOutcome> {
  const begun = Date.now();
  const { port, log, url, timeoutMs } = conditions;
  let matched: string | null = null;
  let portOk = port === undefined;
  let urlOk = url === undefined;
  let finish!: (result: ReadyOutcome["wait_result"]) => void;
  const finished = new Promise<ReadyOutcome["wait_result"]>((resolve) => finish = resolve);
  let done = false;
  finished.then(() => done = true);
  const pending = () => [
    ...(port !== undefined && !portOk ? [`port ${port}`] : []),
    ...(log && matched === null ? [`log /${log.source}/`] : []),
    ...(url && !urlOk ? [`url ${url}`] : []),
  ];
  const check = () => {
    if (matched !== null || !log) {
      if (portOk && urlOk) finish("ready");
    }
  };
  const onLine = (text: string) => {
    if (matched !== null || !log) return;
    const clean = stripAnsi(text);
    if (log.test(clean)) {
      matched = clean;
      check();
    }
  };
  // The run waited for: another caller may restart the process meanwhile, and the wait then
  // goes on with the new run.
  let current = started.pid;
  const onEvent = (event: ProcessEvent) => {
    if (event.type === "line") onLine(event.text);
    else if (event.type === "start") current = event.process.pid;
    else if (event.type === "exit" && event.process.pid === current && !event.restarting) {
      finish("exited");
    }
  };
  // Subscribing and reading the backlog happen in one step: no line is missed in between.
  const following = hub.follow({ command_or_label: started.label }, log ? 1_000 : 0, onEvent);
  const onAbort = () => finish("timeout");
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    for (const event of following.backlog) {
      if (event.time >= started.start_time) onLine(event.text);
    }
    current = following.process.pid;
    if (following.process.status !== "running") finish("exited");
    timers.push(setTimeout(() => finish("timeout"), timeoutMs));
    const { onProgress } = options;
    if (onProgress) {
      timers.push(setInterval(() => {
        onProgress({ elapsed_ms: Date.now() - begun, timeout_ms: timeoutMs, pending: pending() });
      }, 1_000));
    }
    if (options.signal?.aborted) finish("timeout");
    options.signal?.addEventListener("abort", onAbort);
    check();
    while (!done) {
      if (!portOk) portOk = await portListens(hub.list(), port!, current);
      if (!urlOk && !done) urlOk = await urlAnswers(url!, begun + timeoutMs, options.signal);
      check();
      await pause(POLL_MS, finished);
    }
  } finally {
    following.unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
    for (const timer of timers) clearTimeout(timer);
  }
  const result = await finished;
  const outcome: ReadyOutcome = {
    ready: result === "ready",
    wait_result: result,
    not_met: result === "ready" ? [] : pending(),
    matched_line: matched,
    waited_ms: Date.now() - begun,
    stderr_tail: [],
    stdout_tail: [],
    port_conflict: null,
  };
  if (result !== "ready") await explain(hub, started, port, outcome);
  return outcome;
}

/** Adds the output tails and, if the program could not get its port, who holds it. */
async function explain(
  hub: Hub,
  started: ProcessInfo,
  port: number | undefined,
  outcome: ReadyOutcome,
): Promise<void> {
  const reader = new OutputReader(started.log_dir);
  const since = new Date(started.start_time).getTime();
  // Read further back than the tails show: a report of a port in use comes before the stack
  // trace that follows it, and must be found, and shown, however long that trace is.
  const recent = (stream: "stdout" | "stderr") =>
    reader.newest(stream, SCAN_LINES, { since }).flatMap((entry) =>
      entry.kind === "line" ? [stripAnsi(entry.text).slice(0, TAIL_LINE_CHARS)] : []
    );
  const stderr = recent("stderr");
  const stdout = recent("stdout");
  const processes = hub.list();
  outcome.port_conflict = await conflictFromOutput(
    [...stdout, ...stderr],
    port,
    processes,
    started.pid,
  );
  const report = addressInUse([...stdout, ...stderr])?.line;
  outcome.stderr_tail = tailWith(stderr, report);
  outcome.stdout_tail = tailWith(stdout, report);
  if (!outcome.port_conflict && port !== undefined && outcome.wait_result === "timeout") {
    const holder = await foreignHolder(port, processes, started.pid);
    // A holder outside the tree counts as a conflict only when it is another managed process:
    // an unmanaged one (a container proxy, a daemon the program forked) made the port ready.
    if (holder?.label) outcome.port_conflict = holder;
  }
}

/**
 * Who holds the port a process could not get, when its output since its latest start reports
 * an address in use (it died of it, say); null when it reports nothing of the kind or the port
 * is free again.
 */
export async function portConflictOf(
  hub: Pick<Hub, "get" | "list">,
  target: ProcessTarget,
): Promise<PortHolderInfo | null> {
  const info = hub.get(target);
  const reader = new OutputReader(info.log_dir);
  const since = new Date(info.start_time).getTime();
  const lines = (["stdout", "stderr"] as const).flatMap((stream) =>
    reader.newest(stream, SCAN_LINES, { since }).flatMap((entry) =>
      entry.kind === "line" ? [stripAnsi(entry.text)] : []
    )
  );
  return await conflictFromOutput(lines, undefined, hub.list(), info.pid);
}

/** The last TAIL_LINES lines, beginning with `line` (then `...`) when it is older than those. */
function tailWith(lines: string[], line: string | undefined): string[] {
  const tail = lines.slice(-TAIL_LINES);
  const at = line === undefined ? -1 : lines.lastIndexOf(line);
  if (at === -1 || at >= lines.length - tail.length) return tail;
  return [line!, "...", ...lines.slice(-(TAIL_LINES - 2))];
}

/** Waits `ms`, or less when `until` settles first, leaving no timer behind. */
async function pause(ms: number, until: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([until, new Promise((resolve) => timer = setTimeout(resolve, ms))]);
  clearTimeout(timer);
}
