import assert from "node:assert/strict";
import { join } from "node:path";
import { ProcessLog } from "./log_store.ts";
import { type OutputHub, readOutput } from "./query.ts";
import type { ProcessInfo } from "../types.ts";

/** A process log and a hub that knows only it. */
function fixture(): { log: ProcessLog; hub: OutputHub } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-output-" });
  const log = new ProcessLog(join(dir, "p"));
  const info = {
    pid: 42,
    label: "web",
    status: "running",
    log_stdout: log.paths.stdout,
    log_stderr: log.paths.stderr,
    log_combined: log.paths.combined,
  } as ProcessInfo;
  return {
    log,
    hub: { get: () => info },
    [Symbol.dispose]() {
      log.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000);
const texts = (output: string[]) => output.map((line) => line.slice(25));

Deno.test("output returns a cursor, and the cursor returns only what came after", async () => {
  using f = fixture();
  f.log.append("stdout", ["one", "two"], at(0));
  const first = await readOutput(f.hub, { pid: 42 });
  assert.deepEqual(texts(first.output), ["[stdout] one", "[stdout] two"]);
  assert.equal(first.omitted_lines, 0);
  f.log.append("stderr", ["three"], at(1));
  const second = await readOutput(f.hub, { pid: 42, cursor: first.next_cursor });
  assert.deepEqual(texts(second.output), ["[stderr] three"]);
  const third = await readOutput(f.hub, { pid: 42, cursor: second.next_cursor });
  assert.deepEqual(third.output, []);
  assert.equal(third.next_cursor, second.next_cursor);
});

Deno.test("two readers with their own cursors do not disturb each other", async () => {
  using f = fixture();
  f.log.append("stdout", ["a"], at(0));
  const alice = await readOutput(f.hub, { pid: 42 });
  f.log.append("stdout", ["b"], at(1));
  const bob = await readOutput(f.hub, { pid: 42 });
  f.log.append("stdout", ["c"], at(2));
  assert.deepEqual(
    texts((await readOutput(f.hub, { pid: 42, cursor: alice.next_cursor })).output),
    [
      "[stdout] b",
      "[stdout] c",
    ],
  );
  assert.deepEqual(texts((await readOutput(f.hub, { pid: 42, cursor: bob.next_cursor })).output), [
    "[stdout] c",
  ]);
});

Deno.test("a cursor read keeps the newest lines and counts the ones it left out", async () => {
  using f = fixture();
  const start = await readOutput(f.hub, { pid: 42 });
  f.log.append("stdout", Array.from({ length: 50 }, (_, i) => `line ${i}`), at(0));
  const page = await readOutput(f.hub, { pid: 42, cursor: start.next_cursor, lines: 5 });
  assert.deepEqual(texts(page.output), [45, 46, 47, 48, 49].map((i) => `[stdout] line ${i}`));
  assert.equal(page.matched_lines, 50);
  assert.equal(page.omitted_lines, 45);
});

Deno.test("grep searches the whole log, not only the last lines, with context", async () => {
  using f = fixture();
  f.log.append("stdout", ["boot", "Error: early failure", "after"], at(0));
  f.log.append("stdout", Array.from({ length: 5_000 }, (_, i) => `noise ${i}`), at(1));
  const page = await readOutput(f.hub, { pid: 42, grep: "^Error", context: 1 });
  assert.deepEqual(texts(page.output), [
    "[stdout] boot",
    "[stdout] Error: early failure",
    "[stdout] after",
  ]);
  assert.equal(page.matched_lines, 1);
  assert.equal(page.omitted_lines, 0);
  const stderrOnly = await readOutput(f.hub, { pid: 42, stream: "stderr", grep: "Error" });
  assert.deepEqual(stderrOnly.output, []);
});

Deno.test("ANSI escapes are stripped unless strip_ansi is false; the log keeps them", async () => {
  using f = fixture();
  f.log.append("stdout", ["\x1b[32mready\x1b[39m on \x1b[1mhttp://localhost:3000\x1b[22m"], at(0));
  const plain = await readOutput(f.hub, { pid: 42 });
  assert.deepEqual(texts(plain.output), ["[stdout] ready on http://localhost:3000"]);
  const raw = await readOutput(f.hub, { pid: 42, strip_ansi: false });
  assert.ok(raw.output[0].includes("\x1b[32mready"));
  assert.ok(Deno.readTextFileSync(f.log.paths.stdout).includes("\x1b[32mready"));
  // grep sees the text a person sees, not the escapes between its words.
  assert.equal((await readOutput(f.hub, { pid: 42, grep: "ready on http" })).output.length, 1);
});

Deno.test("max_bytes keeps the newest lines that fit and counts the rest", async () => {
  using f = fixture();
  f.log.append("stdout", Array.from({ length: 100 }, (_, i) => `${i}`.padStart(70, ".")), at(0));
  const page = await readOutput(f.hub, { pid: 42, max_bytes: 1_000 });
  const bytes = page.output.reduce((sum, line) => sum + line.length + 1, 0);
  assert.ok(bytes <= 1_000, `${bytes} bytes`);
  assert.equal(page.output.length, 9); // 24 + 1 + 9 + 70 + 1 = 105 bytes a line
  assert.match(page.output.at(-1)!, /\.99$/);
  assert.equal(page.matched_lines, 100);
  assert.equal(page.omitted_lines, 91);
});

Deno.test("a time window with a cursor stops before the window's end and resumes there", async () => {
  using f = fixture();
  for (let s = 0; s < 6; s++) f.log.append("stdout", [`at ${s}`], at(s));
  const window = await readOutput(f.hub, {
    pid: 42,
    since_time: at(1).toISOString(),
    before_time: at(3).toISOString(),
  });
  assert.deepEqual(texts(window.output), ["[stdout] at 1", "[stdout] at 2"]);
  const rest = await readOutput(f.hub, { pid: 42, cursor: window.next_cursor });
  assert.deepEqual(texts(rest.output), ["[stdout] at 3", "[stdout] at 4", "[stdout] at 5"]);
});

Deno.test("output refuses bad options with messages that say what to send", async () => {
  using f = fixture();
  await assert.rejects(readOutput(f.hub, { pid: 42, context: 2 }), /give grep too/);
  await assert.rejects(readOutput(f.hub, { pid: 42, grep: "(" }), /Invalid grep/);
  await assert.rejects(readOutput(f.hub, { pid: 42, max_bytes: 10 }), /Invalid max_bytes/);
  await assert.rejects(readOutput(f.hub, { pid: 42, cursor: "nope" }), /Invalid cursor/);
  const stdout = await readOutput(f.hub, { pid: 42, stream: "stdout" });
  await assert.rejects(
    readOutput(f.hub, { pid: 42, cursor: stdout.next_cursor }),
    /another process or stream/,
  );
});
