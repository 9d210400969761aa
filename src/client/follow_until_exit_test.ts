import assert from "node:assert/strict";
import type { Following, ProcessEvent, ProcessInfo } from "../core/mod.ts";
import { ServerUnreachableError } from "./client_errors.ts";
import { followUntilExit } from "./follow_until_exit.ts";
import type { HubClient } from "./hub_client.ts";

const running = { pid: 7, status: "running" } as ProcessInfo;
const line = (text: string) => ({ type: "line", stream: "stdout", time: "t", text }) as const;
const exit = (restarting: boolean): ProcessEvent => ({
  type: "exit",
  process: running,
  restarting,
});

/**
 * A client whose follow answers `process` with `backlog`; `feed` then plays the server's part:
 * an event to the listener, or the end of the stream (null: closed; else the error).
 */
function fakeClient(process: ProcessInfo, backlog: Following["backlog"]) {
  let listener: (event: ProcessEvent) => void = () => {};
  let ended: (error: unknown) => void = () => {};
  let left = false;
  const client: Pick<HubClient, "follow"> = {
    follow(_target, _lines, onEvent, onEnded) {
      listener = onEvent;
      ended = onEnded ?? (() => {});
      return Promise.resolve({ process, backlog, unsubscribe: () => left = true });
    },
  };
  return {
    client,
    feed: (event: ProcessEvent | { end: unknown }) =>
      "end" in event ? ended(event.end) : listener(event),
    left: () => left,
  };
}

/** Reads the sequence, calling `after(n)` once it has taken n events. */
async function read(
  events: AsyncGenerator<ProcessEvent>,
  after: (n: number) => void = () => {},
): Promise<ProcessEvent[]> {
  const seen: ProcessEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    queueMicrotask(() => after(seen.length));
  }
  return seen;
}

Deno.test("followUntilExit gives the backlog, then live events, through a restart to the final exit", async () => {
  const fake = fakeClient(running, [line("old")]);
  const events = followUntilExit(fake.client, 7, 10, new AbortController().signal);
  const seen = await read(events, (n) => {
    if (n === 1) [line("new"), exit(true), line("again"), exit(false)].forEach(fake.feed);
  });
  assert.deepEqual(seen, [line("old"), line("new"), exit(true), line("again"), exit(false)]);
  assert.ok(fake.left(), "the stream is left after the final exit");
});

Deno.test("followUntilExit ends at once, with its exit, for a process that does not run", async () => {
  const stopped = { pid: 7, status: "stopped" } as ProcessInfo;
  const fake = fakeClient(stopped, [line("last")]);
  const seen = await read(followUntilExit(fake.client, 7, 10, new AbortController().signal));
  assert.deepEqual(seen, [line("last"), { type: "exit", process: stopped, restarting: false }]);
});

Deno.test("followUntilExit throws when the connection breaks and ends when the server closes it", async () => {
  const broken = fakeClient(running, []);
  const reading = read(followUntilExit(broken.client, 7, 0, new AbortController().signal));
  broken.feed({ end: new ServerUnreachableError(1) });
  await assert.rejects(reading, ServerUnreachableError);
  assert.ok(broken.left());

  const closed = fakeClient(running, []);
  const ends = read(followUntilExit(closed.client, 7, 0, new AbortController().signal));
  closed.feed(line("bye"));
  closed.feed({ end: null });
  assert.deepEqual(await ends, [line("bye")]);
});

Deno.test("followUntilExit ends quietly when its signal is aborted", async () => {
  const fake = fakeClient(running, []);
  const stop = new AbortController();
  const reading = read(followUntilExit(fake.client, 7, 0, stop.signal));
  stop.abort();
  assert.deepEqual(await reading, []);
  assert.ok(fake.left());
});
