import assert from "node:assert/strict";
import { countNewlines, LineCutter, MAX_LINE_BYTES } from "./_line_cutter.ts";
import type { ReadBatch } from "./_interleave.ts";

Deno.test("countNewlines counts every newline, at any alignment and next to any byte", () => {
  let state = 11;
  const pick = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < 300; round++) {
    const bytes = new Uint8Array(pick(200) + 8);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = [0x0a, 0x0b, 0x09, 0x8a, 0xff, 0x00, 0x0a, 0x41][pick(8)];
    }
    const from = pick(8);
    const part = bytes.subarray(from, from + pick(bytes.length - from + 1));
    assert.equal(countNewlines(part), part.filter((byte) => byte === 0x0a).length);
  }
});

function cut(chunk: Uint8Array): { batches: ReadBatch[]; rest: Uint8Array } {
  const cutter = new LineCutter({
    end: { stdout: { byte: 0, line: 0 }, stderr: { byte: 0, line: 0 } },
  });
  const batches: ReadBatch[] = [];
  const rest = cutter.split("stdout", chunk, batches, 0);
  return { batches, rest };
}

Deno.test("a read after an unfinished line is cut into one batch of whole lines", () => {
  const text = "x".repeat(MAX_LINE_BYTES - 10) + "\n" + "short\n".repeat(2_000) + "unfinished";
  const { batches, rest } = cut(new TextEncoder().encode(text));
  assert.equal(batches.length, 1);
  assert.equal(batches[0].lines, 2_001);
  assert.equal(new TextDecoder().decode(rest), "unfinished");
});

Deno.test("a line longer than the cap in the middle of a read is cut into pieces", () => {
  const text = "a\n" + "y".repeat(MAX_LINE_BYTES + 5) + "\nb\n";
  const { batches, rest } = cut(new TextEncoder().encode(text));
  assert.deepEqual(batches.map((batch) => [batch.end - batch.start, batch.lines]), [
    [2, 1],
    [MAX_LINE_BYTES, 1],
    [8, 2],
  ]);
  assert.equal(rest.length, 0);
});

Deno.test("a flood's large read of short lines is one batch; a long line anywhere in it is cut", () => {
  const short = "0123456789\n".repeat(30_000); // 330 KB: a flood's read after a line
  const whole = cut(new TextEncoder().encode(short + "unfinished"));
  assert.deepEqual(whole.batches.map((batch) => batch.lines), [30_000]);
  assert.equal(new TextDecoder().decode(whole.rest), "unfinished");
  // A line just over the cap, late in the read, away from the read's first 128 KiB.
  const long = short + "z".repeat(MAX_LINE_BYTES + 1) + "\n" + short;
  const pieces = cut(new TextEncoder().encode(long));
  assert.deepEqual(pieces.batches.map((batch) => [batch.end - batch.start, batch.lines]), [
    [short.length, 30_000],
    [MAX_LINE_BYTES, 1],
    [short.length + 2, 30_001],
  ]);
  assert.equal(pieces.rest.length, 0);
});
