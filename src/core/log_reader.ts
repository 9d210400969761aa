/**
 * Reads stored log lines from the end of a file, so asking for the last lines costs the same
 * however large the log has grown.
 */
import { rotatedPath, STAMP_LENGTH } from "./log_store.ts";

const CHUNK = 64 * 1024;
const decoder = new TextDecoder();

/** Which lines to read: the newest `lines` of those stamped in `[since, before)`. */
export interface TailQuery {
  lines: number;
  since?: Date;
  before?: Date;
}

/**
 * Returns up to `query.lines` stored lines, oldest first, reading backwards in chunks and
 * stopping once enough lines were found or a line older than `since` was reached. Synchronous
 * on purpose: a follower reads its backlog in the same tick it subscribes, so no line is
 * missed or repeated. A missing file reads as empty.
 */
export function readTail(path: string, query: TailQuery): string[] {
  const newest = readTailOf(path, query);
  if (newest.length >= query.lines) return newest;
  // Not enough in the current file: the rest may be in the rotated one (a read there stops at
  // once when its newest line is older than `since`).
  const older = readTailOf(rotatedPath(path), { ...query, lines: query.lines - newest.length });
  return older.concat(newest);
}

function readTailOf(path: string, query: TailQuery): string[] {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  try {
    return scanBackwards(file, query);
  } finally {
    file.close();
  }
}

function scanBackwards(file: Deno.FsFile, query: TailQuery): string[] {
  const since = query.since?.getTime();
  const before = query.before?.getTime();
  const found: string[] = [];
  let position = file.statSync().size;
  let carry = new Uint8Array(0); // bytes of a line whose start lies in an earlier chunk
  while (position > 0 && found.length < query.lines) {
    const size = Math.min(CHUNK, position);
    position -= size;
    const chunk = new Uint8Array(size + carry.length);
    file.seekSync(position, Deno.SeekMode.Start);
    let read = 0;
    while (read < size) read += file.readSync(chunk.subarray(read, size)) ?? size;
    chunk.set(carry, size);
    let end = chunk.length;
    for (let i = chunk.length - 1; i >= -1; i--) {
      if (i >= 0 && chunk[i] !== 0x0a) continue;
      if (i === -1 && position > 0) break; // the line goes on in the previous chunk
      const line = decoder.decode(chunk.subarray(i + 1, end));
      end = i;
      if (line === "") continue;
      const time = Date.parse(line.slice(0, STAMP_LENGTH));
      if (since !== undefined && time < since) return found.reverse();
      if (before === undefined || time < before) {
        found.push(line);
        if (found.length >= query.lines) return found.reverse();
      }
    }
    carry = chunk.slice(0, Math.max(end, 0));
  }
  return found.reverse();
}

/**
 * The program's text of a stored line: without its time stamp and, in the combined log, the
 * `[stdout]`/`[stderr]` tag.
 */
export function storedText(stored: string, combined = true): string {
  const text = stored.slice(STAMP_LENGTH + 1);
  return combined && /^\[std(?:out|err)\] /.test(text) ? text.slice(9) : text;
}

/**
 * A place in one stream's log: how many bytes and lines had been stored before it since the
 * log began. Counting from the log's beginning, not from a file's, keeps a position meaningful
 * after older files are rotated away.
 */
export interface LogPosition {
  byte: number;
  line: number;
}

/** One retained file of a log and where in the log's history it begins. */
export interface LogSegment {
  path: string;
  start: LogPosition;
}

/**
 * The retained files of the log whose current file is `path`, oldest first. A log is one
 * growing file today; when logs rotate, this is the function that lists the older files with
 * their starts, and every forward reader and cursor keeps working.
 */
export function logSegments(path: string): LogSegment[] {
  return [{ path, start: { byte: 0, line: 0 } }];
}

/**
 * Where the log ends now. Counts the newest file's lines, so it is synchronous: called in the
 * same tick as a tail read, the two agree on which lines exist.
 */
export function logEnd(segments: readonly LogSegment[]): LogPosition {
  const last = segments[segments.length - 1];
  const size = fileSize(last.path);
  return { byte: last.start.byte + size, line: last.start.line + countLinesSync(last.path, size) };
}

