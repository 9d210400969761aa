/**
 * Where a managed process's events come from: its ends (a transition to `idle`), with the last
 * stderr lines of a crash, and the output lines that match the pattern it was started with
 * (`notify_on_log`). Starts, restarts and autorestart's decisions are recorded by the verbs
 * that make them; ports and output-storage problems by ./_port_watch.ts.
 */
import { stripAnsi } from "../output/ansi.ts";
import { compilePattern } from "../output/line_pattern.ts";
import { OutputReader } from "../output/output_reader.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { logger } from "../logger.ts";
import type { EventDetails, EventSubject } from "./event.ts";
import type { EventLog } from "./event_log.ts";
import { crashTail, cutBytes } from "./_crash_tail.ts";

/** How many of a crash's last stderr lines are looked at: a Java stack trace runs long. */
const TAIL_LINES = 60;
/** The most of a matched line a log_match event carries, in bytes. */
const LINE_BYTES = 300;

/** The process an event is about, as it is now. */
export function subjectOf(entry: ManagedProcess): EventSubject {
  return {
    label: entry.spec.label,
    pid: entry.pid,
    working_directory: entry.spec.working_directory,
    started_by: entry.spec.started_by,
  };
}

/**
 * Records each end of the entry's runs as an `exited` event: `stopped` when a stop ended it,
 * else `crashed` when it failed, with its last stderr lines. Registered before anything else
 * listens to the entry, so the end comes before what autorestart decides about it.
 */
export function recordExits(entry: ManagedProcess, log: EventLog): void {
  entry.onTransition(({ from, to }) => {
    if (to !== "idle" || (from !== "running" && from !== "stopping")) return;
    const info = entry.info();
    const stopped = from === "stopping";
    const crashed = !stopped && info.status === "failed";
    const details: EventDetails = {
      exit_code: info.exit_code,
      exit_signal: info.exit_signal,
      crashed,
      stopped,
    };
    if (crashed) {
      const tail = stderrTail(entry.output.dir);
      if (tail !== "") details.stderr_tail = tail;
    }
    log.record(subjectOf(entry), "exited", details);
  });
}

/**
 * What a crash event says of the current run's stderr (see ./_crash_tail.ts): lines joined
 * with newlines; empty when nothing was printed or it cannot be read.
 */
export function stderrTail(dir: string): string {
  try {
    return crashTail(
      new OutputReader(dir).newest("stderr", TAIL_LINES, { currentRun: true })
        .flatMap((entry) => entry.kind === "line" ? [stripAnsi(entry.text)] : []),
    );
  } catch (error) {
    logger.error(`Reading the last stderr lines in ${dir}`, error);
    return "";
  }
}

/**
 * Records `log_match` events for the lines of the entry's output that match its
 * `notify_on_log` pattern, while its spec has one; returns how to stop. Lines are only decoded
 * for an entry that has a pattern.
 */
export function recordMatches(entry: ManagedProcess, log: EventLog): () => void {
  const source = entry.spec.notify_on_log;
  if (!source) return () => {};
  const pattern = compilePattern("notify_on_log", source);
  return entry.subscribe((event) => {
    if (event.type !== "line") return;
    const line = stripAnsi(event.text);
    if (!pattern.test(line)) return;
    log.record(subjectOf(entry), "log_match", { line: cutBytes(line, LINE_BYTES) });
  });
}
