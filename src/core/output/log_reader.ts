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
