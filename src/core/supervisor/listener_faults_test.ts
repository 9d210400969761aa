/**
 * Fault injection: a listener is someone else's code. One that throws must change nothing
 * else: not the other listeners, not the stored output (no log_error), not the end of a run.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { newProcess, requestedSpec } from "./_new_process.ts";
import { readOutput } from "../output/query.ts";
import { capturingLog, tempSupervisor, until } from "../_test_support.ts";
import type { ProcessEvent } from "../types.ts";

const TICKER = fileURLToPath(new URL("../../../tests/fixtures/ticker.sh", import.meta.url));
const QUICK = { stopGraceMs: 2_000, shutdownGraceMs: 1_000 };

Deno.test("a follower that throws on every event changes nothing for the others, the log or the exit", async () => {
  await using sup = await tempSupervisor(QUICK);
  const heard: ProcessEvent[] = [];
  let thrown = 0;
  const log = await capturingLog(async () => {
    const info = await sup.start({ command: `${TICKER} 10`, working_directory: sup.dir });
    const faulty = await sup.follow({ pid: info.pid }, 0, () => {
      thrown++;
      throw new Error("follower bug");
    });
    const fine = await sup.follow({ pid: info.pid }, 0, (event) => heard.push(event));
    try {
      await until("the exit event", () => heard.some((event) => event.type === "exit"));
    } finally {
      faulty.unsubscribe();
      fine.unsubscribe();
    }
  });
  assert.ok(thrown > 1, "the failing follower is still told");
  assert.equal(log.match(/A listener of a process's events failed/g)?.length, 1, log);
  assert.match(log, /follower bug/);
  const [ended] = await sup.list();
  assert.equal(ended.status, "exited");
  assert.equal(ended.log_error, undefined, "a follower's throw is no disk error");
  const stdout = await readOutput(sup, { pid: ended.pid, stream: "stdout" });
  assert.deepEqual(stdout.output, Array.from({ length: 10 }, (_, i) => `tick ${i + 1}`));
});

Deno.test("a hook on the end of a run that throws leaves the run recorded as ended and told", async () => {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-hook-" });
  const spec = await requestedSpec(
    { command: `${TICKER} 2`, working_directory: dir },
    { baseEnvironment: Deno.env.toObject(), hiddenVariables: [] },
  );
  const entry = newProcess(spec, dir, 1 << 20);
  const heard: ProcessEvent[] = [];
  try {
    entry.onTransition(({ to }) => {
      if (to === "idle") throw new Error("exit hook bug");
    });
    entry.subscribe((event) => heard.push(event));
    const log = await capturingLog(async () => {
      await entry.launch(() => {});
      await entry.exited; // resolves: the hook's throw is not the run's
    });
    assert.match(log, /A listener of a process's state failed.*exit hook bug/s);
    assert.equal(entry.state, "idle");
    assert.equal(entry.status, "exited");
    assert.ok(heard.some((event) => event.type === "exit"), "followers still hear the exit");
  } finally {
    entry.output.close();
    await Deno.remove(dir, { recursive: true });
  }
});
