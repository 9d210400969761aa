/**
 * Following the server's event stream from the terminal for as long as it takes: when the
 * connection ends (the server restarted, or is not up yet), it connects again and resumes
 * after the last event it saw, which the server kept (see src/core/events/).
 */
import { ServerUnreachableError } from "../client/client_errors.ts";
import type { EventQuery, HubEvent } from "../core/events/mod.ts";
import { connect, NoServerError } from "./connect.ts";
import { printErr } from "./print.ts";
import type { Settings } from "./settings.ts";

/** How often a follower tries the server again while it cannot be reached. */
const RETRY_MS = 1_000;

/** What a follower does with each event: true ends the following. */
type EventHandler = (event: HubEvent) => boolean | void;

/**
 * Gives `handle` each event the query asks for, the kept ones first, then live ones, across
 * reconnections, until `handle` returns true or `signal` aborts. A server that cannot be
 * reached is waited for up to `waitForServerMs` (Infinity: for as long as it takes), then it
 * is a NoServerError.
 */
export async function followEvents(
  settings: Settings,
  query: EventQuery,
  handle: EventHandler,
  options: { signal?: AbortSignal; waitForServerMs: number },
): Promise<void> {
  let cursor: number | undefined;
  let said = false;
  let lostAt = Date.now();
  for (;;) {
    if (options.signal?.aborted) return;
    let client;
    try {
      client = await connect(settings, { autostart: false });
    } catch (error) {
      if (!(error instanceof NoServerError)) throw error;
      if (Date.now() - lostAt > options.waitForServerMs) throw error;
      if (!said) printErr(`persistproc: waiting for the server on port ${settings.port}`);
      said = true;
      await pause(RETRY_MS, options.signal);
      continue;
    }
    said = false;
    let done = false;
    let finish!: () => void;
    const over = new Promise<void>((resolve) => finish = resolve);
    const take = (event: HubEvent) => {
      if (done) return;
      cursor = event.id;
      if (handle(event) === true) {
        done = true;
        finish();
      }
    };
    // Live events that come before the backlog has been handled wait for it.
    let early: HubEvent[] | null = [];
    const live = (event: HubEvent) => early ? early.push(event) : take(event);
    const asked = cursor === undefined ? query : { ...withoutStart(query), after: cursor };
    let feed;
    try {
      feed = await client.events(asked, live, () => finish());
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      await pause(RETRY_MS, options.signal); // it went away between the two requests
      continue;
    }
    const onAbort = () => finish();
    options.signal?.addEventListener("abort", onAbort);
    try {
      for (const event of feed.backlog) take(event);
      cursor ??= feed.last_id;
      for (const event of early) take(event);
      early = null;
      await over;
    } finally {
      feed.unsubscribe();
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (done || options.signal?.aborted) return;
    lostAt = Date.now();
  }
}

/** The query without where its first read started: a reconnection resumes at its cursor. */
function withoutStart(query: EventQuery): EventQuery {
  const { since: _since, limit: _limit, after: _after, ...filter } = query;
  return filter;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
