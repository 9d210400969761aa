/**
 * Where each log file begins in its log's whole history, kept beside it (`combined.log.start`).
 * Rotation renames files and drops old ones; with these starts a reader's position stays
 * meaningful across rotations and server restarts, and the lines it missed can be counted.
 */

/**
 * A place in one stream's log: how many bytes and lines had been stored before it since the
 * log began.
 */
export interface LogPosition {
  byte: number;
  line: number;
}

const ORIGIN: LogPosition = { byte: 0, line: 0 };
const COUNT_CHUNK = 1024 * 1024;

/** The file holding where `path` begins. */
export function startPath(path: string): string {
  return `${path}.start`;
}

/**
 * Where the log file at `path` begins. When nothing was recorded (the log never rotated, or
 * rotated before starts were kept), it begins where its rotated predecessor `rotated` ends, or
 * at the log's origin when there is none.
 */
export function startOf(path: string, rotated?: string): LogPosition {
  const recorded = readStart(path);
  if (recorded) return recorded;
  if (rotated === undefined) return { ...ORIGIN };
  let size: number;
  try {
    size = Deno.statSync(rotated).size;
  } catch {
    return { ...ORIGIN };
  }
  const before = readStart(rotated) ?? ORIGIN;
  return { byte: before.byte + size, line: before.line + countLinesSync(rotated, size) };
}

function readStart(path: string): LogPosition | null {
  try {
    const { byte, line } = JSON.parse(Deno.readTextFileSync(startPath(path)));
    if (Number.isSafeInteger(byte) && byte >= 0 && Number.isSafeInteger(line) && line >= 0) {
      return { byte, line };
    }
  } catch { /* missing or unreadable */ }
  return null;
}

/**
 * Records that the file at `path` (`size` bytes and `lines` lines; null when not known, then
 * counted) is about to be renamed to `rotated`, and that a new file at `path` follows it.
 * Call right before the rename.
 */
export function noteRotation(
  path: string,
  rotated: string,
  size: number,
  lines: number | null,
): void {
  const start = startOf(path, rotated);
  const next = {
    byte: start.byte + size,
    line: start.line + (lines ?? countLinesSync(path, size)),
  };
  Deno.writeTextFileSync(startPath(rotated), JSON.stringify(start), { mode: 0o600 });
  Deno.writeTextFileSync(startPath(path), JSON.stringify(next), { mode: 0o600 });
}

/** Line counts of files already counted: an append only needs its new bytes counted. */
const counted = new Map<string, { ino: number | null; size: number; lines: number }>();

/** Counts the newline-terminated lines in the first `size` bytes of a file (missing: 0). */
export function countLinesSync(path: string, size: number): number {
  // A file that only grew since it was last counted (same inode, larger) is counted from where
  // the last count stopped, so reading the tail of a large log does not rescan it every time.
  let ino: number | null = null;
  try {
    ino = Deno.statSync(path).ino;
  } catch { /* counted below, as missing */ }
  const known = counted.get(path);
  const from = known && known.ino === ino && ino !== null && known.size <= size ? known : null;
  const lines = (from?.lines ?? 0) + countRange(path, from?.size ?? 0, size);
  if (counted.size > 1_000) counted.clear();
  counted.set(path, { ino, size, lines });
  return lines;
}

function countRange(path: string, start: number, size: number): number {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  try {
    if (start > 0) file.seekSync(start, Deno.SeekMode.Start);
    const buffer = new Uint8Array(Math.min(COUNT_CHUNK, Math.max(size - start, 1)));
    let lines = 0;
    let left = size - start;
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
