import assert from "node:assert/strict";
import { join } from "node:path";
import { OutputReader } from "./output_reader.ts";
import { OutputStore } from "./output_store.ts";
import { RECORD_BYTES } from "./_store_index.ts";
import type { HolePuncher } from "../system/hole_punch.ts";

function tempDir(): { dir: string } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-store-" });
  return { dir, [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }) };
}

/** Appends raw bytes as a child would, and indexes them as one batch. */
function write(store: OutputStore, stream: "stdout" | "stderr", text: string, time = 1_000): void {
  const bytes = new TextEncoder().encode(text);
  Deno.writeFileSync(store.spoolPath(stream), bytes, { append: true });
  const end = store.end[stream];
  const lines = text.split("\n").length - 1;
  store.store([{
    kind: stream,
    time,
    start: end.byte,
    end: end.byte + bytes.length,
    lines,
    firstLine: end.line,
  }]);
}

const texts = (entries: { kind: string; text?: string }[]) => entries.map((e) => e.text ?? e.kind);

Deno.test("the spool bytes are the log: nothing but a small index is written beside them", () => {
  using tmp = tempDir();
  const store = new OutputStore(tmp.dir);
  write(store, "stdout", "one\ntwo\n");
  write(store, "stderr", "bad\n");
  write(store, "stdout", "three\r\n");
  store.close();
  assert.equal(Deno.readTextFileSync(join(tmp.dir, "stdout.spool")), "one\ntwo\nthree\r\n");
  assert.equal(Deno.statSync(join(tmp.dir, "output.index")).size, 3 * RECORD_BYTES);
  const reader = new OutputReader(tmp.dir);
  assert.deepEqual(texts(reader.newest("combined", 10)), ["one", "two", "bad", "three"]);
  assert.deepEqual(texts(reader.newest("stdout", 2)), ["two", "three"]);
  assert.equal(reader.lineCount("combined"), 4);
});

Deno.test("a reopened store resumes from the last whole index record", () => {
  using tmp = tempDir();
  const first = new OutputStore(tmp.dir);
  write(first, "stdout", "a\nb\n");
  first.close();
  // A crash tore the next record: it is dropped, and its batch is read again.
  Deno.writeFileSync(join(tmp.dir, "output.index"), new Uint8Array(7), { append: true });
  const second = new OutputStore(tmp.dir);
  assert.deepEqual(second.end.stdout, { byte: 4, line: 2 });
  write(second, "stdout", "c\n");
  second.close();
  assert.deepEqual(texts(new OutputReader(tmp.dir).newest("stdout", 10)), ["a", "b", "c"]);
});

Deno.test("a lost or damaged index is rebuilt from the spool files", () => {
  using tmp = tempDir();
  const store = new OutputStore(tmp.dir);
  write(store, "stdout", "a\nb\n");
  write(store, "stderr", "e\n");
  store.close();
  Deno.writeFileSync(join(tmp.dir, "output.index"), new Uint8Array(RECORD_BYTES).fill(0xff));
  Deno.writeTextFileSync(join(tmp.dir, "stdout.spool"), "c\npartial", { append: true });
  const rebuilt = new OutputStore(tmp.dir);
  assert.deepEqual(rebuilt.end.stdout, { byte: 6, line: 3 }); // the partial line waits
  rebuilt.close();
  assert.deepEqual(texts(new OutputReader(tmp.dir).newest("combined", 10)), ["a", "b", "c", "e"]);
});

