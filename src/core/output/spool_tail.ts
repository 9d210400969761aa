/**
 * Follows processes' spool files (see spool.ts) into their output stores: reads what was
 * appended, finds the line boundaries, and stores complete lines as batches. One shared
 * poller serves every tail, with synchronous reads: no file watcher per process. A tail polls
 * every 10 ms while output flows, every 50 ms for two seconds after, then every 200 ms; where
 * the write order is known (Linux, below), a write wakes its tail within 50 ms, and a quiet
 * tail is polled every five seconds only, in case a wake-up was missed.
 *
 * Where the kernel can say in which order the two spool files were written (Linux: one shared
 * inotify instance, system/write_order.ts), lines both streams printed within one poll are
 * stored in that order; elsewhere stdout's come first.
 *
 * Nothing here rejects: a failing read or store is reported through `onError`, retried after
 * a second, and cleared once a store succeeds again; the position only advances past batches
 * that were stored.
 */
import { batchLines } from "./output_reader.ts";
import type { Batch, OutputStore, Stream } from "./output_store.ts";
import { MAX_LINE_BYTES } from "./line_splitter.ts";
import { interleave, type ReadBatch, type WriteLag } from "./_interleave.ts";
import { openWriteOrder } from "../system/write_order.ts";

const BUSY_POLL_MS = 10;
const IDLE_POLL_MS = 50;
const QUIET_POLL_MS = 200;
/** Where writes wake the tail (see the poller), a quiet tail is polled every 5 s only. */
const SLEEP_POLL_MS = 5_000;
/** How often the poller looks for writes, where it can. */
const WRITE_CHECK_MS = 50;
const RETRY_MS = 1_000;
/** After the program ends, how long its spool must stay quiet before its end is told. */
const DRAIN_QUIET_MS = 100;
/** How often, once the program has ended, whether its group is gone is checked. */
const GROUP_CHECK_MS = 250;
const STREAMS: readonly Stream[] = ["stdout", "stderr"];

/** What {@link tailSpool} needs. */
export interface TailOptions {
  store: OutputStore;
  /** Resolves when the program has ended. */
  ended: Promise<unknown>;
  /** Whether nothing can write the spool any more (the whole process group is gone). */
  writersGone: () => boolean;
  /** Told of each stored batch; `lines()` decodes it. */
  stored(stream: Stream, lines: () => string[], time: Date): void;
  /**
   * Told of the newest frame of an unfinished line that redraws itself with `\r` (a progress
   * bar), each time more of it arrives. Frames are not stored: the line is, once it ends.
   */
  partial?(stream: Stream, frame: string): void;
  /** Told when storing fails (with the error) and when it works again (null). */
  onError(error: Error | null): void;
}

/** A running tail. */
export interface Tail {
  /** Resolves once the program has ended and its spool has been quiet for a moment. */
  drained: Promise<void>;
  /** Resolves once nothing can write the spool any more and all of it is stored. */
  finished: Promise<void>;
  /** Stores what is there now and stops (a new run's tail takes over the spool). */
  stop(): void;
}

/** Starts following a store's spool from what it has stored. */
export function tailSpool(options: TailOptions): Tail {
  const tail = new SpoolTail(options);
  poller.add(tail);
  return tail;
}

