import assert from "node:assert/strict";
import { lineSplitter, parseNdjson } from "./ndjson.ts";

async function split(chunks: string[]): Promise<string[]> {
  const lines: string[] = [];
  const stream = ReadableStream.from(chunks).pipeThrough(lineSplitter());
  for await (const line of stream) lines.push(line);
  return lines;
}

Deno.test("lineSplitter() joins lines that span chunks", async () => {
  assert.deepEqual(await split(["a", "b\nc", "\n", "d\ne\n"]), ["ab", "c", "d", "e"]);
});

Deno.test("lineSplitter() emits a last line without a newline and strips CR", async () => {
  assert.deepEqual(await split(["x\r\ny"]), ["x", "y"]);
});

Deno.test("parseNdjson() parses each line and skips blank ones", async () => {
  const bytes = new TextEncoder().encode('{"a":1}\n\n{"b":2}\n');
  const body = ReadableStream.from([bytes.slice(0, 4), bytes.slice(4)]);
  const values: unknown[] = [];
  for await (const value of parseNdjson(body)) values.push(value);
  assert.deepEqual(values, [{ a: 1 }, { b: 2 }]);
});
