import assert from "node:assert/strict";
import { OutputReader } from "./output_reader.ts";
import { OutputStore } from "./output_store.ts";
import { tailSpool } from "./spool_tail.ts";

function tempStore(): { store: OutputStore; dir: string } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-tail-" });
  const store = new OutputStore(dir);
  return {
    store,
    dir,
    [Symbol.dispose]() {
      store.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

function lines(dir: string): string[] {
  return new OutputReader(dir).newest("combined", 100_000)
    .flatMap((entry) => entry.kind === "line" ? [entry.text] : []);
}

/** A tail of "one\ntwo\n" whose store throws `message` while `failing()`; its errors, in order. */
function failingTail(t: ReturnType<typeof tempStore>, failing: () => boolean, message: string) {
  Deno.writeTextFileSync(t.store.spoolPath("stdout"), "one\ntwo\n");
  const store = t.store.store.bind(t.store);
  t.store.store = (batches) => {
    if (failing()) throw new Error(message);
    store(batches);
  };
  const errors: (string | null)[] = [];
  const tail = tailSpool({
    store: t.store,
    ended: Promise.resolve(),
    writersGone: () => true,
    stored: () => {},
    onError: (error) => errors.push(error ? error.message : null),
  });
  return { tail, errors };
}

Deno.test("a store that fails is retried from the same place: nothing is lost or repeated", async () => {
  using t = tempStore();
  let failures = 2;
  const { tail, errors } = failingTail(
    t,
    () => failures-- > 0,
    "No space left on device (os error 28)",
  );
  await tail.finished;
  assert.deepEqual(errors, ["No space left on device (os error 28)", null]);
  assert.deepEqual(lines(t.dir), ["one", "two"]);
});

Deno.test("a spool that cannot be read is reported, not thrown, and read once it returns", async () => {
  using t = tempStore();
  Deno.removeSync(t.store.spoolPath("stderr"));
  const errors: (string | null)[] = [];
  let gone = false;
  const tail = tailSpool({
    store: t.store,
    ended: Promise.resolve(),
    writersGone: () => gone,
    stored: () => {},
    onError: (error) => {
      errors.push(error ? "failed" : null);
      if (error) Deno.writeTextFileSync(t.store.spoolPath("stderr"), "late\n");
      else gone = true;
    },
  });
  await tail.finished;
  assert.deepEqual(errors, ["failed", null]);
  assert.deepEqual(lines(t.dir), ["late"]);
});

Deno.test("a line over 64 KiB is stored in pieces cut at character boundaries", async () => {
  using t = tempStore();
  const long = "é".repeat(100_000); // 200,000 bytes
  Deno.writeTextFileSync(t.store.spoolPath("stdout"), `${long}\nend`);
  const tail = tailSpool({
    store: t.store,
    ended: Promise.resolve(),
    writersGone: () => true,
    stored: () => {},
    onError: (error) => assert.fail(String(error)),
  });
  await tail.finished;
  const stored = lines(t.dir);
  assert.equal(stored.at(-1), "end", "a last line without newline is kept");
  const pieces = stored.slice(0, -1);
  assert.ok(pieces.length >= 4, `${pieces.length} pieces`);
  assert.equal(pieces.join(""), long);
  assert.ok(pieces.every((piece) => !piece.includes("\uFFFD")));
});

Deno.test("a run's end is not held up by output that cannot be stored; the rest is stored once it can", async () => {
  using t = tempStore();
  let failing = true;
  const { tail, errors } = failingTail(t, () => failing, "Read-only file system (os error 30)");
  try {
    // The end of the run is recorded once the tail has drained: that must not wait for a disk.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((resolve) => timer = setTimeout(() => resolve("late"), 10_000));
    const drained = await Promise.race([tail.drained.then(() => "drained"), late]);
    clearTimeout(timer);
    assert.equal(drained, "drained");
    assert.deepEqual(errors, ["Read-only file system (os error 30)"]);
  } finally {
    failing = false;
  }
  await tail.finished;
  assert.deepEqual(errors, ["Read-only file system (os error 30)", null]);
  assert.deepEqual(lines(t.dir), ["one", "two"]);
});

Deno.test("floods of two tails at once reach their followers and their stores byte for byte", async () => {
  using a = tempStore();
  using b = tempStore();
  const text = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const expected = {
    a: { stdout: text("a-out-", 200_000), stderr: text("a-err-", 100_000) },
    b: { stdout: text("b-out-", 150_000), stderr: text("b-err-", 120_000) },
  };
  const told: Record<"a" | "b", Record<"stdout" | "stderr", string[]>> = {
    a: { stdout: [], stderr: [] },
    b: { stdout: [], stderr: [] },
  };
  const tails = ([["a", a], ["b", b]] as const).map(([name, t]) => {
    for (const stream of ["stdout", "stderr"] as const) {
      Deno.writeTextFileSync(t.store.spoolPath(stream), expected[name][stream].join("\n") + "\n");
    }
    return tailSpool({
      store: t.store,
      ended: Promise.resolve(),
      writersGone: () => true,
      stored: (stream, lines) => told[name][stream].push(...lines()),
      onError: (error) => assert.fail(String(error)),
    });
  });
  await Promise.all(tails.map((tail) => tail.finished));
  assert.deepEqual(told, expected);
  for (const [name, t] of [["a", a], ["b", b]] as const) {
    const reader = new OutputReader(t.dir);
    assert.equal(reader.lineCount("stdout"), expected[name].stdout.length);
    assert.deepEqual(
      reader.newest("stderr", 3).flatMap((entry) => entry.kind === "line" ? [entry.text] : []),
      expected[name].stderr.slice(-3),
    );
  }
});
