import assert from "node:assert/strict";
import { OutputReader } from "./output_reader.ts";
import { OutputStore } from "./output_store.ts";
import { openPuncher } from "../system/hole_punch.ts";

const PAD = "x".repeat(50);
const encoder = new TextEncoder();

/** Appends `count` numbered lines as a child would, each indexed as a batch of its own. */
function appendLines(store: OutputStore, count: number): void {
  const batches = [];
  let text = "";
  let { byte, line } = store.end.stdout;
  for (let i = 0; i < count; i++, line++) {
    const row = `${line} ${PAD}\n`;
    batches.push({
      kind: "stdout" as const,
      time: 1,
      start: byte,
      end: byte + row.length,
      lines: 1,
      firstLine: line,
    });
    byte += row.length;
    text += row;
  }
  Deno.writeFileSync(store.spoolPath("stdout"), encoder.encode(text), { append: true });
  store.store(batches);
  store.retain("stdout", byte);
}

/**
 * Four readers read the whole log again and again while a writer appends and the 256 KiB cap
 * reclaims output between their batches. Returns what went wrong (empty when every line
 * served is the line of that number, and every line is either served or counted skipped).
 */
async function readWhileReclaimed(puncher: ReturnType<typeof openPuncher>["puncher"] | null) {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-reader-races-" });
  const store = new OutputStore(dir, { maxBytes: 256 * 1024, puncher });
  const problems: string[] = [];
  let writing = true;
  try {
    appendLines(store, 6000);
    const writer = (async () => {
      for (let round = 0; round < 150; round++) {
        appendLines(store, 400);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      writing = false;
    })();
    const reader = async () => {
      let reads = 0;
      while (writing) {
        reads++;
        let served = 0;
        const from = { stdout: { byte: 0, line: 0 }, stderr: { byte: 0, line: 0 } };
        const read = await new OutputReader(dir).forward("stdout", from, (entry, after) => {
          if (entry.kind !== "line") return true;
          served++;
          const number = after().stdout.line - 1;
          if (!entry.text.startsWith(`${number} `) || entry.text.includes("\0")) {
            if (problems.length < 5) {
              problems.push(`line ${number} served as ${JSON.stringify(entry.text.slice(0, 20))}`);
            }
          }
          return true;
        });
        // Reads yield every 10 ms: the writer appends, and the cap reclaims, between.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (served + read.skippedLines !== read.end.stdout.line && problems.length < 5) {
          problems.push(
            `${served} served + ${read.skippedLines} skipped of ${read.end.stdout.line}`,
          );
        }
      }
      return reads;
    };
    const reads = await Promise.all([reader(), reader(), reader(), reader()]);
    await writer;
    assert.ok(reads.every((n) => n > 5), `reads: ${reads}`);
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
  return problems;
}

const { puncher } = openPuncher();

Deno.test({
  name: "readers never serve output punched out under them: it is counted skipped",
  ignore: puncher === null, // no hole punching on this file system
  fn: async () => assert.deepEqual(await readWhileReclaimed(puncher), []),
});

Deno.test("readers never serve output rotated away under them: it is counted skipped", async () => {
  assert.deepEqual(await readWhileReclaimed(null), []);
});
