import assert from "node:assert/strict";
import { join } from "node:path";
import { ProcessLog } from "./log_store.ts";
import { readTail } from "./log_reader.ts";

function tempLog(): ProcessLog & Disposable & { dir: string } {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-log-" });
  const log = new ProcessLog(join(dir, "p"));
  return Object.assign(log, {
    dir,
    [Symbol.dispose]() {
      log.close();
      Deno.removeSync(dir, { recursive: true });
    },
  });
}

Deno.test("ProcessLog stamps lines and keeps the combined stream in arrival order", () => {
  using log = tempLog();
  log.append("stdout", ["one"], new Date("2026-01-01T00:00:00.000Z"));
  log.append("stderr", ["two"], new Date("2026-01-01T00:00:01.000Z"));
  log.append("stdout", ["three"], new Date("2026-01-01T00:00:02.000Z"));
  assert.deepEqual(readTail(log.paths.combined, { lines: 10 }), [
    "2026-01-01T00:00:00.000Z [stdout] one",
    "2026-01-01T00:00:01.000Z [stderr] two",
    "2026-01-01T00:00:02.000Z [stdout] three",
  ]);
  assert.deepEqual(readTail(log.paths.stderr, { lines: 10 }), ["2026-01-01T00:00:01.000Z two"]);
});

Deno.test("ProcessLog files are readable by their owner only", () => {
  using log = tempLog();
  assert.equal(Deno.statSync(log.paths.stdout).mode! & 0o777, 0o600);
  assert.equal(Deno.statSync(join(log.dir, "p")).mode! & 0o777, 0o700);
});

Deno.test("readTail returns the last lines of a log larger than one chunk", () => {
  using log = tempLog();
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 50)}`);
  log.append("stdout", lines, new Date("2026-01-01T00:00:00.000Z"));
  const tail = readTail(log.paths.stdout, { lines: 3 });
  assert.deepEqual(tail.map((l) => l.slice(25)), lines.slice(-3));
  assert.equal(readTail(log.paths.stdout, { lines: 50_000 }).length, 20_000);
});

Deno.test("readTail filters by time window", () => {
  using log = tempLog();
  for (let s = 0; s < 10; s++) {
    log.append("stdout", [`at ${s}`], new Date(Date.UTC(2026, 0, 1, 0, 0, s)));
  }
  const got = readTail(log.paths.stdout, {
    lines: 100,
    since: new Date("2026-01-01T00:00:03Z"),
    before: new Date("2026-01-01T00:00:06Z"),
  });
  assert.deepEqual(got.map((l) => l.slice(25)), ["at 3", "at 4", "at 5"]);
});

Deno.test("readTail reads a missing file as empty", () => {
  assert.deepEqual(readTail("/nonexistent/persistproc.log", { lines: 5 }), []);
});

Deno.test("ProcessLog rotates at its cap and readTail reads across the rotation", () => {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-log-" });
  const log = new ProcessLog(join(dir, "p"), 4096);
  try {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}`);
    for (const line of lines) log.append("stdout", [line], new Date("2026-01-01T00:00:00.000Z"));
    assert.ok(Deno.statSync(log.paths.stdout).size <= 4096);
    assert.ok(Deno.statSync(`${log.paths.stdout}.1`).size <= 4096);
    const tail = readTail(log.paths.stdout, { lines: 150 });
    assert.deepEqual(tail.map((l) => l.slice(25)), lines.slice(-150));
  } finally {
    log.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