/** What a forward read covered. */
export interface ForwardRead {
  /** The position after the last line visited: where the next read starts. */
  end: LogPosition;
  /** Lines between `from` and the oldest retained line, lost to rotation. */
  skippedLines: number;
  /** Whether the deadline stopped the read before the end of the log. */
  cut: boolean;
}

/**
 * Reads the log forward from `from`, oldest line first, handing `visit` each stored line
 * (without its newline) and the position after it; `visit` returning false stops the read.
 * The log is read as it was when the call began; lines stored meanwhile are left for the next
 * read. A position older than the retained log starts at its oldest line and counts the lines
 * lost; one past the end is a RangeError. Reading awaits between chunks, so other requests are
 * served meanwhile, and stops at `deadline` (epoch ms).
 */
export async function readForward(
  segments: readonly LogSegment[],
  from: LogPosition,
  visit: (line: string, after: LogPosition) => boolean | void,
  deadline = Infinity,
): Promise<ForwardRead> {
  const sizes = segments.map((segment) => fileSize(segment.path));
  const last = segments.length - 1;
  const logEndByte = segments[last].start.byte + sizes[last];
  if (from.byte > logEndByte) {
    throw new RangeError(
      "The cursor lies past the end of this log (the log was replaced); read again without cursor",
    );
  }
  const first = segments[0].start;
  const skippedLines = from.byte < first.byte ? Math.max(0, first.line - from.line) : 0;
  let position = from.byte < first.byte ? { ...first } : { ...from };
  for (let i = 0; i < segments.length; i++) {
    const { path, start } = segments[i];
    const end = start.byte + sizes[i];
    if (position.byte >= end) continue;
    if (position.byte < start.byte) position = { ...start };
    const result = await readFile(path, start.byte, position, end, visit, deadline);
    position = result.position;
    if (result.stopped) return { end: position, skippedLines, cut: result.cut };
  }
  return { end: position, skippedLines, cut: false };
}

/** Reads one file's lines from logical `from` up to logical `endByte` (file starts at `base`). */
async function readFile(
  path: string,
  base: number,
  from: LogPosition,
  endByte: number,
  visit: (line: string, after: LogPosition) => boolean | void,
  deadline: number,
): Promise<{ position: LogPosition; stopped: boolean; cut: boolean }> {
  const position = { ...from };
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { position, stopped: false, cut: false };
    throw error;
  }
  try {
    await file.seek(from.byte - base, Deno.SeekMode.Start);
    let carry = new Uint8Array(0);
    let readTo = from.byte; // logical position of the next byte to read
    while (readTo < endByte) {
      if (Date.now() > deadline) return { position, stopped: true, cut: true };
      const buffer = new Uint8Array(Math.min(FORWARD_CHUNK, endByte - readTo));
      const count = await file.read(buffer);
      if (count === null) break; // the file shrank: end where it ends
      readTo += count;
      const chunk = concat(carry, buffer.subarray(0, count));
      let lineStart = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, lineStart)) {
        const line = decoder.decode(chunk.subarray(lineStart, nl));
        position.byte += nl + 1 - lineStart;
        position.line++;
        lineStart = nl + 1;
        if (visit(line, { ...position }) === false) {
          return { position, stopped: true, cut: false };
        }
      }
      carry = chunk.slice(lineStart);
    }
    return { position, stopped: false, cut: false };
  } finally {
    file.close();
  }
}

const FORWARD_CHUNK = 256 * 1024;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** Counts the newline-terminated lines in the first `size` bytes of a file. */
function countLinesSync(path: string, size: number): number {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  try {
    const buffer = new Uint8Array(Math.min(FORWARD_CHUNK * 4, Math.max(size, 1)));
    let lines = 0;
    let left = size;
    while (left > 0) {
      const count = file.readSync(buffer.subarray(0, Math.min(buffer.length, left)));
      if (count === null) break;
      left -= count;
      for (let i = buffer.indexOf(0x0a); i !== -1 && i < count; i = buffer.indexOf(0x0a, i + 1)) {
        lines++;
      }
    }
    return lines;
  } finally {
    file.close();
  }
}
