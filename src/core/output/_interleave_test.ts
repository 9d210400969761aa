import assert from "node:assert/strict";
import { interleave, type ReadBatch } from "./_interleave.ts";

function batch(kind: "stdout" | "stderr", text: string, start = 0, firstLine = 0): ReadBatch {
  const bytes = new TextEncoder().encode(text);
  const lines = text.split("\n").length - 1;
  return { kind, time: 0, start, end: start + bytes.length, lines, firstLine, bytes };
}

const shown = (batches: ReadBatch[]) =>
  batches.map((b) =>
    `${b.kind}:${new TextDecoder().decode(b.bytes).trimEnd().replaceAll("\n", ",")}`
  );

Deno.test("lines of two streams read together follow the order of the writes", () => {
  const out = batch("stdout", "o1\no2\no3\n");
  const err = batch("stderr", "e1\ne2\n");
  const writes = ["stdout", "stderr", "stdout", "stderr", "stdout"] as const;
  assert.deepEqual(shown(interleave([out], [err], writes).batches), [
    "stdout:o1",
    "stderr:e1",
    "stdout:o2",
    "stderr:e2",
    "stdout:o3",
  ]);
});

Deno.test("lines of one stream in a row stay one batch, with their byte range and numbers", () => {
  const out = batch("stdout", "a\nb\nc\n", 100, 7);
  const err = batch("stderr", "x\n", 50, 3);
  const merged = interleave([out], [err], ["stdout", "stdout", "stderr", "stdout"]).batches;
  assert.deepEqual(shown(merged), ["stdout:a,b", "stderr:x", "stdout:c"]);
  assert.deepEqual(
    merged.map(({ start, end, lines, firstLine }) => [start, end, lines, firstLine]),
    [[100, 104, 2, 7], [50, 52, 1, 3], [104, 106, 1, 9]],
  );
});

Deno.test("lines without a write of their own follow, stdout first", () => {
  const merged = interleave([batch("stdout", "a\nb\n")], [batch("stderr", "x\n")], [
    "stderr",
    "stderr",
  ]);
  assert.deepEqual(shown(merged.batches), ["stderr:x", "stdout:a,b"]);
  assert.deepEqual(merged.unread, ["stderr"], "a write not read yet waits for its line");
});

Deno.test("the lines of a write of several lines follow that stream's last write", () => {
  const out = batch("stdout", "log1\nlog2\n");
  const err = batch("stderr", "Error: boom\n    at f\n    at g\n");
  // A stack trace is one write of three lines, after two writes of one line each.
  const merged = interleave([out], [err], ["stdout", "stdout", "stderr"]);
  assert.deepEqual(shown(merged.batches), [
    "stdout:log1,log2",
    "stderr:Error: boom,    at f,    at g",
  ]);
});
