/**
 * Reads a log forward from a position, across its rotated and current files: what an output
 * cursor needs. Positions count from the log's beginning (see log_start.ts), so they stay
 * valid when files rotate, and lines rotated away before a reader got to them are counted.
 */
import { countLinesSync, type LogPosition, startOf } from "./log_start.ts";
import { rotatedPath } from "./log_store.ts";

export type { LogPosition };

const CHUNK = 256 * 1024;
const decoder = new TextDecoder();

/** The oldest retained line's position and the log's end. */
export interface LogExtent {
  first: LogPosition;
  end: LogPosition;
}

/**
 * Where the retained log of the current file `path` begins and ends now. Counts the current
 * file's lines, so it is synchronous: called in the same tick as a tail read, the two agree on
 * which lines exist.
 */
export function logExtent(path: string): LogExtent {
  const segments = openSegments(path);
  try {
    const last = segments[segments.length - 1];
    const end = {
      byte: last.start.byte + last.size,
      line: last.start.line + countLinesSync(path, last.size),
    };
    return { first: segments[0].start, end };
  } finally {
    closeAll(segments);
  }
}

/** What a forward read covered. */
export interface ForwardRead {
  /** The position after the last line visited: where the next read starts. */
  end: LogPosition;
  /** The position the read began at: `from`, or the oldest retained line if that is later. */
  begin: LogPosition;
  /** Lines between `from` and the oldest retained line, lost to rotation. */
  skippedLines: number;
  /** Whether the deadline stopped the read before the end of the log. */
  cut: boolean;
}

/**
 * Reads the log forward from `from`, oldest line first, handing `visit` each stored line
 * (without its newline) and the position after it; `visit` returning false stops the read.
 * The files are opened, and their sizes taken, in one synchronous step: a rotation meanwhile
 * does not disturb the read, and lines stored meanwhile are left for the next one. A position
 * older than the retained log starts at its oldest line and counts the lines lost; one past
 * the end is a RangeError. Reading awaits between chunks, so other requests are served, and
 * stops at `deadline` (epoch ms).
 */
export async function readForward(
  path: string,
  from: LogPosition,
  visit: (line: string, after: LogPosition) => boolean,
  deadline = Infinity,
): Promise<ForwardRead> {
  const segments = openSegments(path);
  try {
    const last = segments[segments.length - 1];
    if (from.byte > last.start.byte + last.size) {
      throw new RangeError(
        "The cursor lies past the end of this log (the log was replaced); read again without cursor",
      );
    }
    const first = segments[0].start;
    const lost = from.byte < first.byte;
    const begin = lost ? { ...first } : { ...from };
    const skippedLines = lost ? Math.max(0, first.line - from.line) : 0;
    let position = begin;
    for (const segment of segments) {
      if (position.byte >= segment.start.byte + segment.size) continue;
      if (position.byte < segment.start.byte) position = { ...segment.start };
      const read = await readSegment(segment, position, visit, deadline);
      position = read.position;
      if (read.stopped) return { end: position, begin, skippedLines, cut: read.cut };
    }
    return { end: position, begin, skippedLines, cut: false };
  } finally {
    closeAll(segments);
  }
}

/** One retained file of a log, open, with its size when opened and where it begins. */
interface Segment {
  file: Deno.FsFile | null;
  size: number;
  start: LogPosition;
}

/** Opens the rotated file (if any) and the current one, oldest first. */
function openSegments(path: string): Segment[] {
  const rotated = rotatedPath(path);
  const segments: Segment[] = [];
  const older = open(rotated);
  if (older.file) segments.push({ ...older, start: startOf(rotated) });
  segments.push({ ...open(path), start: startOf(path, rotated) });
  return segments;
}

function open(path: string): { file: Deno.FsFile | null; size: number } {
  try {
    const file = Deno.openSync(path, { read: true });
    return { file, size: file.statSync().size };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { file: null, size: 0 };
    throw error;
  }
}

function closeAll(segments: Segment[]): void {
  for (const segment of segments) segment.file?.close();
}

/** Reads one file's lines from logical position `from` to the end it had when opened. */
async function readSegment(
  segment: Segment,
  from: LogPosition,
  visit: (line: string, after: LogPosition) => boolean,
  deadline: number,
): Promise<{ position: LogPosition; stopped: boolean; cut: boolean }> {
  const position = { ...from };
  const file = segment.file!;
  const endByte = segment.start.byte + segment.size;
  await file.seek(from.byte - segment.start.byte, Deno.SeekMode.Start);
  let carry = new Uint8Array(0);
  let readTo = from.byte; // logical position of the next byte to read
  while (readTo < endByte) {
    if (Date.now() > deadline) return { position, stopped: true, cut: true };
    const buffer = new Uint8Array(Math.min(CHUNK, endByte - readTo));
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
      if (!visit(line, { ...position })) return { position, stopped: true, cut: false };
    }
    carry = chunk.slice(lineStart);
  }
  return { position, stopped: false, cut: false };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
