/**
 * The server's way down: its steps in turn, each in isolation and bounded in time, so that
 * whatever fails or hangs (a removed data directory, a full disk, a listener that never
 * returns), the server still ends, within the sum of the bounds.
 */
import { logger } from "../core/mod.ts";

/** One step of a shutdown: what it does (for the log), the work, and how long it may take. */
interface ShutdownStep {
  what: string;
  run: () => unknown;
  withinMs: number;
}

/**
 * Runs the steps in order. A step that throws is logged and the next one runs; one still
 * running after its `withinMs` is logged and left behind. Never rejects.
 */
export async function runShutdown(steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), step.withinMs);
    });
    try {
      const work = Promise.try(step.run);
      // Still owned once abandoned: a late failure is logged, never an unhandled rejection.
      work.catch((error) => logger.error(`Shutdown: ${step.what} failed late`, error));
      if (await Promise.race([work, late]) === "late") {
        logger.error(`Shutdown: ${step.what} took over ${step.withinMs} ms; going on without it`);
      }
    } catch (error) {
      logger.error(`Shutdown: ${step.what} failed; going on`, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Keeps the server serving whatever a listener or a forgotten promise throws: an error or a
 * rejection nothing handled is logged with its stack instead of ending the process (Deno's
 * default). Returns the function that removes the handlers.
 */
export function keepServingOnUncaught(): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    logger.error("A promise failed with nobody to handle it; the server carries on", event.reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    logger.error("An uncaught error; the server carries on", event.error ?? event.message);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  };
}
