/**
 * Reading output the way an agent can afford it: only what is new since its last read (a
 * cursor), only what matters (grep with context, over the whole retained log), without
 * terminal escapes, and within a byte budget that says what it left out.
 */
import { stripAnsi } from "./ansi.ts";
import { compilePattern, type LinePattern } from "./line_pattern.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { logExtent, type LogPosition, readForward } from "./log_forward.ts";
import { readTail, storedText } from "./log_reader.ts";
import { STAMP_LENGTH } from "./log_store.ts";
import { fitBytes, type KeptLine, MatchGroups, NewestLines } from "./window.ts";
import { parseTime } from "./time_filter.ts";
import type { OutputQuery, OutputResult, ProcessInfo, ProcessTarget } from "../types.ts";

/** Default of `max_bytes`: about 4k tokens, a page an agent reads without noticing the cost. */
export const DEFAULT_MAX_BYTES = 16 * 1024;
/** How long one read may scan before it stops and says where (grep over a huge log). */
export const SCAN_BUDGET_MS = 3_000;

/** What `output` takes: the tail query plus cursor, grep, context, ANSI and byte options. */
export interface OutputRequest extends OutputQuery {
  /** next_cursor of an earlier read: return only lines stored after it. */
  cursor?: string;
  /** Only lines whose text matches this pattern (RE2 syntax). */
  grep?: string;
  /** With grep: lines shown before and after each match. */
  context?: number;
  /** Remove terminal escape sequences (default true). */
  strip_ansi?: boolean;
  /** Most bytes of lines returned; the newest lines are kept. */
  max_bytes?: number;
}

/** What `output` returns. */
export interface OutputPage extends OutputResult {
  /** Pass back as `cursor` to get only lines stored after this read. */
  next_cursor: string;
  /** Lines in the range read that met the request (time window, cursor, grep). */
  matched_lines: number;
  /** Of those, how many are not in `output` (kept out by `lines` or `max_bytes`). */
  omitted_lines: number;
  /** Lines after the cursor that were rotated out of the log before this read. */
  skipped_lines: number;
  /** Whether the scan stopped at its time budget; next_cursor then points where it stopped. */
  search_cut: boolean;
}

/** What reading output needs of the supervisor. */
export interface OutputHub {
  get(target: ProcessTarget): ProcessInfo;
}

/** Reads a process's output as `request` asks; see the module comment. */
export async function readOutput(hub: OutputHub, request: OutputRequest): Promise<OutputPage> {
  const lines = whole("lines", request.lines ?? 100, 1, 10_000);
  const maxBytes = whole("max_bytes", request.max_bytes ?? DEFAULT_MAX_BYTES, 256, 1 << 20);
  const context = whole("context", request.context ?? 0, 0, 20);
  if (request.context && request.grep === undefined) {
    throw new TypeError("context applies to grep matches: give grep too");
  }
  const pattern = request.grep === undefined ? null : compilePattern("grep", request.grep);
  const since = request.since_time ? parseTime("since_time", request.since_time) : undefined;
  const before = request.before_time ? parseTime("before_time", request.before_time) : undefined;
  const info = hub.get(request);
  const stream = request.stream ?? "combined";
  const path = { stdout: info.log_stdout, stderr: info.log_stderr, combined: info.log_combined }[
    stream
  ];
  const from = request.cursor === undefined ? undefined : decodeCursor(request.cursor, path);
  const clean = request.strip_ansi === false ? (text: string) => text : stripAnsi;

  let read: Window;
  if (from === undefined && !pattern && !since && !before) {
    // The common case, "the last N lines", reads backwards: its cost does not grow with the log.
    const tail = readTail(path, { lines });
    const { first, end } = logExtent(path);
    read = {
      kept: tail.map((text) => ({ text: clean(text), hit: true })),
      next_cursor: encodeCursor(path, end),
      matched_lines: end.line - first.line,
      skipped_lines: 0,
      search_cut: false,
    };
  } else {
    const combined = stream === "combined";
    const filter = { lines, context, pattern, since, before, combined, clean };
    read = await scan(path, from ?? { byte: 0, line: 0 }, filter);
  }
  const fitted = fitBytes(read.kept, maxBytes);
  const shownHits = read.kept.filter((entry) => entry.hit).length - fitted.omittedHits;
  return {
    pid: info.pid,
    label: info.label,
    status: info.status,
    stream,
    output: fitted.lines,
    log_file: path,
    next_cursor: read.next_cursor,
    matched_lines: read.matched_lines,
    omitted_lines: read.matched_lines - shownHits,
    skipped_lines: read.skipped_lines,
    search_cut: read.search_cut,
  };
}

/** What a read kept, before the byte budget, and where it ended. */
interface Window {
  kept: KeptLine[];
  next_cursor: string;
  matched_lines: number;
  skipped_lines: number;
  search_cut: boolean;
}

interface ScanFilter {
  lines: number;
  context: number;
  pattern: LinePattern | null;
  since?: Date;
  before?: Date;
  combined: boolean;
  clean: (text: string) => string;
}

/** Reads forward from a position, keeping the newest lines or matches the filter admits. */
async function scan(path: string, from: LogPosition, filter: ScanFilter): Promise<Window> {
  const { pattern, since, before, combined, clean } = filter;
  const newest = new NewestLines(filter.lines);
  const groups = new MatchGroups(filter.lines, filter.context);
  let matched = 0;
  let windowEnded = false; // a line at or after `before` stopped the read
  let consumed: LogPosition | null = null; // after the last line before `before`
  const visit = (line: string, after: LogPosition): boolean => {
    if (since || before) {
      const time = Date.parse(line.slice(0, STAMP_LENGTH));
      if (before && time >= before.getTime()) {
        windowEnded = true; // this line is for a later read
        return false;
      }
      consumed = after;
      if (since && time < since.getTime()) return true;
    }
    const text = clean(line);
    if (pattern) groups.push(after.line, text, pattern.test(storedText(text, combined)));
    else {
      matched++;
      newest.push(text);
    }
    return true;
  };
  const read = await readForward(path, from, visit, Date.now() + SCAN_BUDGET_MS);
  return {
    kept: pattern ? groups.lines() : newest.lines(),
    next_cursor: encodeCursor(path, windowEnded ? consumed ?? read.begin : read.end),
    matched_lines: pattern ? groups.hits : matched,
    skipped_lines: read.skippedLines,
    search_cut: read.cut,
  };
}

function whole(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Invalid ${field} ${value}: expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}
