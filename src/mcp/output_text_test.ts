import assert from "node:assert/strict";
import { OutputStore } from "../core/output/output_store.ts";
import { type OutputRequest, readOutput } from "../core/output/query.ts";
import type { ProcessInfo } from "../core/types.ts";
import { type Hub, TOOLS } from "./tools.ts";

/** 100 short lines of one process's stdout, and the output tool reading them. */
function storedLines() {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-text-" });
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
  // What the output tool itself returns, both forms a client may hand its model.
  const tool = TOOLS.find((t) => t.name === "output")!;
  return {
    raw: bytes.length, // 100 lines of 38 bytes
    read: (args: Record<string, unknown>) =>
      tool.run(hub as unknown as Hub, { pid: 4242, ...args } as never, { client: null }),
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

Deno.test("an output result for 100 short lines costs little more than the lines themselves", async () => {
  using stored = storedLines();
  const { raw, read } = stored;
  const { text, structured } = await read({ lines: 100 });
  assert.equal(text.split("\n").length, 101, "one header line, then the lines");
  assert.ok(text.length <= 1.15 * raw, `text: ${text.length} bytes for ${raw}`);
  const json = JSON.stringify(structured);
  assert.ok(json.length <= 1.15 * raw + 150, `structured: ${json.length} bytes for ${raw}`);
  const stamped = await read({ lines: 100, timestamps: true });
  assert.equal((stamped.structured as { times?: unknown[] }).times?.length, 100);
});

Deno.test("an output result counts matches only with grep, in both forms", async () => {
  using stored = storedLines();
  const { read } = stored;
  // Without grep every line read matches: omitted_lines says the rest, matched_lines nothing.
  const last = await read({ lines: 20 });
  assert.equal(last.structured.omitted_lines, 80);
  assert.equal("matched_lines" in last.structured, false, JSON.stringify(last.structured));
  assert.match(last.text, /: 20 line\(s\); 80 more not shown; next_cursor/);
  // With grep the count of matches is news: items 10 to 19.
  const grep = await read({ grep: "items/1\\d", lines: 3 });
  assert.equal(grep.structured.matched_lines, 10);
  assert.equal(grep.structured.omitted_lines, 7);
  assert.match(grep.text, /: 3 line\(s\); 10 matched grep; 7 more not shown;/);
  // Every match shown, and nothing else: the line count says it.
  const all = await read({ grep: "items/1\\d" });
  assert.equal("matched_lines" in all.structured, false, JSON.stringify(all.structured));
  assert.doesNotMatch(all.text, /matched/);
  // With context lines, the count says which of the lines are matches.
  const context = await read({ grep: "items/50 ", context: 1 });
  assert.equal(context.structured.matched_lines, 1);
  assert.match(context.text, /: 3 line\(s\); 1 matched grep; next_cursor/);
});
