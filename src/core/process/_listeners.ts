/**
 * Calling listeners, which are someone else's code (a follow stream, a dashboard, the
 * registry's hooks): each in isolation, so one that throws neither keeps the others from
 * hearing nor reaches the code that told them (an exit path, a log store).
 */
import { logger } from "../logger.ts";

/** Listeners already logged as failing: a broken one is logged once, not once per line. */
const failed = new WeakSet<object>();

/**
 * Calls every listener with `value`; a throw is logged (once per listener, under `what`) and
 * the next listener is still called.
 */
export function tellEach<T>(listeners: Iterable<(value: T) => void>, value: T, what: string): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      if (failed.has(listener)) continue;
      failed.add(listener);
      logger.error(
        `A listener of ${what} failed; it is still told, and nothing else changed`,
        error,
      );
    }
  }
}
