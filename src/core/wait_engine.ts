/**
 * The one skeleton of every wait in the core (a start's readiness, output's wait for a line or
 * an exit): it ends at the first of what the wait itself finds, its timeout, or the caller's
 * AbortSignal, reports progress about once a second meanwhile, and afterwards leaves nothing
 * behind: its timers are cleared, what it subscribed to is let go, and its own signal aborts
 * whatever it still has under way (a poll's pause, a URL probe).
 */
import type { z } from "zod";
import type { WaitOptions } from "./hub.ts";
import type { waitResultSchema } from "./wire/results.ts";

/** How a wait ended: what it waited for happened, the process exited first, or time ran out. */
export type WaitResult = z.infer<typeof waitResultSchema>;

/** What a wait's setup gets: how to end it, and its lifetime. */
interface WaitRun {
  /** Ends the wait with `result`; the first ending wins, later ones change nothing. */
  finish(result: WaitResult): void;
  /** Ends the wait by rejecting it with `error` (a probe that failed), unless it ended. */
  fail(error: unknown): void;
  /** Whether the wait has ended. */
  readonly done: boolean;
  /** Aborted when the wait ends: what it started stops with it. */
  readonly signal: AbortSignal;
  /** Runs `cleanup` when the wait ends (unsubscribing, say), however it ends. */
  defer(cleanup: () => void): void;
  /** Resolves after `ms`, or at once when the wait ends first; leaves no timer behind. */
  sleep(ms: number): Promise<void>;
  /** Calls `step` every `ms` (after it settles) until the wait ends; a throw fails the wait. */
  poll(ms: number, step: () => Promise<void> | void): void;
}

/** How long a wait may take and what it reports. */
interface WaitSpec extends WaitOptions {
  /** Milliseconds before it ends as "timeout"; Infinity: no limit. */
  timeoutMs: number;
  /** What is still waited for, in words (`port 3000`), for progress reports. */
  pending: () => string[];
}

/**
 * Runs a wait: `setup` subscribes to what it watches and may end it at once. The timeout, the
 * caller's signal and progress reports start once setup is done. Resolves with how it ended
 * and how long it took; rejects when setup throws or the wait fails.
 */
export async function runWait(
  spec: WaitSpec,
  setup: (run: WaitRun) => Promise<void> | void,
): Promise<{ result: WaitResult; waited_ms: number }> {
  const begun = Date.now();
  const lifetime = new AbortController();
  const ending = Promise.withResolvers<WaitResult>();
  ending.promise.catch(() => {}); // awaited below, unless setup throws first
  const cleanups: (() => void)[] = [];
  const end = () => lifetime.abort();
  const run: WaitRun = {
    finish(result) {
      if (run.done) return;
      end();
      ending.resolve(result);
    },
    fail(error) {
      if (run.done) return;
      end();
      ending.reject(error);
    },
    get done() {
      return lifetime.signal.aborted;
    },
    signal: lifetime.signal,
    defer: (cleanup) => void cleanups.push(cleanup),
    sleep: (ms) => sleep(ms, lifetime.signal),
    poll(ms, step) {
      (async () => {
        while (!run.done) {
          await step();
          await run.sleep(ms);
        }
      })().catch((error) => run.fail(error));
    },
  };
  const { signal, onProgress, timeoutMs } = spec;
  const onAbort = () => run.finish("timeout");
  try {
    await setup(run);
    // No timer for a wait with no limit (setTimeout would fire at once).
    if (Number.isFinite(timeoutMs)) {
      const timer = setTimeout(() => run.finish("timeout"), timeoutMs);
      run.defer(() => clearTimeout(timer));
    }
    if (onProgress) {
      const report = () =>
        onProgress({
          elapsed_ms: Date.now() - begun,
          timeout_ms: timeoutMs,
          pending: spec.pending(),
        });
      const timer = setInterval(report, 1_000);
      run.defer(() => clearInterval(timer));
    }
    if (signal?.aborted) run.finish("timeout");
    signal?.addEventListener("abort", onAbort);
    const result = await ending.promise;
    return { result, waited_ms: Date.now() - begun };
  } finally {
    end();
    signal?.removeEventListener("abort", onAbort);
    for (const cleanup of cleanups) cleanup();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; removes what it added either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener("abort", wake);
  });
}
