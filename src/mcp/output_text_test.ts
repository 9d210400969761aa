import assert from "node:assert/strict";
import { OutputStore } from "../core/output/output_store.ts";
import { readOutput } from "../core/output/query.ts";
import type { ProcessInfo } from "../core/types.ts";
import { outputHeader } from "./tools.ts";

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
    const hub = {
      get: () =>
        ({ pid: 4242, label: "npm run dev", status: "running", log_dir: dir }) as ProcessInfo,
    };
    const raw = bytes.length; // 100 lines of 38 bytes
    const page = await readOutput(hub, { pid: 4242, lines: 100 });
    const text = [outputHeader(page), ...page.output].join("\n");
    assert.ok(text.length <= 1.15 * raw, `text: ${text.length} bytes for ${raw}`);
    const json = JSON.stringify(page);
    assert.ok(json.length <= 1.3 * raw, `structured: ${json.length} bytes for ${raw}`);
    const stamped = await readOutput(hub, { pid: 4242, lines: 100, timestamps: true });
    assert.equal(stamped.times?.length, 100);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
