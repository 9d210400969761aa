/**
 * Puts the lines two streams printed within one read back in the order they were written,
 * from the order of the writes (see system/write_order.ts). Internal to the spool tail.
 *
 * The kernel queues a write's event just after its bytes can be read, so a read can hold the
 * line of a write whose event is not queued yet: then nothing tells whether that line came with
 * its stream's last write seen (a write of several lines, such as a stack trace) or after every
 * write seen. Such a line, and the other stream's lines written after that last write, wait for
 * the next read instead of being guessed at: by then the event is queued (it takes the line),
 * or it never comes and the line goes with that last write. A line is stored only once the
 * write it came with is known, or after waiting one read.
 */
import { concatBytes } from "../bytes.ts";
import type { Batch, Stream } from "./output_store.ts";

/** A batch with its bytes, as the tail makes them. */
export type ReadBatch = Batch & { bytes: Uint8Array };

/** Above this many lines in one read, the streams are not interleaved (a flood: stdout first). */
const MAX_LINES = 20_000;

/** What the previous read of the same tail left waiting (see {@link interleave}). */
export interface Waiting {
  /** Per stream, how many of its first lines now waited one read for an event. */
  lines: Record<Stream, number>;
  /** Per stream, whether a write of it whose line was not read held the other's lines back. */
  blocked: Record<Stream, boolean>;
}

/** Nothing waiting. */
export function nothingWaiting(): Waiting {
  return { lines: { stdout: 0, stderr: 0 }, blocked: { stdout: false, stderr: false } };
}

/** What {@link interleave} decided. */
export interface Interleaved {
  /** The lines to store now, in write order. */
  batches: ReadBatch[];
  /** The writes whose lines are not stored yet, in order: they come first next time. */
  unread: Stream[];
  /** Whether some lines read were not stored: both streams are read again from the store. */
  held: boolean;
  /** What waits for the next read. */
  waiting: Waiting;
}

/**
 * Orders the batches of stdout and stderr read together by `writes`, the streams of the
 * writes in the order they happened: each write takes the next line of its stream (a program
 * that prints line by line writes once per line). Where lines and writes do not match (see the
 * module comment), lines wait for the next read when `wait` is set; otherwise (the last read,
 * a flood) lines beyond a stream's writes follow its last write, and stdout's lines come first
 * where no write says otherwise.
 */
export function interleave(
  stdout: readonly ReadBatch[],
  stderr: readonly ReadBatch[],
  writes: readonly Stream[],
  waited: Waiting = nothingWaiting(),
  wait = false,
): Interleaved {
  const counts = { stdout: lineCount(stdout), stderr: lineCount(stderr) };
  const writesOf = {
    stdout: writes.filter((w) => w === "stdout").length,
    stderr: writes.filter((w) => w === "stderr").length,
  };
  if (counts.stdout + counts.stderr > MAX_LINES) {
    return unordered(stdout, stderr, writes, counts, nothingWaiting());
  }
  if (counts.stdout === 0 || counts.stderr === 0) {
    // One stream only: nothing to order, but lines beyond its writes may wait all the same.
    const s = counts.stdout === 0 ? "stderr" : "stdout";
    const first = writesOf[s] < counts[s] ? Math.min(waited.lines[s], counts[s]) : 0;
    const extra = counts[s] - first - writesOf[s];
    const result = unordered(stdout, stderr, writes, counts, wait ? waited : nothingWaiting());
    if (!wait || extra <= 0) return result;
    result.batches = takeLines(result.batches, counts[s] - extra);
    result.held = true;
    result.waiting.lines[s] = extra;
    return result;
  }
  const units = { stdout: lineUnits(stdout), stderr: lineUnits(stderr) };
  // Lines that waited a read and still have no write of their own: a write of several lines
  // whose first line was stored last time. They come first.
  const first = { stdout: 0, stderr: 0 };
  for (const s of STREAMS) {
    if (writesOf[s] < units[s].length) first[s] = Math.min(waited.lines[s], units[s].length);
  }
  // Where each line goes: the index of its write (-1: first).
  const at: Record<Stream, number[]> = { stdout: [], stderr: [] };
  const next = { ...first };
  for (const s of STREAMS) for (let i = 0; i < first[s]; i++) at[s].push(-1);
  const missing = new Set<number>();
  for (const [i, s] of writes.entries()) {
    if (next[s] < units[s].length) at[s][next[s]++] = i;
    else missing.add(i);
  }
  const last = {
    stdout: next.stdout > first.stdout ? at.stdout[next.stdout - 1] : -1,
    stderr: next.stderr > first.stderr ? at.stderr[next.stderr - 1] : -1,
  };
  const extra = {
    stdout: units.stdout.length - next.stdout,
    stderr: units.stderr.length - next.stderr,
  };
  // The writes from `cut` on, and the lines that go at them, wait for the next read.
  let cut = writes.length;
  const dropped = new Set<number>();
  const blocked = { stdout: false, stderr: false };
  if (wait) {
    for (const i of missing) {
      const s = writes[i];
      // A write whose line did not come in a read's time (an unfinished line, or the server's
      // own fallocate) holds nothing back any more.
      if (waited.blocked[s]) {
        dropped.add(i);
        continue;
      }
      const other = s === "stdout" ? "stderr" : "stdout";
      // Lines of the other stream written after it wait with its line.
      if ((at[other].at(-1) ?? -1) > i) {
        cut = Math.min(cut, i);
        blocked[s] = true;
        break;
      }
    }
    for (const s of STREAMS) if (extra[s] > 0 && last[s] >= 0) cut = Math.min(cut, last[s] + 1);
  }
  const placed: { at: number; unit: ReadBatch }[] = [];
  const waiting = nothingWaiting();
  let held = false;
  for (const s of STREAMS) {
    for (let i = 0; i < next[s]; i++) {
      if (at[s][i] < cut) placed.push({ at: at[s][i], unit: units[s][i] });
      else held = true;
    }
    if (extra[s] === 0) continue;
    if (wait) {
      held = true;
      // Only lines that wait right after their stream's stored lines are known next time.
      if (last[s] < cut) waiting.lines[s] = extra[s];
      continue;
    }
    // After the stream's last write, or after every write when it had none.
    const after = last[s] >= 0 ? last[s] + 0.5 : first[s] > 0 ? -1 : writes.length;
    for (let i = next[s]; i < units[s].length; i++) placed.push({ at: after, unit: units[s][i] });
  }
  waiting.blocked = blocked;
  // Stable: each stream's lines keep their order, and stdout's come first on a tie.
  placed.sort((a, b) => a.at - b.at);
  const batches = joinLines(placed.map(({ unit }) => unit));
  const unread = writes.filter((_, i) => i >= cut || (missing.has(i) && !dropped.has(i)));
  return { batches, unread, held, waiting };
}

