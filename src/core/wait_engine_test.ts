import assert from "node:assert/strict";
import { runWait } from "./wait_engine.ts";

const none = () => [];

Deno.test("runWait ends with the first finish; later ones change nothing; cleanups run", async () => {
  let cleaned = 0;
  const { result } = await runWait({ timeoutMs: 60_000, pending: none }, (run) => {
    run.defer(() => cleaned++);
    queueMicrotask(() => {
      run.finish("exited");
      run.finish("ready");
    });
  });
  assert.equal(result, "exited");
  assert.equal(cleaned, 1);
});

Deno.test("runWait ends as timeout at its timeout, and when the caller's signal aborts", async () => {
  assert.equal((await runWait({ timeoutMs: 20, pending: none }, () => {})).result, "timeout");
  const caller = new AbortController();
  const waiting = runWait({ timeoutMs: Infinity, signal: caller.signal, pending: none }, () => {});
  caller.abort();
  assert.equal((await waiting).result, "timeout");
  const gone = AbortSignal.abort();
  const early = await runWait({ timeoutMs: Infinity, signal: gone, pending: none }, () => {});
  assert.equal(early.result, "timeout");
});

Deno.test("runWait polls until it ends, aborts its own signal then, and fails on a throw", async () => {
  let steps = 0;
  let aborted: AbortSignal | undefined;
  const { result } = await runWait({ timeoutMs: 60_000, pending: none }, (run) => {
    aborted = run.signal;
    run.poll(1, () => {
      if (++steps === 3) run.finish("ready");
    });
  });
  assert.equal(result, "ready");
  assert.equal(steps, 3);
  assert.equal(aborted?.aborted, true);
  await assert.rejects(
    runWait({ timeoutMs: 60_000, pending: none }, (run) => {
      run.poll(1, () => {
        throw new Error("probe broke");
      });
    }),
    /probe broke/,
  );
});

Deno.test("runWait reports progress with what is pending until it ends", async () => {
  const reports: string[][] = [];
  await runWait(
    { timeoutMs: 2_500, pending: () => ["port 3000"], onProgress: (p) => reports.push(p.pending) },
    () => {},
  );
  assert.ok(reports.length >= 1);
  assert.deepEqual(reports[0], ["port 3000"]);
});
