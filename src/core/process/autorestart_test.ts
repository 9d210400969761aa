/**
 * The autorestart backoff on a clock the test moves: each delay, the reset after a stable run,
 * giving up, and what a restored wait has left, without waiting seconds for any of it.
 */
import assert from "node:assert/strict";
import { type AutorestartDecision, Autorestarter, type Clock } from "./autorestart.ts";
import type { ManagedProcess } from "./managed_process.ts";
import type { ProcessStatus } from "../types.ts";

/** A clock whose time moves only when the test says, firing the timers that fall due. */
class TestClock implements Clock {
  #now = Date.parse("2026-12-07T12:00:00Z");
  #timers = new Map<number, { at: number; run: () => void }>();
  #next = 1;
  now(): number {
    return this.#now;
  }
  setTimeout(run: () => void, ms: number): number {
    this.#timers.set(this.#next, { at: this.#now + ms, run });
    return this.#next++;
  }
  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as number);
  }
  /** Moves time on by `ms`, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= end).sort((a, b) =>
        a[1].at - b[1].at
      );
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.#timers.delete(id);
      this.#now = timer.at;
      timer.run();
    }
    this.#now = end;
  }
}

/** The little of a ManagedProcess the Autorestarter looks at: a run that lasted `ranMs`. */
function fakeProcess(clock: TestClock) {
  const entry = {
    spec: { label: "web" },
    state: "idle",
    status: "failed" as ProcessStatus,
    exitKnown: true,
    startTime: new Date(clock.now()),
    endTime: new Date(clock.now()) as Date | null,
    enterBackoff() {
      entry.state = "backoff";
    },
    leaveBackoff() {
      if (entry.state === "backoff") entry.state = "idle";
    },
    /** A run that starts now and ends after `ranMs`, how `status` says. */
    ran(ranMs: number, status: ProcessStatus = "failed") {
      entry.state = "idle";
      entry.startTime = new Date(clock.now() - ranMs);
      entry.endTime = new Date(clock.now());
      entry.status = status;
    },
  };
  return entry;
}

function setUp() {
  const clock = new TestClock();
  const relaunched: number[] = [];
  const decisions: AutorestartDecision[] = [];
  const autorestart = new Autorestarter(
    () => false,
    () => relaunched.push(clock.now()),
    (_, decision) => decisions.push(decision),
    10,
    clock,
  );
  const process = fakeProcess(clock);
  const entry = process as unknown as ManagedProcess;
  return { clock, relaunched, decisions, autorestart, process, entry };
}

Deno.test("the autorestart delay doubles from 0.5 s to 30 s with quick failures, then gives up after ten", () => {
  const { clock, relaunched, decisions, autorestart, process, entry } = setUp();
  autorestart.set(entry, "always");
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    process.ran(1_000);
    autorestart.ended(entry);
    assert.equal(process.state, "backoff");
    const endedAt = clock.now();
    clock.advance(60_000);
    delays.push(relaunched.at(-1)! - endedAt);
    autorestart.launched(entry);
  }
  assert.deepEqual(delays, [
    500,
    1_000,
    2_000,
    4_000,
    8_000,
    16_000,
    30_000,
    30_000,
    30_000,
    30_000,
  ]);
  process.ran(1_000);
  autorestart.ended(entry);
  assert.equal(process.state, "idle", "no more waiting");
  clock.advance(60_000);
  assert.equal(relaunched.length, 10);
  assert.deepEqual(decisions.at(-1), { kind: "autorestart_gave_up", attempt: 10 });
});

Deno.test("a run of 30 s or more resets the backoff to 0.5 s", () => {
  const { clock, relaunched, autorestart, process, entry } = setUp();
  autorestart.set(entry, "always");
  for (let i = 0; i < 3; i++) {
    process.ran(100);
    autorestart.ended(entry);
    clock.advance(60_000);
    autorestart.launched(entry);
  }
  process.ran(30_000);
  autorestart.ended(entry);
  const endedAt = clock.now();
  clock.advance(60_000);
  assert.equal(relaunched.at(-1)! - endedAt, 500);
});

Deno.test("on-failure restarts after a failure or an unseen end, never after a clean exit or a stop", () => {
  const { clock, relaunched, autorestart, process, entry } = setUp();
  autorestart.set(entry, "on-failure");
  process.ran(100, "exited");
  autorestart.ended(entry);
  process.ran(100, "stopped");
  autorestart.ended(entry);
  clock.advance(60_000);
  assert.equal(relaunched.length, 0);
  process.ran(100, "exited");
  process.exitKnown = false; // it ended while no server watched: how is unknown
  autorestart.ended(entry);
  clock.advance(60_000);
  assert.equal(relaunched.length, 1);
});

Deno.test("a restored wait runs what is left of its delay; a stop during it cancels the restart", () => {
  const { clock, relaunched, autorestart, process, entry } = setUp();
  const due = new Date(clock.now() + 4_000).toISOString();
  autorestart.restore(entry, { policy: "always", streak: 3, next_attempt: due });
  assert.equal(autorestart.state(entry).next_attempt, due);
  clock.advance(3_999);
  assert.equal(relaunched.length, 0);
  clock.advance(1);
  assert.equal(relaunched.length, 1);
  process.ran(100);
  autorestart.ended(entry);
  assert.equal(process.state, "backoff");
  autorestart.cancel(entry);
  assert.equal(process.state, "idle");
  clock.advance(60_000);
  assert.equal(relaunched.length, 1, "cancelled");
});
