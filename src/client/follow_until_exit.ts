/**
 * A process's events as one sequence, for a reader that shows them as they come (the CLI's
 * `run`): Hub.follow read as a stream. First the backlog, then each live event, ending after
 * the process's final exit (one no restart follows); a process that is not running ends at
 * once, with its exit.
 */
import type { ProcessEvent } from "../core/mod.ts";
import type { HubClient } from "./hub_client.ts";

/**
 * The events of process `pid` (see the module comment), beginning with up to `lines` stored
 * lines. Ends quietly when `signal` is aborted or the server closes the stream (it is shutting
 * down); throws ServerUnreachableError when the connection breaks.
 */
export async function* followUntilExit(
  client: Pick<HubClient, "follow">,
  pid: number,
  lines: number,
  signal: AbortSignal,
): AsyncGenerator<ProcessEvent> {
  const live: ProcessEvent[] = [];
  /** Set when the stream ended: `error` is null when the server closed it. */
  const stream = { ended: false, error: null as unknown };
  let wake = () => {};
  const following = await client.follow({ pid }, lines, (event) => {
    live.push(event);
    wake();
  }, (error) => {
    Object.assign(stream, { ended: true, error });
    wake();
  });
  const onAbort = () => wake();
  signal.addEventListener("abort", onAbort);
  try {
    yield* following.backlog;
    // Nothing live to wait for: the reader learns it at once.
    if (following.process.status !== "running" && live.length === 0) {
      yield { type: "exit", process: following.process, restarting: false };
      return;
    }
    for (;;) {
      while (live.length > 0) {
        const event = live.shift()!;
        yield event;
        if (event.type === "exit" && !event.restarting) return;
      }
      if (signal.aborted) return;
      if (stream.ended) {
        if (stream.error) throw stream.error;
        return;
      }
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    following.unsubscribe();
  }
}
