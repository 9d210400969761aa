import assert from "node:assert/strict";
import { join } from "node:path";
import { logExtent, type LogPosition, readForward } from "./log_forward.ts";
import { ProcessLog } from "./log_store.ts";

function tempDir(): { dir: string } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-forward-" });
  return { dir, [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }) };
}

function writeLines(path: string, lines: string[]): void {
  Deno.writeTextFileSync(path, lines.map((line) => `${line}\n`).join(""), { append: true });
}

async function collect(path: string, from: LogPosition) {
  const seen: string[] = [];
  const read = await readForward(path, from, (line) => seen.push(line) > 0);
  return { seen, ...read };
}

const ORIGIN = { byte: 0, line: 0 };

Deno.test("readForward resumes exactly after the position it returned", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  writeLines(path, ["one", "two", "é three"]);
  const first = await collect(path, ORIGIN);
  assert.deepEqual(first.seen, ["one", "two", "é three"]);
  assert.deepEqual(first.end, { byte: 17, line: 3 });
  assert.deepEqual(logExtent(path), { first: ORIGIN, end: first.end });
  writeLines(path, ["four"]);
  const second = await collect(path, first.end);
  assert.deepEqual(second.seen, ["four"]);
  assert.equal(second.skippedLines, 0);
});

Deno.test("readForward stops where visit says; the end points after that line", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  writeLines(path, ["a", "b", "c"]);
  const read = await readForward(path, ORIGIN, (line) => line !== "b");
  assert.deepEqual(read.end, { byte: 4, line: 2 });
  assert.deepEqual((await collect(path, read.end)).seen, ["c"]);
});

Deno.test("readForward reads lines across chunk boundaries", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`);
  writeLines(path, lines);
  assert.deepEqual((await collect(path, ORIGIN)).seen, lines);
  assert.equal(logExtent(path).end.line, 30_000);
});

Deno.test("a position survives rotation: nothing lost after one, lost lines counted after more", async () => {
  using tmp = tempDir();
  const log = new ProcessLog(join(tmp.dir, "p"), 1024);
  try {
    const path = log.paths.stdout;
    const line = (i: number) => `line ${String(i).padStart(4, "0")} ${"x".repeat(60)}`; // ~100 bytes stored
    let next = 0;
    const append = (count: number) => {
      for (let i = 0; i < count; i++) log.append("stdout", [line(next++)], new Date(0));
    };
    append(5);
    const cursor = (await collect(path, ORIGIN)).end;
    append(8); // the file passes 1 KiB once: lines 0-9 rotate to stdout.log.1
    const afterOne = await collect(path, cursor);
    assert.deepEqual(afterOne.seen.map((l) => l.slice(25, 34)), range(5, 13).map(label));
    assert.equal(afterOne.skippedLines, 0);
    append(30); // two more rotations: the lines after the cursor up to line 29 are gone
    const { first, end } = logExtent(path);
    assert.equal(end.line, 43);
    const afterMany = await collect(path, afterOne.end);
    assert.equal(afterMany.skippedLines, first.line - 13);
    assert.equal(afterMany.seen.length, 43 - first.line);
    assert.equal(afterMany.seen.at(-1)!.slice(25, 34), label(42));
    assert.deepEqual(afterMany.end, end);
  } finally {
    log.close();
  }
});

Deno.test("a log rotated before starts were recorded begins its current file after the rotated one", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  writeLines(`${path}.1`, ["old 1", "old 2"]);
  writeLines(path, ["new 1"]);
  assert.deepEqual(logExtent(path), { first: ORIGIN, end: { byte: 18, line: 3 } });
  assert.deepEqual((await collect(path, { byte: 12, line: 2 })).seen, ["new 1"]);
});

Deno.test("readForward stops at its deadline and says it was cut", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  writeLines(path, ["a", "b"]);
  const read = await readForward(path, ORIGIN, () => true, Date.now() - 1);
  assert.equal(read.cut, true);
  assert.deepEqual(read.end, ORIGIN, "the next read starts where this one stopped");
});

Deno.test("readForward refuses a position past the end of the log", async () => {
  using tmp = tempDir();
  const path = join(tmp.dir, "combined.log");
  writeLines(path, ["only"]);
  await assert.rejects(readForward(path, { byte: 999, line: 9 }, () => true), RangeError);
});

Deno.test("readForward reads a missing file as empty", async () => {
  const read = await collect("/nonexistent/persistproc.log", ORIGIN);
  assert.deepEqual(read.seen, []);
  assert.deepEqual(read.end, ORIGIN);
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function label(i: number): string {
  return `line ${String(i).padStart(4, "0")}`;
}
