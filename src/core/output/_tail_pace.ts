/**
 * When a spool tail polls next, and when its program floods (internal to the output folder;
 * see spool_tail.ts): every 10 ms while output flows, every 50 ms for two seconds after, then
 * every 200 ms, or, where writes wake the tail (_tail_poller.ts), every 30 s in case a write
 * went unseen.
 */
import { READ_BYTES } from "./_spool_reader.ts";

/** How soon a tail polls again while output flows, and while its ended program drains. */
export const BUSY_POLL_MS = 10;
const IDLE_POLL_MS = 50;
const QUIET_POLL_MS = 200;
/**
 * Where writes wake the tail (see _tail_poller.ts), a quiet tail is polled every 30 s only, in
 * case a write went unseen: 200 quiet processes then cost 13 reads a second, not 80.
 */
const SLEEP_POLL_MS = 30_000;
/**
 * What one poll reads of a flood (100 MB/s at the busy pace): far more than a program whose
 * lines' order across stdout and stderr matters prints between two looks.
 */
const FLOOD_BYTES = 1024 * 1024;

/**
 * The pause after a poll that read `read` bytes, `quietMs` after the last output; `woken`:
 * writes wake this tail.
 */
export function pauseAfterPoll(read: number, quietMs: number, woken: boolean): number {
  if (read > 0 || quietMs < 100) return BUSY_POLL_MS;
  if (quietMs < 2_000) return IDLE_POLL_MS;
  return woken ? SLEEP_POLL_MS : QUIET_POLL_MS;
}

/**
 * Whether a program floods its spools after a poll that read `read` bytes, when it `was`
 * flooding before: from a poll of over {@link FLOOD_BYTES} until one finds less than a read's
 * worth.
 */
export function flooding(was: boolean, read: number): boolean {
  return was ? read >= READ_BYTES : read >= FLOOD_BYTES;
}
