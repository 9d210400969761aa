/**
 * The wait itself: follows the run a start or restart began until every condition holds
 * (ready), the program exits first (exited), or the time is up (timeout). A program that
 * daemonizes (`pg_ctl start`, `redis-server --daemonize yes`) exits with 0 and leaves its
 * server running: a wait for a port or URL then goes on while what it left runs.
 */
import { backlogEvents } from "../supervisor/backlog.ts";
import { stripAnsi } from "../output/ansi.ts";
import { type Conditions, describeConditions } from "./conditions.ts";
import { explainNotReady } from "./not_ready_report.ts";
import { portListens, urlAnswers } from "./probes.ts";
import type { WaitOptions } from "../hub.ts";
import { runWait } from "../wait_engine.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import type { ProcessEvent, ProcessInfo } from "../types.ts";
import type { z } from "zod";
import type { readyOutcomeSchema } from "../wire/results.ts";

/**
 * Whether an ended program left processes running that a wait should go on for: it exited
 * with 0 (a daemonizing launcher, not a failure), the wait is for a port or URL (which they
 * may open), and its tree still has members.
 */
function leftBehind(entry: ManagedProcess, process: ProcessInfo, forPortOrUrl: boolean) {
  return forPortOrUrl && process.exit_code === 0 && process.exit_signal === null &&
    entry.tree.pids.length > 0;
}

/** How often the port and URL are tried. */
const POLL_MS = 200;

/** How a wait ended, with what explains it (see wire/results.ts). */
export type ReadyOutcome = z.infer<typeof readyOutcomeSchema>;

/** Waits for the conditions on the run that `started` describes; see the module comment. */
export async function waitUntilReady(
  core: Supervision,
  entry: ManagedProcess,
  started: ProcessInfo,
  conditions: Conditions,
  options: WaitOptions,
): Promise<ReadyOutcome> {
  const { port, log, url, timeoutMs } = conditions;
  let matched: string | null = null;
  let portOk = port === undefined;
  let urlOk = url === undefined;
  const pending = () =>
    describeConditions({
      ...conditions,
      port: portOk ? undefined : port,
      log: matched === null ? log : undefined,
      url: urlOk ? undefined : url,
    });
  const deadline = Date.now() + timeoutMs;
  const { result, waited_ms } = await runWait({ ...options, timeoutMs, pending }, (run) => {
    const check = () => {
      if ((matched !== null || !log) && portOk && urlOk) run.finish("ready");
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
    /** Set when the program exited with 0 leaving processes that may yet get ready. */
    let leftRunning = false;
    const ended = (process: ProcessInfo) => {
      if (leftBehind(entry, process, port !== undefined || url !== undefined)) leftRunning = true;
      else run.finish("exited");
    };
    // Subscribing and reading the backlog happen in one step: no line is missed in between.
    run.defer(entry.subscribe((event: ProcessEvent) => {
      if (event.type === "line") onLine(event.text);
      else if (event.type === "start") current = event.process.pid;
      else if (event.type === "exit" && event.process.pid === current && !event.restarting) {
        ended(event.process);
      }
    }));
    for (const event of log ? backlogEvents(entry.output.dir, 1_000) : []) {
      if (event.time >= started.start_time) onLine(event.text);
    }
    const now = entry.info();
    current = now.pid;
    if (now.status !== "running") ended(now);
    check();
    run.poll(POLL_MS, async () => {
      if (leftRunning && entry.tree.pids.length === 0) run.finish("exited");
      if (!portOk && !run.done) portOk = await portListens(core.records(), port!, current);
      if (!urlOk && !run.done) urlOk = await urlAnswers(url!, deadline, run.signal);
      check();
    });
  });
  const outcome: ReadyOutcome = {
    ready: result === "ready",
    wait_result: result,
    not_met: result === "ready" ? [] : pending(),
    matched_line: matched,
    waited_ms,
    stderr_tail: [],
    stdout_tail: [],
    port_conflict: null,
  };
  if (result !== "ready") {
    Object.assign(outcome, await explainNotReady(core.records(), started, port, result));
  }
  return outcome;
}
