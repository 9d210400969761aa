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

Deno.test("a stream's lines from two reads, beside the other's, become one batch with every byte", () => {
  // Two reads of stdout land in two buffers; their lines join across them.
  const first = batch("stdout", "a\nb\n", 0, 0);
  const second = batch("stdout", "c\nd\n", 4, 2);
  const err = batch("stderr", "x\n", 0, 0);
  const merged = interleave([first, second], [err], ["stderr"]).batches;
  assert.deepEqual(shown(merged), ["stderr:x", "stdout:a,b,c,d"]);
  assert.deepEqual(
    merged.map(({ start, end, lines, firstLine }) => [start, end, lines, firstLine]),
    [[0, 2, 1, 0], [0, 8, 4, 0]],
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

Deno.test("a line read before its write's event waits for it, with the other stream's later lines", () => {
  // o2 was read while its write had not queued its event yet; e1 came before it or after.
  const first = interleave(
    [batch("stdout", "o1\no2\n")],
    [batch("stderr", "e1\n")],
    [
      "stdout",
      "stderr",
    ],
    undefined,
    true,
  );
  assert.deepEqual(shown(first.batches), ["stdout:o1"]);
  assert.ok(first.held);
  assert.deepEqual(first.unread, ["stderr"]);
  // Read again: o2's event has come, after e1's.
  const again = interleave(
    [batch("stdout", "o2\no3\n", 3, 1)],
    [batch("stderr", "e1\n")],
    [...first.unread, "stdout", "stdout"],
    first.waiting,
    true,
  );
  assert.deepEqual(shown(again.batches), ["stderr:e1", "stdout:o2,o3"]);
  assert.equal(again.held, false);
});

Deno.test("lines whose event never comes follow their stream's last write, one read later", () => {
  // A stack trace in one write, then a stdout line: which came first shows only next time.
  const first = interleave(
    [batch("stdout", "log\nbye\n")],
    [batch("stderr", "Error: boom\n    at f\n")],
    ["stdout", "stderr", "stdout"],
    undefined,
    true,
  );
  assert.deepEqual(shown(first.batches), ["stdout:log", "stderr:Error: boom"]);
  const again = interleave(
    [batch("stdout", "bye\n", 4, 1)],
    [batch("stderr", "    at f\n", 12, 1)],
    first.unread,
    first.waiting,
    true,
  );
  assert.deepEqual(shown(again.batches), ["stderr:    at f", "stdout:bye"]);
  assert.equal(again.held, false);
});

Deno.test("a write whose line is not read yet holds back the other stream's later lines once", () => {
  const writes = ["stderr", "stderr", "stdout"] as const;
  const err = batch("stderr", "e0\n");
  const first = interleave([batch("stdout", "o1\n")], [err], writes, undefined, true);
  assert.deepEqual(shown(first.batches), ["stderr:e0"], "o1 waits for e1, written before it");
  assert.deepEqual(first.unread, ["stderr", "stdout"]);
  // e1 is still not a whole line (an unfinished line): o1 waits no longer.
  const again = interleave([batch("stdout", "o1\n")], [], first.unread, first.waiting, true);
  assert.deepEqual(shown(again.batches), ["stdout:o1"]);
  assert.deepEqual(again.unread, []);
});

Deno.test("one stream's lines beyond its writes wait a read too, and then go", () => {
  const first = interleave([batch("stdout", "a\nb\nc\n")], [], ["stdout"], undefined, true);
  assert.deepEqual(shown(first.batches), ["stdout:a"]);
  assert.deepEqual(first.waiting.lines, { stdout: 2, stderr: 0 });
  const again = interleave([batch("stdout", "b\nc\n", 2, 1)], [], [], first.waiting, true);
  assert.deepEqual(shown(again.batches), ["stdout:b,c"]);
  assert.equal(again.held, false);
});
