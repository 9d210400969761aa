/**
 * Reading output the way an agent can afford it: only what is new since its last read (a
 * cursor), only what matters (grep with context, over the whole retained log), without
 * terminal escapes, and within a byte budget that says what it left out. Lines come as the
 * program printed them: in the combined stream a stderr line starts with {@link ERR_MARK},
 * a new run's start shows as one marker line, and times come per line only when asked.
 */
import { InvalidArgumentError } from "../errors.ts";
import { stripAnsi } from "./ansi.ts";
import { compilePattern, type LinePattern } from "./line_pattern.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { GrepSieve } from "./grep_sieve.ts";
import {
  type Entry,
  type LineSieve,
  OutputReader,
  type Position,
  type ReadWindow,
} from "./output_reader.ts";
import { fitBytes, type KeptLine, MatchGroups, NewestLines } from "./window.ts";
import { parseTime } from "./time_filter.ts";
import type { Hub } from "../hub.ts";
import { OUTPUT_RUNS, type ProcessInfo, type StreamName } from "../types.ts";
import type { z } from "zod";
import type { outputRequestSchema } from "../wire/requests.ts";
import type { outputPageSchema } from "../wire/results.ts";
import {
  DEFAULT_LINES,
  DEFAULT_MAX_BYTES,
  MAX_CONTEXT,
  MAX_LINES,
  MAX_MAX_BYTES,
  MIN_MAX_BYTES,
} from "../wire/limits.ts";

/** How long one read may scan before it stops and says where (grep over a huge log). */
export const SCAN_BUDGET_MS = 3_000;

/** What starts a stderr line in the combined stream. */
export const ERR_MARK = "[err] ";

/** What `output` takes: the tail query plus cursor, grep, context, ANSI and byte options. */
export type OutputRequest = z.infer<typeof outputRequestSchema>;

/** What `output` returns (see wire/results.ts). */
export type OutputPage = z.infer<typeof outputPageSchema>;

/** What reading output needs of the hub: the process's record, for where its output is. */
export type OutputHub = Pick<Hub, "get">;

/** What a cursor is tied to: the process's output and the stream read. */
export function cursorLogId(info: ProcessInfo, stream: string): string {
  return `${info.log_dir} ${stream}`;
}

/** The text a stored entry is shown as (before ANSI stripping). */
export function entryText(entry: Entry, combined: boolean): string {
  if (entry.kind === "run") {
    return `--- run ${entry.run} (${entry.reason}) ${new Date(entry.time).toISOString()} ---`;
  }
  return combined && entry.stream === "stderr" ? ERR_MARK + entry.text : entry.text;
}

/**
 * Reads a process's output as `request` asks; see the module comment. A grep decodes and tests
 * only the lines that may match (grep_sieve.ts) unless `sieve` is false, which tests compare
 * with.
 */
export async function readOutput(
  hub: OutputHub,
  request: OutputRequest,
  { sieve = true } = {},
): Promise<OutputPage> {
  const lines = whole("lines", request.lines ?? DEFAULT_LINES, 1, MAX_LINES);
  const maxBytes = whole(
    "max_bytes",
    request.max_bytes ?? DEFAULT_MAX_BYTES,
    MIN_MAX_BYTES,
    MAX_MAX_BYTES,
  );
  const context = whole("context", request.context ?? 0, 0, MAX_CONTEXT);
  if (request.context && request.grep === undefined) {
    throw new InvalidArgumentError("context applies to grep matches: give grep too");
  }
  if (request.run !== undefined && !OUTPUT_RUNS.includes(request.run)) {
    throw new InvalidArgumentError(
      `Invalid run "${request.run}": expected ${OUTPUT_RUNS.join(" or ")}`,
    );
  }
  const pattern = request.grep === undefined ? null : compilePattern("grep", request.grep);
  const since = request.since_time ? parseTime("since_time", request.since_time) : undefined;
  const before = request.before_time ? parseTime("before_time", request.before_time) : undefined;
  const info = await hub.get(request);
  const stream = request.stream ?? "combined";
  const logId = cursorLogId(info, stream);
  const from = request.cursor === undefined ? null : decodeCursor(request.cursor, logId);
  const clean = request.strip_ansi === false ? (text: string) => text : stripAnsi;
  const reader = new OutputReader(info.log_dir);
  const window: ReadWindow = {
    since: since?.getTime(),
    before: before?.getTime(),
    currentRun: request.run === "current",
  };
  const combined = stream === "combined";

  let read: Window;
  if (from === null && !pattern && !since && !before) {
    // The common case, "the last N lines", reads backwards: its cost does not grow with the log.
    const entries = reader.newest(stream, lines, window);
    read = {
      kept: entries.map((entry) => ({
        text: clean(entryText(entry, combined)),
        hit: entry.kind === "line",
        time: entry.time,
      })),
      next: reader.extent().end,
      matched_lines: reader.lineCount(stream, window.currentRun),
      skipped_lines: 0,
      search_cut: false,
    };
  } else {
    const filter = { lines, context, pattern, combined, clean, window, sieve };
    read = await scan(reader, stream, from, filter);
  }
  const fitted = fitBytes(read.kept, maxBytes);
  const shownHits = read.kept.filter((entry) => entry.hit).length - fitted.omittedHits;
  const stamped = fitted.times.filter((time): time is number => time !== null);
  const iso = (time: number | undefined) =>
    time === undefined ? null : new Date(time).toISOString();
  return {
    pid: info.pid,
    label: info.label,
    status: info.status,
    stream,
    output: fitted.lines,
    first_time: iso(stamped[0]),
    last_time: iso(stamped.at(-1)),
    ...(request.timestamps
      ? { times: fitted.times.map((time) => time === null ? "" : iso(time)!) }
      : {}),
    next_cursor: encodeCursor(logId, read.next),
    matched_lines: read.matched_lines,
    omitted_lines: Math.max(0, read.matched_lines - shownHits),
    skipped_lines: read.skipped_lines,
    search_cut: read.search_cut,
  };
}

