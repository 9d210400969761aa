/**
 * A tail's line order across its reads (internal to the output folder; see spool_tail.ts):
 * orders each read's lines by the writes seen (_interleave.ts), and remembers what a read left
 * waiting for its write's event, and since when.
 */
import { interleave, type Interleaved, nothingWaiting, type ReadBatch } from "./_interleave.ts";
import type { Stream } from "./output_store.ts";

/**
 * How long lines read before their write's event may wait for it while the program writes
 * nothing else: a writer descheduled between its bytes and its event (on a busy machine, over
 * 10 ms) is waited for, and a write of several lines followed by silence is stored this late.
 */
const SETTLE_MS = 100;

/** What one read brings to {@link LineOrder.order}. */
export interface OrderedRead {
  stdout: readonly ReadBatch[];
  stderr: readonly ReadBatch[];
  /** The streams of the writes, oldest first: those carried from the last read, then new. */
  writes: readonly Stream[];
  /** Whether writes were seen since the last read (beyond those carried). */
  wroteSince: boolean;
  /** Whether the program has ended (it queued all its writes' events). */
  ended: boolean;
  /** Whether lines may wait for the next read (not the last read, nor a flood's). */
  wait: boolean;
  now: number;
}

/** See the module comment. */
export class LineOrder {
  #waiting = nothingWaiting();
  /** Since when lines have waited for their write's event; null when none wait. */
  #since: number | null = null;

  /**
   * Orders a read's lines. Lines that waited for their write's event go without it once the
   * program wrote again (a writer queues a write's event before it writes next) or ended, or
   * after {@link SETTLE_MS}; until then they wait on.
   */
  order(read: OrderedRead): Interleaved {
    let waited = this.#waiting;
    const since = this.#since;
    if (since !== null && !read.wroteSince && !read.ended && read.now - since < SETTLE_MS) {
      waited = { lines: { stdout: 0, stderr: 0 }, blocked: waited.blocked };
    }
    const ordered = interleave(read.stdout, read.stderr, read.writes, waited, read.wait);
    // What waited is known again only where lines were cut (a long line's start has none).
    if (read.stdout.length + read.stderr.length > 0) {
      this.#waiting = ordered.waiting;
      const lines = ordered.waiting.lines;
      const settled = waited.lines.stdout + waited.lines.stderr > 0;
      if (lines.stdout + lines.stderr === 0) this.#since = null;
      else if (settled || since === null) this.#since = read.now;
    }
    return ordered;
  }

  /** Forgets what waited: it is read again from the store. */
  reset(): void {
    this.#waiting = nothingWaiting();
    this.#since = null;
  }
}