Deno.test("a 0.3 directory is migrated: stamped lines become raw history, the spool goes on", () => {
  using tmp = tempDir();
  Deno.writeTextFileSync(
    join(tmp.dir, "combined.log"),
    "2026-01-01T00:00:00.000Z [stdout] old out\n2026-01-01T00:00:01.000Z [stderr] old err\n",
  );
  Deno.writeTextFileSync(join(tmp.dir, "stdout.log"), "2026-01-01T00:00:00.000Z old out\n");
  // The spool holds "old out" (stored) and "new" (not stored yet).
  Deno.writeTextFileSync(join(tmp.dir, "stdout.spool"), "old out\nnew\n");
  Deno.writeTextFileSync(join(tmp.dir, "spool.position"), "8 0\n");
  const store = new OutputStore(tmp.dir);
  assert.equal(store.spoolOffset("stdout", store.end.stdout.byte), 8);
  const reader = new OutputReader(tmp.dir);
  const entries = reader.newest("combined", 10);
  assert.deepEqual(texts(entries), ["old out", "old err"]);
  assert.equal(entries[1].time, Date.UTC(2026, 0, 1, 0, 0, 1));
  assert.throws(() => Deno.statSync(join(tmp.dir, "combined.log")), Deno.errors.NotFound);
  write(store, "stdout", "");
  store.close();
  // Opening again does not migrate twice.
  new OutputStore(tmp.dir).close();
  assert.deepEqual(texts(new OutputReader(tmp.dir).newest("combined", 10)), ["old out", "old err"]);
});

Deno.test("with hole punching, a flood keeps between one and two caps and readers start at a line", () => {
  using tmp = tempDir();
  const punched: number[] = [];
  const puncher: HolePuncher = { punch: (_path, _offset, length) => punched.push(length) };
  const store = new OutputStore(tmp.dir, { maxBytes: 4096, puncher });
  for (let i = 0; i < 100; i++) {
    write(store, "stdout", `${"x".repeat(90)} ${String(i).padStart(4)}\n`.repeat(2), i);
    store.retain("stdout", store.end.stdout.byte);
  }
  store.close();
  assert.ok(punched.length > 0);
  const reader = new OutputReader(tmp.dir);
  const { first, end } = reader.extent();
  assert.ok(end.stdout.byte - first.stdout.byte <= 2 * 4096);
  const oldest = reader.newest("stdout", 1_000)[0];
  assert.ok(oldest.kind === "line" && oldest.text.startsWith("xxx"));
});

Deno.test("without hole punching, a read spool is rotated to one older generation", () => {
  using tmp = tempDir();
  const store = new OutputStore(tmp.dir, { maxBytes: 1024, puncher: null });
  for (let i = 0; i < 50; i++) {
    write(store, "stdout", `line ${String(i).padStart(3, "0")} ${"y".repeat(90)}\n`);
    store.retain("stdout", store.end.stdout.byte);
  }
  store.close();
  const total = ["stdout.spool", "stdout.1"]
    .reduce((sum, name) => sum + Deno.statSync(join(tmp.dir, name)).size, 0);
  assert.ok(total <= 3 * 1024, `${total} bytes`);
  const lines = texts(new OutputReader(tmp.dir).newest("stdout", 1_000));
  assert.ok(lines.at(-1)!.startsWith("line 049"));
  assert.ok(lines.length >= 10 && lines.length < 50, `${lines.length} lines`);
});

Deno.test("the index drops the records of punched-out output once there are many", () => {
  using tmp = tempDir();
  const puncher: HolePuncher = { punch: () => {} };
  const store = new OutputStore(tmp.dir, { maxBytes: 4096, puncher });
  for (let i = 0; i < 12_000; i++) {
    write(store, "stdout", `${String(i).padStart(9)}\n`, i); // one 10-byte line a batch
    store.retain("stdout", store.end.stdout.byte);
  }
  store.close();
  const records = Deno.statSync(join(tmp.dir, "output.index")).size / RECORD_BYTES;
  assert.ok(records < 9_000, `${records} records kept`);
  const reader = new OutputReader(tmp.dir);
  const newest = reader.newest("stdout", 3).map((e) => e.kind === "line" && e.text.trim());
  assert.deepEqual(newest, ["11997", "11998", "11999"]);
  assert.ok(reader.lineCount("stdout") <= 820, `${reader.lineCount("stdout")} lines retained`);
});