/** What a read kept, before the byte budget, and where it ended. */
interface Window {
  kept: KeptLine[];
  next: Position;
  matched_lines: number;
  skipped_lines: number;
  search_cut: boolean;
}

interface ScanFilter {
  lines: number;
  context: number;
  pattern: LinePattern | null;
  combined: boolean;
  clean: (text: string) => string;
  window: ReadWindow;
  sieve: boolean;
}

/** Reads forward from a position, keeping the newest lines or matches the filter admits. */
async function scan(
  reader: OutputReader,
  stream: StreamName,
  from: Position | null,
  filter: ScanFilter,
): Promise<Window> {
  const { pattern, combined, clean, window } = filter;
  const newest = new NewestLines(filter.lines);
  const groups = new MatchGroups(filter.lines, filter.context);
  let matched = 0;
  let consumed: Position | null = null; // after the last line before `before`
  let number = 0;
  let stopped = false;
  // Whether lines stored at `time` are read: false stops the read (they are for a later one),
  // null passes over them (they came before `since`).
  const admit = (time: number, after: () => Position): boolean | null => {
    if (window.before !== undefined) {
      if (time >= window.before) {
        stopped = true;
        return false;
      }
      consumed = after();
    }
    return window.since !== undefined && time < window.since ? null : true;
  };
  const visit = (entry: Entry, after: () => Position, maybe: boolean): boolean => {
    const admitted = admit(entry.time, after);
    if (admitted !== true) return admitted !== false;
    if (entry.kind === "run") {
      if (!pattern) newest.push(clean(entryText(entry, combined)), entry.time);
      return true;
    }
    const text = clean(entry.text);
    const shown = combined && entry.stream === "stderr" ? ERR_MARK + text : text;
    if (pattern) groups.push(number++, shown, maybe && pattern.test(text), entry.time);
    else {
      matched++;
      newest.push(shown, entry.time);
    }
    return true;
  };
  const deadline = Date.now() + SCAN_BUDGET_MS;
  const grepSieve = pattern?.required && filter.sieve
    ? new GrepSieve(pattern.required, filter.context)
    : null;
  const sieve: LineSieve | undefined = grepSieve
    ? {
      plan: (bytes, lines, time) => inWindow(time, window) ? grepSieve.plan(bytes, lines) : [],
      pass: (lines, time, after) => {
        const admitted = admit(time, after);
        if (admitted === true) {
          groups.pass(lines);
          number += lines;
        }
        return admitted !== false;
      },
    }
    : undefined;
  const read = await reader.forward(stream, from, visit, deadline, window, sieve);
  return {
    kept: pattern ? groups.lines() : newest.lines(),
    next: stopped ? consumed ?? from ?? reader.extent().first : read.end,
    matched_lines: pattern ? groups.hits : matched,
    skipped_lines: read.skippedLines,
    search_cut: read.cut,
  };
}

function inWindow(time: number, window: ReadWindow): boolean {
  return (window.since === undefined || time >= window.since) &&
    (window.before === undefined || time < window.before);
}

function whole(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `Invalid ${field} ${value}: expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}
