import assert from "node:assert/strict";
import { capturingLog } from "../core/_test_support.ts";
import { keepServingOnUncaught, runShutdown } from "./shutdown_steps.ts";

Deno.test("runShutdown() goes on past a step that throws and one that hangs, within the bounds", async () => {
  const ran: string[] = [];
  let began = 0;
  const log = await capturingLog(async () => {
    began = performance.now();
    await runShutdown([
      {
        what: "a failing step",
        run: () => Promise.reject(new Error("disk gone")),
        withinMs: 1_000,
      },
      { what: "a hung step", run: () => new Promise(() => {}), withinMs: 200 },
      { what: "the last step", run: () => ran.push("last"), withinMs: 1_000 },
    ]);
  });
  assert.deepEqual(ran, ["last"]);
  assert.ok(performance.now() - began < 5_000, "the hung step is left after its bound");
  assert.match(log, /Shutdown: a failing step failed; going on: Error: disk gone/);
  assert.match(log, /Shutdown: a hung step took over 200 ms; going on without it/);
});

Deno.test("keepServingOnUncaught() logs a rejection nobody handled instead of ending the process", async () => {
  const log = await capturingLog(async () => {
    const stop = keepServingOnUncaught();
    try {
      Promise.reject(new Error("nobody owns me"));
      // The event is dispatched once the microtask queue drains; a timer comes after it.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      stop();
    }
  });
  assert.match(
    log,
    /A promise failed with nobody to handle it; the server carries on: Error: nobody owns me/,
  );
});
