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

/** The most of a crash's last stderr lines an event carries, in bytes. */
const STDERR_TAIL_BYTES = 300;
/** The most of a matched line a log_match event carries, in bytes. */
const LINE_BYTES = 300;
/** A line that says what went wrong: a crash's tail starts at the last such line, if any. */
const ERROR_LINE = /\b(error|exception|fatal|panic|traceback)\b/i;

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
 * The end of the current run's stderr, at most {@link STDERR_TAIL_BYTES}: from the last line
 * that names an error when one is near the end (what an agent needs first), else the last
 * lines. Lines are joined with newlines; empty when nothing was printed or it cannot be read.
 */
export function stderrTail(dir: string): string {
  let lines: string[];
  try {
    lines = new OutputReader(dir).newest("stderr", 20, { currentRun: true })
      .flatMap((entry) => entry.kind === "line" ? [stripAnsi(entry.text).trimEnd()] : [])
      .filter((line) => line.trim() !== "");
  } catch (error) {
    logger.error(`Reading the last stderr lines in ${dir}`, error);
    return "";
  }
  const errorAt = lines.findLastIndex((line) => ERROR_LINE.test(line));
  const from = errorAt !== -1 && bytes(lines.slice(errorAt).join("\n")) <= STDERR_TAIL_BYTES
    ? errorAt
    : -1;
  if (from !== -1) return lines.slice(from).join("\n");
  const kept: string[] = [];
  let size = 0;
  for (const line of lines.toReversed()) {
    size += bytes(line) + 1;
    if (size > STDERR_TAIL_BYTES + 1) {
      if (kept.length === 0) kept.push(`…${cutBytes(line, -STDERR_TAIL_BYTES)}`);
      break;
    }
    kept.unshift(line);
  }
  return kept.join("\n");
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

function bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The first `max` bytes of text (the last, when `max` is negative), on a character boundary. */
function cutBytes(text: string, max: number): string {
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= Math.abs(max)) return text;
  const part = max > 0 ? encoded.subarray(0, max) : encoded.subarray(encoded.length + max);
  return new TextDecoder().decode(part).replace(/^\uFFFD+|\uFFFD+$/g, "");
}
