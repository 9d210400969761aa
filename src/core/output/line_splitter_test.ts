import assert from "node:assert/strict";
import { LineSplitter } from "./line_splitter.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("LineSplitter joins lines split across chunks", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(enc("hel")), []);
  assert.deepEqual(s.push(enc("lo\nwor")), ["hello"]);
  assert.deepEqual(s.push(enc("ld\n\n")), ["world", ""]);
  assert.deepEqual(s.flush(), []);
});

Deno.test("LineSplitter keeps a last line without a newline", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(enc("a\nno newline")), ["a"]);
  assert.deepEqual(s.flush(), ["no newline"]);
});

Deno.test("LineSplitter drops the carriage return of CRLF", () => {
  assert.deepEqual(new LineSplitter().push(enc("dos\r\n")), ["dos"]);
});

Deno.test("LineSplitter replaces invalid UTF-8 instead of failing", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a])), ["a\uFFFD\uFFFDb"]);
});

Deno.test("LineSplitter decodes a multi-byte character split across chunks", () => {
  const s = new LineSplitter();
  const bytes = enc("é\n");
  assert.deepEqual(s.push(bytes.subarray(0, 1)), []);
  assert.deepEqual(s.push(bytes.subarray(1)), ["é"]);
});

Deno.test("LineSplitter cuts an endless line into bounded pieces", () => {
  const s = new LineSplitter(4);
  assert.deepEqual(s.push(enc("abcdefghij")), ["abcd", "efgh"]);
  assert.deepEqual(s.push(enc("k\n")), ["ijk"]);
});

Deno.test("LineSplitter splits a chunk of many whole lines and keeps its tail pending", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(enc("a\r\nb\n\nc\nd")), ["a", "b", "", "c"]);
  assert.deepEqual(s.push(enc("e\nf\n")), ["de", "f"]);
  assert.deepEqual(s.flush(), []);
});
