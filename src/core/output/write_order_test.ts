import assert from "node:assert/strict";
import { OutputReader } from "./output_reader.ts";
import { OutputStore } from "./output_store.ts";
import { wrapWithSpool } from "./spool.ts";
import { tailSpool } from "./spool_tail.ts";
import { openWriteOrder } from "../system/write_order.ts";

/** Runs `argv` with its output spooled and tailed into a fresh store; returns the combined lines. */
async function capture(argv: string[]): Promise<string[]> {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-order-" });
  const store = new OutputStore(dir);
  try {
    const [program, ...args] = wrapWithSpool(argv, {
      stdout: store.spoolPath("stdout"),
      stderr: store.spoolPath("stderr"),
    });
    const ended = Promise.withResolvers<void>();
    let done = false;
    // The tail starts first, as the server's does: it sees every write.
    const tail = tailSpool({
      store,
      ended: ended.promise,
      writersGone: () => done,
      stored: () => {},
      onError: (error) => assert.fail(String(error)),
    });
    const command = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    });
    await command.spawn().status;
    done = true;
    ended.resolve();
    await tail.finished;
    return new OutputReader(dir).newest("combined", 10_000)
      .flatMap((entry) => entry.kind === "line" ? [entry.text] : []);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * Asserts that at least `needed` (99) of 100 runs, one after another as a user's would be, read
 * back as `expected` (see the README's limits).
 */
async function inOrder(
  argv: string[],
  expected: string[],
  runs = 100,
  needed = runs - 1,
): Promise<void> {
  let good = 0;
  let miss = "";
  for (let i = 0; i < runs; i++) {
    const lines = await capture(["/bin/sh", ...argv]);
    if (JSON.stringify(lines) === JSON.stringify(expected)) good++;
    else miss ||= lines.join(" ");
  }
  assert.ok(good >= needed, `${good} of ${runs} runs in order; one read back as: ${miss}`);
}

const ordered = { ignore: openWriteOrder() === null };

Deno.test(
  "a burst of stdout lines, then stderr, then stdout reads back in write order",
  ordered,
  async () => {
    const script =
      "for i in 1 2 3 4 5; do echo out$i; done; echo err1 >&2; echo err2 >&2; echo out6";
    await inOrder(["-c", script], [
      "out1",
      "out2",
      "out3",
      "out4",
      "out5",
      "err1",
      "err2",
      "out6",
    ]);
  },
);

Deno.test(
  "a Node burst alternating stdout and stderr reads back in write order",
  ordered,
  async () => {
    const js =
      "for (let i = 0; i < 20; i++) { console.log(`o${i}`); if (i % 3 === 0) console.error(`e${i}`); }";
    const expected = Array.from(
      { length: 20 },
      (_, i) => i % 3 === 0 ? [`o${i}`, `e${i}`] : [`o${i}`],
    ).flat();
    await inOrder(["-c", 'exec node -e "$1"', "sh", js], expected);
  },
);

Deno.test(
  "a program that logs, then dies with a stack trace, reads back in write order",
  ordered,
  async () => {
    const js =
      "for (let i = 0; i < 5; i++) console.log(`log${i}`); (function boom() { throw new Error('boom'); })();";
    const lines = await capture(["node", "-e", js]);
    const expected = [...Array.from({ length: 5 }, (_, i) => `log${i}`)];
    assert.deepEqual(lines.slice(0, 5), expected, lines.join("\n"));
    assert.ok(lines.slice(5).some((line) => line.includes("Error: boom")), lines.join("\n"));
    const trace = lines.slice(5);
    await inOrder(["-c", 'exec node -e "$1"', "sh", js], [...expected, ...trace]);
  },
);

Deno.test(
  "after a flood, whose write order is not watched, a burst of both streams reads back in write order",
  ordered,
  async () => {
    // 2.7 MB in a few milliseconds: a poll reads over a megabyte, so the tail stops watching
    // the order; once the flood is over it watches again, and the burst is ordered.
    const burst =
      "for i in 1 2 3 4 5; do echo out$i; done; echo err1 >&2; echo err2 >&2; echo out6";
    const script = `seq 1 400000; sleep 0.5; ${burst}`;
    const flood = Array.from({ length: 10_000 - 8 }, (_, i) => String(400_000 - 9_991 + i));
    const burstLines = ["out1", "out2", "out3", "out4", "out5", "err1", "err2", "out6"];
    await inOrder(["-c", script], [...flood, ...burstLines], 10, 9);
  },
);
