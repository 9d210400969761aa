import assert from "node:assert/strict";
import { until } from "../_test_support.ts";
import { OutputReader } from "./output_reader.ts";
import { ProcessOutput } from "./process_output.ts";

Deno.test("a store that fails shows as the output's error until storing works again", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-capture-" });
  const output = new ProcessOutput(dir, undefined, { stored: () => {}, writersGone: () => true });
  try {
    const store = output.store.store.bind(output.store);
    let failing = true;
    output.store.store = (batches) => {
      if (failing) throw new Error("No space left on device (os error 28)");
      store(batches);
    };
    const plan = output.prepare(["sh", "-c", "echo one; echo two >&2"], "start");
    const child = new Deno.Command(plan.argv[0], { args: plan.argv.slice(1) }).spawn();
    const drained = output.capture(child.status);
    await child.status;
    for (let i = 0; i < 500 && output.error === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.match(output.error ?? "", /No space left/);
    // The run's end does not wait for the disk (see spool_tail_test).
    await drained;
    failing = false;
    await until("the error cleared", () => output.error === null);
    const lines = new OutputReader(dir).newest("combined", 10)
      .flatMap((entry) => entry.kind === "line" ? [entry.text] : []);
    assert.deepEqual(lines.sort(), ["one", "two"]);
  } finally {
    output.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