class SpoolTail implements Tail {
  readonly drained: Promise<void>;
  readonly finished: Promise<void>;
  nextPoll = 0;
  /** The streams of the writes seen since the last read (see the poller). */
  writes: Stream[] = [];
  /** The write-order watches of the two spool files. */
  readonly watchIds: number[] = [];
  readonly #options: TailOptions;
  get store(): OutputStore {
    return this.#options.store;
  }
  /** Open files by path, from the store generation they were opened in. */
  readonly #files = new Map<string, Deno.FsFile>();
  #generation = 0;
  readonly #readTo: Record<Stream, number>;
  readonly #pending: Record<Stream, Uint8Array> = {
    stdout: new Uint8Array(0),
    stderr: new Uint8Array(0),
  };
  #ended = false;
  readonly #lag: WriteLag = { stdout: 0, stderr: 0 };
  #drained = false;
  #endedAt = 0;
  #lastDataAt = Date.now();
  #lastGroupCheck = 0;
  #failing = false;
  #resolveDrained!: () => void;
  #resolveFinished!: () => void;
  #done = false;

  constructor(options: TailOptions) {
    this.#options = options;
    this.#readTo = { stdout: options.store.end.stdout.byte, stderr: options.store.end.stderr.byte };
    this.drained = new Promise((resolve) => this.#resolveDrained = resolve);
    this.finished = new Promise((resolve) => this.#resolveFinished = resolve);
    const onEnd = () => {
      this.#ended = true;
      this.#endedAt = Date.now();
      this.nextPoll = 0;
      poller.wake();
    };
    options.ended.then(onEnd, onEnd);
  }

  /** Reads and stores what is new; returns whether the tail goes on. */
  poll(now: number): boolean {
    let read = 0;
    try {
      read = this.#readAll(now);
      if (this.#failing) {
        this.#failing = false;
        this.#options.onError(null);
      }
    } catch (error) {
      if (!this.#failing) {
        this.#failing = true;
        this.#options.onError(error as Error);
      }
      this.#rewind();
      this.nextPoll = now + RETRY_MS;
      return true;
    }
    if (read > 0) this.#lastDataAt = now;
    // A flood that filled every round of the read is read on at once, after other work.
    if (read >= ROUNDS * BUFFER.length) {
      this.nextPoll = now;
      return true;
    }
    if (this.#ended) {
      const quiet = now - Math.max(this.#lastDataAt, this.#endedAt) >= DRAIN_QUIET_MS;
      let gone = false;
      // Until the end is told, the group is checked at every poll: a stop waits for it.
      if (read === 0 && (!this.#drained || now - this.#lastGroupCheck >= GROUP_CHECK_MS)) {
        this.#lastGroupCheck = now;
        gone = this.#options.writersGone();
      }
      if (gone || quiet) {
        this.#drained = true;
        this.#resolveDrained();
      }
      if (gone) {
        this.#finish(now);
        return false;
      }
      if (!this.#drained) {
        this.nextPoll = now + BUSY_POLL_MS;
        return true;
      }
    }
    const quietMs = now - this.#lastDataAt;
    this.nextPoll = now +
      (read > 0 || quietMs < 100
        ? BUSY_POLL_MS
        : quietMs < 2_000
        ? IDLE_POLL_MS
        : this.watchIds.length === 2
        ? SLEEP_POLL_MS
        : QUIET_POLL_MS);
    return true;
  }

  stop(): void {
    if (this.#done) return;
    try {
      this.#readAll(Date.now());
    } catch { /* the next tail reads it again */ }
    this.#close();
  }

  /** The program and its group are gone: a last line without a newline is complete now. */
  #finish(now: number): void {
    try {
      this.#readAll(now);
      const batches: Batch[] = [];
      for (const stream of STREAMS) {
        const pending = this.#pending[stream];
        if (pending.length > 0) batches.push(this.#batch(stream, pending, 1, now));
      }
      this.#store(batches, now);
    } catch (error) {
      this.#options.onError(error as Error);
    }
    this.#close();
  }

  #close(): void {
    this.#done = true;
    poller.remove(this);
    for (const file of this.#files.values()) file.close();
    this.#files.clear();
    this.#resolveDrained();
    this.#resolveFinished();
  }

  /** Reads both spools to their end (a flood: in rounds of 64 KiB each) and stores batches. */
  #readAll(now: number): number {
    let total = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const got: Record<Stream, ReadBatch[]> = { stdout: [], stderr: [] };
      let read = 0;
      read += this.#readStream("stdout", got.stdout, now);
      const stderr = this.#readStream("stderr", got.stderr, now);
      read += stderr;
      // stdout again after stderr: what it wrote meanwhile is ordered too (see interleave).
      if (stderr > 0) read += this.#readStream("stdout", got.stdout, now);
      if (read > 0) {
        const writes = poller.takeWrites(this);
        // A read that holds lines back has stored some (see interleave): no livelock.
        const ordered = interleave(got.stdout, got.stderr, writes, this.#lag);
        this.writes = ordered.unread.length > 4_096 ? [] : ordered.unread;
        this.#store(ordered.batches, now);
        if (ordered.held) {
          // Read again next time, after the other stream's line written before them.
          this.#readTo[ordered.held] = this.#options.store.end[ordered.held].byte;
          this.#pending[ordered.held] = new Uint8Array(0);
          total += read;
          continue;
        }
      }
      total += read;
      if (read < BUFFER.length) break;
    }
    return total;
  }

  #readStream(stream: Stream, batches: ReadBatch[], now: number): number {
    const store = this.#options.store;
    if (store.generation !== this.#generation) {
      // A rotation replaced the older generation's file: open files afresh.
      for (const file of this.#files.values()) file.close();
      this.#files.clear();
      this.#generation = store.generation;
    }
    const { path, at, length } = store.locateRead(stream, this.#readTo[stream]);
    let file = this.#files.get(path);
    if (!file) {
      file = Deno.openSync(path, { read: true });
      this.#files.set(path, file);
    }
    file.seekSync(at, Deno.SeekMode.Start);
    const n = file.readSync(BUFFER.subarray(0, Math.min(BUFFER.length, length))) ?? 0;
    if (n === 0) return 0;
    this.#readTo[stream] += n;
    const pending = this.#pending[stream];
    const chunk = new Uint8Array(pending.length + n);
    chunk.set(pending);
    chunk.set(BUFFER.subarray(0, n), pending.length);
    this.#pending[stream] = this.#split(stream, chunk, batches, now);
    const frame = newestFrame(this.#pending[stream]);
    if (frame !== null) this.#options.partial?.(stream, frame);
    return n;
  }

  /** Turns a chunk into batches of whole lines; returns the unfinished rest. */
  #split(stream: Stream, chunk: Uint8Array, batches: ReadBatch[], now: number): Uint8Array {
    // The common case, short lines, in one pass that only counts newlines.
    let count = 0;
    let previous = -1;
    let long = false;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue;
      if (i - previous - 1 > MAX_LINE_BYTES) {
        long = true;
        break;
      }
      count++;
      previous = i;
    }
    if (!long && chunk.length - previous - 1 <= MAX_LINE_BYTES) {
      if (count > 0) batches.push(this.#batch(stream, chunk.subarray(0, previous + 1), count, now));
      return chunk.slice(previous + 1);
    }
    let batchStart = 0;
    let lines = 0;
    let lineStart = 0;
    const close = (end: number, count: number) => {
      if (end > batchStart) {
        batches.push(this.#batch(stream, chunk.subarray(batchStart, end), count, now));
      }
      batchStart = end;
    };
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, lineStart)) {
      if (nl - lineStart > MAX_LINE_BYTES) {
        close(lineStart, lines);
        lines = 0;
        lineStart = this.#cutLong(stream, chunk, lineStart, nl, batches, now);
        batchStart = lineStart;
      }
      lines++;
      lineStart = nl + 1;
    }
    close(lineStart, lines);
    const rest = this.#cutLong(stream, chunk, lineStart, chunk.length, batches, now);
    return chunk.slice(rest);
  }

  /** Stores the part of a line over the cap as pieces cut at character boundaries. */
  #cutLong(
    stream: Stream,
    chunk: Uint8Array,
    from: number,
    to: number,
    batches: Batch[],
    now: number,
  ): number {
    while (to - from > MAX_LINE_BYTES) {
      let cut = from + MAX_LINE_BYTES;
      // Never inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
      for (let back = 0; back < 3 && (chunk[cut] & 0xc0) === 0x80; back++) cut--;
      batches.push(this.#batch(stream, chunk.subarray(from, cut), 1, now));
      from = cut;
    }
    return from;
  }

  #batch(
    stream: Stream,
    bytes: Uint8Array,
    lines: number,
    now: number,
  ): Batch & { bytes: Uint8Array } {
    const previous = this.#queued.get(stream) ?? this.#options.store.end[stream];
    const batch = {
      kind: stream,
      time: now,
      start: previous.byte,
      end: previous.byte + bytes.length,
      lines,
      firstLine: previous.line,
      bytes,
    };
    this.#queued.set(stream, { byte: batch.end, line: batch.firstLine + lines });
    return batch;
  }

  readonly #queued = new Map<Stream, { byte: number; line: number }>();

  #store(batches: (Batch & { bytes?: Uint8Array })[], now: number): void {
    this.#queued.clear();
    if (batches.length === 0) return;
    const store = this.#options.store;
    store.store(batches.map(({ bytes: _bytes, ...batch }) => batch));
    const time = new Date(now);
    for (const batch of batches) {
      const bytes = batch.bytes!;
      this.#options.stored(batch.kind, () => batchLines(bytes), time);
    }
    for (const stream of STREAMS) store.retain(stream, this.#readTo[stream]);
  }

  /** After a failure: forget what was read past the stored end; it is read again. */
  #rewind(): void {
    this.#queued.clear();
    for (const stream of STREAMS) {
      this.#readTo[stream] = this.#options.store.end[stream].byte;
      this.#pending[stream] = new Uint8Array(0);
    }
  }
}

const BUFFER = new Uint8Array(64 * 1024);
/** Reads of a buffer's worth per stream in one poll, before other work gets its turn. */
const ROUNDS = 64;
const CARRIAGE_RETURN = 0x0d;
const frameDecoder = new TextDecoder();

/**
 * The newest complete frame of an unfinished line that holds a `\r`: the text after the last
 * `\r`, or before it when nothing follows it yet. Null for a line without `\r`.
 */
function newestFrame(pending: Uint8Array): string | null {
  const last = pending.lastIndexOf(CARRIAGE_RETURN);
  if (last === -1) return null;
  if (last < pending.length - 1) return frameDecoder.decode(pending.subarray(last + 1));
  const before = pending.subarray(0, last).lastIndexOf(CARRIAGE_RETURN);
  return frameDecoder.decode(pending.subarray(before + 1, last));
}

/** The one timer that polls every tail when it is due, and the one write-order watch. */
const poller = new (class {
  readonly #tails = new Set<SpoolTail>();
  readonly #order = openWriteOrder();
  readonly #watched = new Map<number, { tail: SpoolTail; stream: Stream }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = Infinity;

  add(tail: SpoolTail): void {
    this.#tails.add(tail);
    for (const stream of STREAMS) {
      try {
        const id = this.#order?.watch(tail.store.spoolPath(stream));
        if (id === undefined) break;
        this.#watched.set(id, { tail, stream });
        tail.watchIds.push(id);
      } catch { /* no order for this spool: its streams are stored stdout first */ }
    }
    this.wake();
  }

  remove(tail: SpoolTail): void {
    this.#tails.delete(tail);
    for (const id of tail.watchIds) {
      if (this.#watched.get(id)?.tail !== tail) continue;
      this.#watched.delete(id);
      this.#order?.unwatch(id);
    }
  }

  /** The writes a tail's spool saw since its last read, in order; forgets them. */
  takeWrites(tail: SpoolTail): Stream[] {
    this.#drain();
    return tail.writes;
  }

  #drain(): void {
    if (!this.#order) return;
    const ids = this.#order.drain();
    if (ids === null) {
      // Some writes were not seen: every tail may have output waiting, so each reads now.
      const now = Date.now();
      for (const tail of this.#tails) {
        tail.writes = [];
        tail.nextPoll = Math.min(tail.nextPoll, now);
      }
      return;
    }
    for (const id of ids) {
      const watched = this.#watched.get(id);
      if (!watched) continue;
      const writes = watched.tail.writes;
      writes.push(watched.stream);
      watched.tail.nextPoll = Math.min(watched.tail.nextPoll, Date.now());
      if (writes.length > 100_000) writes.splice(0, writes.length - 50_000);
    }
  }

  /** Polls the due tails now (soon), not at the next planned time. */
  wake(): void {
    this.#plan(0);
  }

  #plan(delay: number): void {
    const due = Date.now() + delay;
    if (this.#timer !== undefined && this.#due <= due) return;
    clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = setTimeout(() => this.#run(), delay);
  }

  #run(): void {
    this.#timer = undefined;
    this.#due = Infinity;
    this.#drain();
    const now = Date.now();
    let next = Infinity;
    for (const tail of [...this.#tails]) {
      if (tail.nextPoll <= now && !tail.poll(now)) continue;
      next = Math.min(next, tail.nextPoll);
    }
    if (this.#order && this.#tails.size > 0) next = Math.min(next, now + WRITE_CHECK_MS);
    if (next < Infinity) this.#plan(Math.max(0, next - Date.now()));
  }
})();
