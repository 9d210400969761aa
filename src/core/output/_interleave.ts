/**
 * Puts the lines two streams printed within one read back in the order they were written,
 * from the order of the writes (see system/write_order.ts). Internal to the spool tail.
 */
import type { Batch, Stream } from "./output_store.ts";

/** A batch with its bytes, as the tail makes them. */
export type ReadBatch = Batch & { bytes: Uint8Array };

/** Above this many lines in one read, the streams are not interleaved (a flood: stdout first). */
const MAX_LINES = 20_000;

/**
 * Orders the batches of stdout and stderr read together by `writes`, the streams of the
 * writes in the order they happened: each write takes the next line of its stream (a program
 * that prints line by line writes once per line). Lines beyond a stream's writes (a write of
 * several lines, such as a stack trace) follow its last write; consecutive lines of one
 * stream are joined into one batch again.
 */
export function interleave(
  stdout: readonly ReadBatch[],
  stderr: readonly ReadBatch[],
  writes: readonly Stream[],
  lag: WriteLag = { stdout: 0, stderr: 0 },
): { batches: ReadBatch[]; unread: Stream[]; held: Stream | null } {
  // The kernel queues a write's event just after its bytes can be read: a line stored before
  // its event was seen makes the stream's next event stale. That event comes with the next
  // drain or not at all, so the lag is forgotten after one use.
  const fresh: Stream[] = [];
  for (const stream of writes) {
    if (lag[stream] > 0) lag[stream]--;
    else fresh.push(stream);
  }
  lag.stdout = lag.stderr = 0;
  const counts = { stdout: lineCount(stdout), stderr: lineCount(stderr) };
  if (stdout.length === 0 || stderr.length === 0 || counts.stdout + counts.stderr > MAX_LINES) {
    // Nothing to order. Each read line takes its stream's next write; the writes left over are
    // for bytes still unread.
    const unread: Stream[] = [];
    const taken = { stdout: 0, stderr: 0 };
    for (const stream of fresh) {
      if (taken[stream] < counts[stream]) taken[stream]++;
      else unread.push(stream);
    }
    for (const s of STREAMS) setLag(lag, s, counts[s] - taken[s]);
    return { batches: [...stdout, ...stderr], unread, held: null };
  }
  const units = { stdout: lineUnits(stdout), stderr: lineUnits(stderr) };
  const next = { stdout: 0, stderr: 0 };
  const last = { stdout: fresh.lastIndexOf("stdout"), stderr: fresh.lastIndexOf("stderr") };
  const out: ReadBatch[] = [];
  const unread: Stream[] = [];
  const take = (stream: Stream) => join(out, units[stream][next[stream]++]);
  for (const [i, stream] of fresh.entries()) {
    if (next[stream] < units[stream].length) {
      take(stream);
      if (i !== last[stream]) continue;
      // Its stream's last write: the lines after it were written by it, or by writes whose
      // events are not queued yet (then those events are stale when they come).
      setLag(lag, stream, units[stream].length - next[stream]);
      while (next[stream] < units[stream].length) take(stream);
      continue;
    }
    // Written after that stream was read: its line comes with the next read. The other
    // stream's lines after it were written later still, so they wait too (some lines were
    // stored: the next read makes progress).
    const other = stream === "stdout" ? "stderr" : "stdout";
    if (next[other] < units[other].length && next[other] > 0) {
      unread.push(...fresh.slice(i));
      return { batches: out, unread, held: other };
    }
    unread.push(stream);
  }
  // Lines of a stream with no write seen at all follow, stdout first; their events, if late,
  // are stale when they come.
  for (const s of STREAMS) {
    if (last[s] === -1) setLag(lag, s, units[s].length - next[s]);
    while (next[s] < units[s].length) take(s);
  }
  return { batches: out, unread, held: null };
}

/** Per stream, how many of its next write events are for lines already stored. */
export type WriteLag = Record<Stream, number>;

const STREAMS = ["stdout", "stderr"] as const;
/**
 * A stream has at most this many writes in flight (one per thread writing it, usually one):
 * lines beyond it were written by a write of several lines, not seen early.
 */
const MAX_LAG = 1;

function setLag(lag: WriteLag, stream: Stream, lines: number): void {
  lag[stream] = Math.min(MAX_LAG, Math.max(0, lines));
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

/** Appends a line, joining it to the last batch when that is the same stream's previous line. */
function join(out: ReadBatch[], unit: ReadBatch): void {
  const last = out.at(-1);
  if (!last || last.kind !== unit.kind || last.end !== unit.start) {
    out.push({ ...unit });
    return;
  }
  const adjacent = last.bytes.buffer === unit.bytes.buffer &&
    last.bytes.byteOffset + last.bytes.length === unit.bytes.byteOffset;
  let bytes: Uint8Array;
  if (adjacent) {
    bytes = new Uint8Array(
      last.bytes.buffer,
      last.bytes.byteOffset,
      last.bytes.length + unit.bytes.length,
    );
  } else {
    bytes = new Uint8Array(last.bytes.length + unit.bytes.length);
    bytes.set(last.bytes);
    bytes.set(unit.bytes, last.bytes.length);
  }
  last.bytes = bytes;
  last.end = unit.end;
  last.lines += unit.lines;
}
