/**
 * How long a poll waits before its next look, when looks that find nothing should come less
 * and less often: the tree watch and the port watch look often while anything happens, and a
 * server with hundreds of quiet processes then wakes only every few seconds.
 */

/** A poll's pace: `busyMs` while anything happens, growing to `quietMs` while nothing does. */
export interface PollPace {
  busyMs: number;
  quietMs: number;
  /** Looks `busyMs` apart that must find nothing before the pauses grow. */
  patience: number;
}

/**
 * The pause before the next look after `quiet` looks in a row found nothing: `busyMs` for the
 * first `patience` of them, then doubling up to `quietMs`.
 */
export function pauseAfter(quiet: number, pace: PollPace): number {
  if (quiet < pace.patience) return pace.busyMs;
  return Math.min(pace.quietMs, pace.busyMs * 2 ** (quiet - pace.patience + 1));
}
