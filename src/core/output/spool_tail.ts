/**
 * Follows processes' spool files (see spool.ts) into their output stores: reads what was
 * appended (_spool_reader.ts, which finds the line boundaries), and stores complete lines as
 * batches. One shared poller (_tail_poller.ts) serves every tail, with synchronous reads: no
 * file watcher per process. A tail polls every 10 ms while output flows, then less often
 * (_tail_pace.ts); where the write order is known (Linux, below), a write wakes its tail within
 * 50 ms, and a quiet tail is polled every 30 s only, in case a wake-up was missed.
 *
 * Where the kernel can say in which order the two spool files were written (Linux: one shared
 * inotify instance, system/write_order.ts), lines both streams printed within one poll are
 * stored in that order (_line_order.ts); elsewhere stdout's come first. While a program floods
 * its spools, their order is not watched: its events would cost the writer more than anything
 * else the server does, and a flood's reads are stored stdout first anyway.
 *
 * Nothing here rejects: a failing read or store is reported through `onError`, retried after
 * a second, and cleared once a store succeeds again; the position only advances past batches
 * that were stored.
 */
import { batchLines } from "./output_reader.ts";
import type { OutputStore, Stream } from "./output_store.ts";
import type { ReadBatch } from "./_interleave.ts";
import { LineOrder } from "./_line_order.ts";
import { SpoolReader } from "./_spool_reader.ts";
import { type PolledTail, poller } from "./_tail_poller.ts";
import { BUSY_POLL_MS, flooding, pauseAfterPoll } from "./_tail_pace.ts";
import { STREAMS } from "./_store_meta.ts";

const RETRY_MS = 1_000;
/** After the program ends, how long its spool must stay quiet before its end is told. */
const DRAIN_QUIET_MS = 100;
/** How often, once the program has ended, whether its group is gone is checked. */
const GROUP_CHECK_MS = 250;

/** What {@link tailSpool} needs. */
export interface TailOptions {
  store: OutputStore;
  /** Resolves when the program has ended. */
  ended: Promise<unknown>;
  /** Whether nothing can write the spool any more (the whole process group is gone). */
  writersGone: () => boolean;
  /**
   * Told of each stored batch; `lines()` decodes it, and must be called before this returns
   * (the bytes it decodes are reused after).
   */
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
  // Disk is set aside now, before the program runs (a tail starts first): setting it aside
  // queues a write event, told apart from the program's only while the program is not writing.
  // At the first poll it raced a starting program's burst, and the program's first event was
  // taken for it, shifting the order of every later line of that read.
  try {
    options.store.reserve((stream, set) => poller.quietly(tail, stream, set));
  } catch { /* the first poll sets it aside, or finds the disk full */ }
  return tail;
}

class SpoolTail implements Tail, PolledTail {
  readonly drained: Promise<void>;
  readonly finished: Promise<void>;
  nextPoll = 0;
  /** The streams of the writes seen since the last read (see the poller). */
  writes: Stream[] = [];
  /** The write-order watches of the two spool files. */
  readonly watchIds: number[] = [];
  readonly #options: TailOptions;
  readonly #reader: SpoolReader;
  get store(): OutputStore {
    return this.#options.store;
  }
  #ended = false;
  /** The order of lines across reads, and what waits for its write's event. */
  readonly #order = new LineOrder();
  #drained = false;
  #endedAt = 0;
  #lastDataAt = Date.now();
  #lastGroupCheck = 0;
  #failing = false;
  /** Whether the last poll stored a batch. */
  #storedSome = false;
  /** Whether the program floods its spools: their write order is not watched meanwhile. */
  #flooding = false;
  /** Whether the next read may hold lines written before the write order was watched again. */
  #unevented = false;
  /** What a full disk made the tail drop since storing last worked. */
  #lost = { lines: 0, bytes: 0 };
  #resolveDrained!: () => void;
  #resolveFinished!: () => void;
  #done = false;