const STREAMS = ["stdout", "stderr"] as const;

/**
 * Stdout's lines, then stderr's: one stream only, or a flood. The writes left over are for
 * bytes still unread, except a blocked stream's (see {@link Waiting}), which are dropped.
 */
function unordered(
  stdout: readonly ReadBatch[],
  stderr: readonly ReadBatch[],
  writes: readonly Stream[],
  counts: Record<Stream, number>,
  waited: Waiting,
): Interleaved {
  const unread: Stream[] = [];
  const taken = { stdout: 0, stderr: 0 };
  for (const stream of writes) {
    if (taken[stream] < counts[stream]) taken[stream]++;
    else if (!waited.blocked[stream]) unread.push(stream);
  }
  return { batches: [...stdout, ...stderr], unread, held: false, waiting: nothingWaiting() };
}

/** The first `n` lines of a stream's batches. */
function takeLines(batches: readonly ReadBatch[], n: number): ReadBatch[] {
  const taken: ReadBatch[] = [];
  for (const batch of batches) {
    if (n <= 0) break;
    if (batch.lines <= n) {
      taken.push(batch);
      n -= batch.lines;
      continue;
    }
    let end = 0;
    for (let i = 0; i < n; i++) end = batch.bytes.indexOf(0x0a, end) + 1;
    taken.push({ ...batch, end: batch.start + end, lines: n, bytes: batch.bytes.subarray(0, end) });
    break;
  }
  return taken;
}

function lineCount(batches: readonly ReadBatch[]): number {
  return batches.reduce((sum, batch) => sum + batch.lines, 0);
}

/** Splits batches into one batch per line. */
function lineUnits(batches: readonly ReadBatch[]): ReadBatch[] {
  const units: ReadBatch[] = [];
  for (const batch of batches) {
    if (batch.lines <= 1) {
      units.push(batch);
      continue;
    }
    let at = 0;
    for (let i = 0; i < batch.lines; i++) {
      const nl = batch.bytes.indexOf(0x0a, at);
      const end = nl === -1 || i === batch.lines - 1 ? batch.bytes.length : nl + 1;
      units.push({
        ...batch,
        start: batch.start + at,
        end: batch.start + end,
        lines: 1,
        firstLine: batch.firstLine + i,
        bytes: batch.bytes.subarray(at, end),
      });
      at = end;
    }
  }
  return units;
}

/**
 * Joins lines into batches: a line continues the last batch when it is that stream's next
 * line. Lines that lie side by side in memory are joined as one view; a batch whose lines came
 * from several reads is copied once, at the end (copying the batch so far at each line made a
 * read of 20,000 lines cost hundreds of milliseconds).
 */
function joinLines(units: readonly ReadBatch[]): ReadBatch[] {
  const batches: ReadBatch[] = [];
  const pieces: Uint8Array[][] = [];
  for (const unit of units) {
    const last = batches.at(-1);
    if (!last || last.kind !== unit.kind || last.end !== unit.start) {
      batches.push({ ...unit });
      pieces.push([unit.bytes]);
      continue;
    }
    last.end = unit.end;
    last.lines += unit.lines;
    const own = pieces[pieces.length - 1];
    const prev = own[own.length - 1];
    const bytes = unit.bytes;
    if (prev.buffer === bytes.buffer && prev.byteOffset + prev.length === bytes.byteOffset) {
      own[own.length - 1] = new Uint8Array(
        prev.buffer,
        prev.byteOffset,
        prev.length + bytes.length,
      );
    } else own.push(bytes);
  }
  batches.forEach((batch, i) => batch.bytes = concatBytes(pieces[i]));
  return batches;
}
