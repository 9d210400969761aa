/**
 * The one timer that polls every spool tail when it is due, and the one write-order watch
 * (internal to the output folder; see spool_tail.ts). Tails are polled with synchronous reads
 * from a single timer, so there is no file watcher per process; where the kernel tells which
 * spool was written (system/write_order.ts), a write makes its tail due at once and the
 * poller looks for writes every 50 ms.
 */
import type { Stream } from "./output_store.ts";
import { openWriteOrder } from "../system/write_order.ts";
import { STREAMS } from "./_store_meta.ts";

/** How often the poller looks for writes, where it can, while writes come. */
const WRITE_CHECK_MS = 50;
/**
 * How often it looks once no write came for {@link QUIET_AFTER_MS}: hundreds of quiet
 * processes then cost the server 4 wake-ups a second, and a first line after a silence is
 * stored within a quarter of a second.
 */
const QUIET_WRITE_CHECK_MS = 250;
const QUIET_AFTER_MS = 2_000;

/** What the poller needs of a tail. */
export interface PolledTail {
  /** When the tail is next due (epoch ms). */
  nextPoll: number;
  /** The streams of the writes seen since the last read. */
  writes: Stream[];
  /** The write-order watches of the two spool files. */
  readonly watchIds: number[];
  readonly store: { readonly dir: string; spoolPath(stream: Stream): string };
  /** Reads and stores what is new; returns whether the tail goes on. */
  poll(now: number): boolean;
}

/** The poller of all tails; see the module comment. */
class TailPoller {
  readonly #tails = new Set<PolledTail>();
  readonly #order = openWriteOrder();
  /** Watch ids: of a spool file (its stream), or of a spool folder (null, see write_order.ts). */
  readonly #watched = new Map<number, { tail: PolledTail; stream: Stream | null }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = Infinity;
  #lastWriteAt = 0;

  add(tail: PolledTail): void {
    this.#tails.add(tail);
    this.#watch(tail);
    this.wake();
  }

  remove(tail: PolledTail): void {
    this.#tails.delete(tail);
    this.#unwatch(tail);
  }

  /**
   * Stops (`on` false) or starts again the write-order watch of a tail whose program floods its
   * spool. Each watched write costs the writer two kernel events (see system/write_order.ts),
   * about a sixth of the run time of a program printing 3 M short lines; and a read of a flood
   * holding more than 20,000 lines is stored stdout first anyway (see _interleave.ts), so the
   * order is given up while the flood lasts.
   */
  orderWrites(tail: PolledTail, on: boolean): void {
    if (!this.#order) return;
    if (on) {
      if (tail.watchIds.length === 0) this.#watch(tail);
      return;
    }
    this.#drain();
    this.#unwatch(tail);
    tail.writes = [];
  }

  #watch(tail: PolledTail): void {
    for (const stream of STREAMS) {
      try {
        const id = this.#order?.watch(tail.store.spoolPath(stream));
        if (id === undefined) break;
        this.#watched.set(id, { tail, stream });
        tail.watchIds.push(id);
      } catch { /* no order for this spool: its streams are stored stdout first */ }
    }
    if (tail.watchIds.length === 2) {
      try {
        const id = this.#order!.watchFolder(tail.store.dir);
        this.#watched.set(id, { tail, stream: null });
        tail.watchIds.push(id);
      } catch { /* consecutive writes to one spool may merge: ordered less finely */ }
    }
  }

  #unwatch(tail: PolledTail): void {
    for (const id of tail.watchIds) {
      if (this.#watched.get(id)?.tail !== tail) continue;
      this.#watched.delete(id);
      this.#order?.unwatch(id);
    }
    tail.watchIds.length = 0;
  }

  /** The writes a tail's spool saw since its last read, in order; forgets them. */
  takeWrites(tail: PolledTail): Stream[] {
    this.#drain();
    return tail.writes;
  }

  /**
   * Runs `change`, a change the server itself makes to `tail`'s spool of `stream` (setting
   * disk aside), so that its write event is not taken for one of the program's.
   */
  quietly<T>(tail: PolledTail, stream: Stream | null, change: () => T): T {
    if (stream === null || !this.#order) return change();
    this.#drain();
    const before = tail.writes.length;
    const result = change();
    this.#drain();
    const at = tail.writes.indexOf(stream, before);
    if (at !== -1) tail.writes.splice(at, 1);
    return result;
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
    if (ids.length > 0) this.#lastWriteAt = Date.now();
    for (const id of ids) {
      const watched = this.#watched.get(id);
      if (!watched?.stream) continue;
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
    const quiet = this.#order !== null && now - this.#lastWriteAt >= QUIET_AFTER_MS;
    // While no write comes, the poller wakes every QUIET_WRITE_CHECK_MS anyway: a tail due
    // before the next of those wake-ups is polled now, so quiet tails (each polled every 30 s,
    // in case a write went unseen) add no wake-ups of their own.
    const horizon = quiet ? now + QUIET_WRITE_CHECK_MS : now;
    let next = Infinity;
    for (const tail of [...this.#tails]) {
      if (tail.nextPoll <= horizon && !tail.poll(now)) continue;
      next = Math.min(next, tail.nextPoll);
    }
    if (this.#order && this.#tails.size > 0) {
      next = Math.min(next, now + (quiet ? QUIET_WRITE_CHECK_MS : WRITE_CHECK_MS));
    }
    if (next < Infinity) this.#plan(Math.max(0, next - Date.now()));
  }
}

/** The one poller of this process. */
export const poller: TailPoller = new TailPoller();
