import assert from "node:assert/strict";
import { fixture } from "./_output_fixture.ts";
import { readOutput } from "./query.ts";

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000);
const texts = (output: string[]) => output;
Deno.test("output returns a cursor, and the cursor returns only what came after", async () => {
  using f = fixture();
  f.log.append("stdout", ["one", "two"], at(0));
  const first = await readOutput(f.hub, { pid: 42 });
  assert.deepEqual(texts(first.output), ["one", "two"]);
  assert.equal(first.omitted_lines, 0);
  f.log.append("stderr", ["three"], at(1));
  const second = await readOutput(f.hub, { pid: 42, cursor: first.next_cursor });
  assert.deepEqual(texts(second.output), ["[err] three"]);
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
      "b",
      "c",
    ],
  );
  assert.deepEqual(texts((await readOutput(f.hub, { pid: 42, cursor: bob.next_cursor })).output), [
    "c",
  ]);
});

Deno.test("a cursor read keeps the newest lines and counts the ones it left out", async () => {
  using f = fixture();
  const start = await readOutput(f.hub, { pid: 42 });
  f.log.append("stdout", Array.from({ length: 50 }, (_, i) => `line ${i}`), at(0));
  const page = await readOutput(f.hub, { pid: 42, cursor: start.next_cursor, lines: 5 });
  assert.deepEqual(texts(page.output), [45, 46, 47, 48, 49].map((i) => `line ${i}`));
  assert.equal(page.matched_lines, 50);
  assert.equal(page.omitted_lines, 45);
});

Deno.test("grep searches the whole log, not only the last lines, with context", async () => {
  using f = fixture();
  f.log.append("stdout", ["boot", "Error: early failure", "after"], at(0));
  f.log.append("stdout", Array.from({ length: 5_000 }, (_, i) => `noise ${i}`), at(1));
  const page = await readOutput(f.hub, { pid: 42, grep: "^Error", context: 1 });
  assert.deepEqual(texts(page.output), [
    "boot",
    "Error: early failure",
    "after",
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
  assert.deepEqual(texts(plain.output), ["ready on http://localhost:3000"]);
  const raw = await readOutput(f.hub, { pid: 42, strip_ansi: false });
  assert.ok(raw.output[0].includes("\x1b[32mready"));
  assert.ok(Deno.readTextFileSync(f.log.store.spoolPath("stdout")).includes("\x1b[32mready"));
  // grep sees the text a person sees, not the escapes between its words.
  assert.equal((await readOutput(f.hub, { pid: 42, grep: "ready on http" })).output.length, 1);
});

Deno.test("max_bytes keeps the newest lines that fit and counts the rest", async () => {
  using f = fixture();
  f.log.append("stdout", Array.from({ length: 100 }, (_, i) => `${i}`.padStart(70, ".")), at(0));
  const page = await readOutput(f.hub, { pid: 42, max_bytes: 1_000 });
  const bytes = page.output.reduce((sum, line) => sum + line.length + 1, 0);
  assert.ok(bytes <= 1_000, `${bytes} bytes`);
  assert.equal(page.output.length, 14); // 70 + 1 = 71 bytes a line
  assert.match(page.output.at(-1)!, /\.99$/);
  assert.equal(page.matched_lines, 100);
  assert.equal(page.omitted_lines, 86);
});

Deno.test("a time window with a cursor stops before the window's end and resumes there", async () => {
  using f = fixture();
  for (let s = 0; s < 6; s++) f.log.append("stdout", [`at ${s}`], at(s));
  const window = await readOutput(f.hub, {
    pid: 42,
    since_time: at(1).toISOString(),
    before_time: at(3).toISOString(),
  });
  assert.deepEqual(texts(window.output), ["at 1", "at 2"]);
  const rest = await readOutput(f.hub, { pid: 42, cursor: window.next_cursor });
  assert.deepEqual(texts(rest.output), ["at 3", "at 4", "at 5"]);
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

Deno.test("the combined stream marks stderr lines and where a new run began", async () => {
  using f = fixture();
  f.log.store.markRun("start", at(0).getTime());
  f.log.append("stdout", ["first run"], at(0));
  f.log.store.markRun("restart", at(5).getTime());
  f.log.append("stdout", ["out"], at(6));
  f.log.append("stderr", ["oops"], at(7));
  const all = await readOutput(f.hub, { pid: 42 });
  assert.deepEqual(all.output, [
    "first run",
    `--- run 2 (restart) ${at(5).toISOString()} ---`,
    "out",
    "[err] oops",
  ]);
  const current = await readOutput(f.hub, { pid: 42, run: "current" });
  assert.deepEqual(current.output, ["out", "[err] oops"]);
  assert.equal(current.matched_lines, 2);
  const stderr = await readOutput(f.hub, { pid: 42, stream: "stderr" });
  assert.deepEqual(stderr.output, [`--- run 2 (restart) ${at(5).toISOString()} ---`, "oops"]);
});
