import assert from "node:assert/strict";
import { join } from "node:path";
import {
  logEnd,
  type LogPosition,
  type LogSegment,
  logSegments,
  readForward,
} from "./log_reader.ts";

function tempFile(lines: string[]): { path: string } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-reader-" });
  const path = join(dir, "combined.log");
  Deno.writeTextFileSync(path, lines.map((line) => `${line}\n`).join(""));
  return { path, [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }) };
}

async function collect(segments: LogSegment[], from: LogPosition) {
  const seen: string[] = [];
  const read = await readForward(segments, from, (line) => void seen.push(line));
  return { seen, ...read };
}

Deno.test("readForward resumes exactly after the position it returned", async () => {
  using file = tempFile(["one", "two", "é three"]);
  const segments = logSegments(file.path);
  const first = await collect(segments, { byte: 0, line: 0 });
  assert.deepEqual(first.seen, ["one", "two", "é three"]);
  assert.deepEqual(first.end, logEnd(segments));
  assert.deepEqual(first.end, { byte: 17, line: 3 });
  Deno.writeTextFileSync(file.path, "four\n", { append: true });
  const second = await collect(segments, first.end);
  assert.deepEqual(second.seen, ["four"]);
  assert.equal(second.skippedLines, 0);
});

Deno.test("readForward stops where visit says, and the end position points after that line", async () => {
  using file = tempFile(["a", "b", "c"]);
  const segments = logSegments(file.path);
  const read = await readForward(segments, { byte: 0, line: 0 }, (line) => line !== "b");
  assert.deepEqual(read.end, { byte: 4, line: 2 });
  assert.deepEqual((await collect(segments, read.end)).seen, ["c"]);
});

Deno.test("readForward reads lines across chunk boundaries", async () => {
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`);
  using file = tempFile(lines);
  const read = await collect(logSegments(file.path), { byte: 0, line: 0 });
  assert.deepEqual(read.seen, lines);
  assert.equal(logEnd(logSegments(file.path)).line, 30_000);
});

Deno.test("readForward counts the lines a rotation removed before the retained log", async () => {
  using file = tempFile(["kept 1", "kept 2"]);
  // As if 10 lines (100 bytes) had been rotated away before this file.
  const segments = [{ path: file.path, start: { byte: 100, line: 10 } }];
  const stale: LogPosition = { byte: 40, line: 4 };
  const read = await collect(segments, stale);
  assert.deepEqual(read.seen, ["kept 1", "kept 2"]);
  assert.equal(read.skippedLines, 6);
  assert.deepEqual(read.end, { byte: 114, line: 12 });
});

Deno.test("readForward refuses a position past the end of the log", async () => {
  using file = tempFile(["only"]);
  await assert.rejects(
    readForward(logSegments(file.path), { byte: 999, line: 9 }, () => {}),
    RangeError,
  );
});

Deno.test("readForward reads a missing file as empty", async () => {
  const read = await collect(logSegments("/nonexistent/persistproc.log"), { byte: 0, line: 0 });
  assert.deepEqual(read.seen, []);
  assert.deepEqual(read.end, { byte: 0, line: 0 });
});
