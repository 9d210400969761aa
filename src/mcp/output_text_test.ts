import assert from "node:assert/strict";
import { OutputStore } from "../core/output/output_store.ts";
import { type OutputRequest, readOutput } from "../core/output/query.ts";
import type { ProcessInfo } from "../core/types.ts";
import { type Hub, TOOLS } from "./tools.ts";

Deno.test("an output result for 100 short lines costs little more than the lines themselves", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-text-" });
  try {
    const store = new OutputStore(dir);
    const lines = Array.from(
      { length: 100 },
      (_, i) => `GET /api/items/${i} 200 in 12ms`.padEnd(37, "."),
    );
    const bytes = new TextEncoder().encode(lines.map((line) => `${line}\n`).join(""));
    Deno.writeFileSync(store.spoolPath("stdout"), bytes);
    store.store([
      { kind: "stdout", time: Date.now(), start: 0, end: bytes.length, lines: 100, firstLine: 0 },
    ]);
    store.close();
    const info = { pid: 4242, label: "npm run dev", status: "running", log_dir: dir };
    // The hub's output verb over this store, as the Supervisor reads it.
    const hub = {
      output: (request: OutputRequest) =>
        readOutput({ get: () => Promise.resolve(info as ProcessInfo) }, request),
    };
    const raw = bytes.length; // 100 lines of 38 bytes
    // What the output tool itself returns, both forms a client may hand its model.
    const tool = TOOLS.find((t) => t.name === "output")!;
    const read = (args: Record<string, unknown>) =>
      tool.run(hub as unknown as Hub, args as never, { client: null });
    const { text, structured } = await read({ pid: 4242, lines: 100 });
    assert.equal(text.split("\n").length, 101, "one header line, then the lines");
    assert.ok(text.length <= 1.15 * raw, `text: ${text.length} bytes for ${raw}`);
    const json = JSON.stringify(structured);
    assert.ok(json.length <= 1.15 * raw + 150, `structured: ${json.length} bytes for ${raw}`);
    const stamped = await read({ pid: 4242, lines: 100, timestamps: true });
    assert.equal((stamped.structured as { times?: unknown[] }).times?.length, 100);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
