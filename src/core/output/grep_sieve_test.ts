import assert from "node:assert/strict";
import { fixture } from "./_output_fixture.ts";
import { type OutputRequest, readOutput } from "./query.ts";

/** A small deterministic generator, so that a failure can be run again. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

const encoder = new TextEncoder();
// Pieces of lines: words the patterns look for, in several cases, split by escapes; characters
// that case folding or decoding treat specially; bytes that are not UTF-8.
const PIECES: (string | number[])[] = [
  "error",
  "Error",
  "ERROR",
  "warn",
  "ok",
  "line 42,",
  "kelvin",
  "\u212A",
  "\u017F",
  "é",
  "日本",
  "\x1b[31m",
  "\x1b[0m",
  "\x1b]0;t\x07",
  "\u009b1m",
  "\r",
  "\t",
  " ",
  "\uFEFF",
  "connection refused",
  "con\x1b[1mnection refused",
  "err\ror",
  "ok\r",
  [0xff],
  [0xc3],
  [0xef, 0xbb, 0xbf],
  "x",
  "42",
]; // deno-fmt-ignore
const PATTERNS = [
  "error", "(?i)error", "(?i)KELVIN", "(?i)s", "con.*refused", "connection refused", "line 42,",
  "error|warn", "(?i)error|ok", "^ok$", "é", "日本", "\\d+", "e\\.?r", "(?s)err", "x{0}error",
  "ok+", "[Ee]rror", "\\x{212A}", "\uFEFF", "\\Qline 42,\\E", "(er)ror", "ro?r", "^$",
]; // deno-fmt-ignore

function line(pick: (n: number) => number): number[] {
  const bytes: number[] = [];
  const pieces = pick(6);
  for (let i = 0; i < pieces; i++) {
    const piece = PIECES[pick(PIECES.length)];
    bytes.push(...(typeof piece === "string" ? encoder.encode(piece) : piece));
  }
  return bytes;
}

Deno.test("grep that decodes only the lines that may match answers as the full scan does", async () => {
  const T0 = Date.UTC(2026, 0, 1);
  const seeds = Number(Deno.env.get("GREP_SIEVE_SEEDS") ?? 40);
  for (let seed = 1; seed <= seeds; seed++) {
    const pick = random(seed);
    using f = fixture();
    const cursors: (string | undefined)[] = [undefined];
    const batches = 1 + pick(40);
    for (let b = 0; b < batches; b++) {
      if (pick(15) === 0) f.log.store.markRun(pick(2) ? "restart" : "start", T0 + b * 1000);
      const lines = pick(4) === 0 ? pick(80) : pick(8);
      const bytes: number[] = [];
      for (let i = 0; i < lines; i++) {
        const text = line(pick);
        bytes.push(...text);
        // Sometimes the last line has no newline (a line cut at its longest).
        if (i < lines - 1 || text.length === 0 || pick(6) !== 0) bytes.push(0x0a);
      }
      const stream = pick(3) === 0 ? "stderr" : "stdout";
      f.log.appendBytes(stream, new Uint8Array(bytes), lines, new Date(T0 + b * 1000));
      if (pick(8) === 0) cursors.push((await readOutput(f.hub, { pid: 42 })).next_cursor);
    }
    for (let q = 0; q < 30; q++) {
      const request: OutputRequest = {
        pid: 42,
        grep: PATTERNS[pick(PATTERNS.length)],
        context: pick(4),
        lines: 1 + pick(12),
        stream: (["combined", "stdout", "stderr"] as const)[pick(3)],
        strip_ansi: pick(4) !== 0,
        cursor: cursors[pick(cursors.length)],
      };
      if (request.stream !== "combined") request.cursor = undefined;
      if (pick(4) === 0) request.since_time = new Date(T0 + pick(batches) * 1000).toISOString();
      if (pick(4) === 0) request.before_time = new Date(T0 + pick(batches) * 1000).toISOString();
      const full = await readOutput(f.hub, request, { sieve: false });
      const sieved = await readOutput(f.hub, request);
      assert.deepEqual(sieved, full, `seed ${seed}: ${JSON.stringify(request)}`);
    }
  }
});

Deno.test("grep with context finds a match at a batch's edge with the lines around it", async () => {
  using f = fixture();
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
  f.log.append("stdout", ["a", "b"], at(0));
  f.log.append("stderr", ["c"], at(1));
  f.log.append("stdout", ["needle", "d"], at(2));
  f.log.append("stdout", Array.from({ length: 100 }, (_, i) => `noise ${i}`), at(3));
  f.log.append("stdout", ["e", "f", "needle"], at(4));
  f.log.append("stderr", ["g"], at(5));
  const page = await readOutput(f.hub, { pid: 42, grep: "needle", context: 2 });
  assert.deepEqual(page.output, [
    "b",
    "[err] c",
    "needle",
    "d",
    "noise 0",
    "--",
    "e",
    "f",
    "needle",
    "[err] g",
  ]);
  assert.equal(page.matched_lines, 2);
});

Deno.test("a search whose rarest byte turns out common in the log still finds every match", async () => {
  using f = fixture();
  const at = new Date(Date.UTC(2026, 0, 1));
  // "z" is the rarest byte of the pattern by the table, but here it is on every line, three
  // times: the search gives it up at its 66th place, which begins the first match.
  const lines = Array.from({ length: 500 }, (_, i) => `zz ${i} zq`);
  lines[21] = "zz zebra zq";
  lines[400] = "zebra";
  f.log.append("stdout", lines, at);
  f.log.append("stdout", ["zz", "a zebra", "zz"], at);
  const page = await readOutput(f.hub, { pid: 42, grep: "zebra" });
  assert.deepEqual(page.output, ["zz zebra zq", "--", "zebra", "--", "a zebra"]);
});
