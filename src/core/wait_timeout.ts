import { InvalidArgumentError } from "./errors.ts";
/**
 * How long a wait may last, the same for every wait a caller can ask for: a start's or
 * restart's readiness, and `output`'s wait for a line or an exit.
 */

/** Default and longest wait, in seconds. */
export const DEFAULT_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 300;

/** The wait_timeout that means no limit: the wait ends only when what it waits for happens. */
export const NO_WAIT_LIMIT = 0;

/**
 * The wait's length in milliseconds, the default when none is given, Infinity for
 * {@link NO_WAIT_LIMIT}; a value out of range is an InvalidArgumentError naming `wait_timeout`.
 */
export function waitTimeoutMs(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_WAIT_SECONDS;
  if (value === NO_WAIT_LIMIT) return Infinity;
  if (!(value > 0 && value <= MAX_WAIT_SECONDS)) {
    throw new InvalidArgumentError(
      `Invalid wait_timeout ${value}: expected seconds above 0, at most ${MAX_WAIT_SECONDS}, or 0 for no limit`,
    );
  }
  return Math.round(value * 1000);
}