  constructor(options: TailOptions) {
    this.#options = options;
    this.#reader = new SpoolReader(options.store, options.partial);
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
      this.#storedSome = false;
      read = this.#readAll(now);
      const full = (read > 0 || this.#failing) && this.#guardDisk();
      // The error clears only once output is stored (and kept) again.
      if (this.#failing && this.#storedSome && !full) {
        this.#failing = false;
        this.#lost = { lines: 0, bytes: 0 };
        this.#options.onError(null);
      }
    } catch (error) {
      if (!this.#failing) {
        this.#failing = true;
        this.#options.onError(error as Error);
      }
      this.#rewind();
      // The end of a run is recorded once drained: it must not wait for a disk that may not
      // come back. What is left is stored when it does (or by the next server's recovery).
      if (this.#ended && !this.#drained && this.#options.writersGone()) {
        this.#drained = true;
        this.#resolveDrained();
      }
      this.nextPoll = now + RETRY_MS;
      return true;
    }
    if (read > 0) this.#lastDataAt = now;
    // A flood is read without its write order, whose kernel events cost its writer most; the
    // order is watched again once a poll finds less than a read's worth.
    if (flooding(this.#flooding, read) !== this.#flooding) {
      this.#flooding = !this.#flooding;
      poller.orderWrites(this, !this.#flooding);
      this.#unevented = !this.#flooding;
    }
    // A flood that filled every round of the read is read on at once, after other work.
    if (read >= POLL_BYTES) {
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
    this.nextPoll = now + pauseAfterPoll(read, now - this.#lastDataAt, this.watchIds.length >= 2);
    return true;
  }

  /**
   * Keeps disk set aside ahead of the program's writes (OutputStore.reserve); where the disk
   * is full, drops the stored output so the program never fails to write, and says how much
   * was lost. Returns whether the disk is full.
   */
  #guardDisk(): boolean {
    const store = this.#options.store;
    const quietly = (stream: Stream | null, set: () => boolean) =>
      poller.quietly(this, stream, set);
    if (store.reserve(quietly)) return false;
    const dropped = store.shed();
    store.reserve(quietly);
    this.#lost.lines += dropped.lines;
    this.#lost.bytes += dropped.bytes;
    if (dropped.lines > 0 || !this.#failing) {
      this.#failing = true;
      const { lines, bytes } = this.#lost;
      this.#options.onError(
        new Error(
          `Disk full: ${lines} line(s) (${bytes} bytes) of output dropped so far to keep the program writing; storing resumes when space returns`,
        ),
      );
    }
    return true;
  }

  stop(): void {
    if (this.#done) return;
    try {
      this.#readAll(Date.now(), true);
    } catch { /* the next tail reads it again */ }
    this.#close();
  }

  /** The program and its group are gone: a last line without a newline is complete now. */
  #finish(now: number): void {
    try {
      this.#readAll(now, true);
      this.#store(this.#reader.rest(now), now);
    } catch (error) {
      this.#options.onError(error as Error);
    }
    this.#close();
  }

  #close(): void {
    this.#done = true;
    poller.remove(this);
    this.#reader.release();
    this.#reader.close();
    this.#resolveDrained();
    this.#resolveFinished();
  }

  /**
   * Reads both spools to their end (a flood: in rounds of a read each, up to {@link POLL_BYTES})
   * and stores batches. Lines whose write is not known yet wait for the next poll (see
   * _interleave.ts), unless this is the `last` read or a flood's.
   */
  #readAll(now: number, last = false): number {
    let total = 0;
    while (total < POLL_BYTES) {
      const got: Record<Stream, ReadBatch[]> = { stdout: [], stderr: [] };
      let read = 0;
      let full = false;
      const readStream = (stream: Stream) => {
        const n = this.#reader.read(stream, got[stream], now);
        full ||= this.#reader.filled(stream);
        return n;
      };
      read += readStream("stdout");
      const stderr = readStream("stderr");
      read += stderr;
      // stdout again after stderr: what it wrote meanwhile is ordered too (see interleave).
      if (stderr > 0) read += readStream("stdout");
      total += read;
      if (read === 0) break;
      const carried = this.writes.length;
      const writes = poller.takeWrites(this);
      const ordered = this.#order.order({
        stdout: got.stdout,
        stderr: got.stderr,
        writes,
        wroteSince: writes.length > carried,
        ended: this.#ended,
        // Lines without their write's event, written before the order was watched again, go
        // as in a flood: after their stream's last write.
        wait: !last && !full && this.watchIds.length >= 2 && !this.#unevented,
        now,
      });
      this.#unevented = false;
      this.writes = ordered.unread.length > 4_096 ? [] : ordered.unread;
      // What was not stored is read again at the next poll, with the writes seen by then.
      this.#store(ordered.batches, now, ordered.held);
      if (ordered.held) break;
      if (!full) break;
    }
    return total;
  }

  /** Stores batches; with `unread`, what was read past them is read again next time. */
  #store(batches: ReadBatch[], now: number, unread = false): void {
    this.#reader.forgetBatches();
    const store = this.#options.store;
    if (batches.length > 0) {
      // The index encodes only a batch's fields: its bytes need not be stripped off first.
      store.store(batches);
      this.#storedSome = true;
      const time = new Date(now);
      for (const batch of batches) {
        const bytes = batch.bytes;
        this.#options.stored(batch.kind, () => batchLines(bytes), time);
      }
    }
    this.#reader.release();
    // Before a rotation is allowed: the bytes to read again must be kept.
    if (unread) this.#reader.forgetUnstored();
    if (batches.length > 0) {
      for (const stream of STREAMS) store.retain(stream, this.#reader.readTo(stream));
    }
  }

  /** After a failure: forget what was read past the stored end; it is read again. */
  #rewind(): void {
    this.#order.reset();
    this.#reader.forgetUnstored();
    this.#reader.release();
  }
}

/** What one poll reads at most, before other work gets its turn (a flood is read on soon). */
const POLL_BYTES = 4 * 1024 * 1024;
