import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OutputReader } from "./output_reader.ts";
import type { RotationStep } from "./_store_rotation.ts";

const SERVER = fileURLToPath(
  new URL("../../../tests/fixtures/rotating_server.ts", import.meta.url),
);
const STEPS: RotationStep[] = ["copied", "journaled", "renamed", "emptied", "saved"];

/** Runs the stand-in server once; kills it after `killAfterMs` unless it ends first. */
async function serve(dir: string, writer: number, step: string, ms: number, killAfterMs?: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, dir, String(writer), step, String(ms)],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const timer = killAfterMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  try {
    const { code, signal, stderr } = await child.output();
    if (code !== 0 && signal !== "SIGKILL") {
      assert.fail(`the server failed: ${new TextDecoder().decode(stderr)}`);
    }
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a server SIGKILLed at any step of a rotation, or at a random instant, loses no line and numbers every line right", async () => {
  const root = Deno.makeTempDirSync({ prefix: "persistproc-rotation-crash-" });
  const dir = join(root, "p");
  Deno.mkdirSync(dir);
  // Numbered lines of 60 bytes, a few thousand a second: a 4 KiB cap rotates every few polls.
  const writer = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'exec >>"$1"; i=0; while :; do printf "%d %s\\n" $i ' +
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); " +
      "[ $((i % 20)) -eq 0 ] && sleep 0.002; done",
      "sh",
      join(dir, "stdout.spool"),
    ],
    stdin: "null",
  }).spawn();
  try {
    for (let round = 0; round < 24; round++) {
      if (round < 3 * STEPS.length) {
        await serve(dir, writer.pid, STEPS[round % STEPS.length], 10_000);
      } else await serve(dir, writer.pid, "none", 10_000, 300 + Math.random() * 700);
    }
    await serve(dir, writer.pid, "none", 500);
  } finally {
    writer.kill("SIGKILL");
    await writer.status;
  }
  await serve(dir, writer.pid, "none", 300);
  try {
    const reader = new OutputReader(dir);
    const lines: number[] = [];
    const wrong: string[] = [];
    const from = { stdout: { byte: 0, line: 0 }, stderr: { byte: 0, line: 0 } };
    const read = await reader.forward("stdout", from, (entry, after) => {
      if (entry.kind !== "line") return true;
      const number = after().stdout.line - 1;
      const written = Number(entry.text.split(" ")[0]);
      if (written !== number && wrong.length < 5) wrong.push(`line ${number}: ${entry.text}`);
      lines.push(written);
      return true;
    });
    assert.deepEqual(wrong, [], "each line keeps the number it was written with");
    assert.ok(lines.length > 50, `${lines.length} lines kept`);
    assert.equal(lines[0], read.skippedLines, "the lines before the first kept are reported");
    // The newest complete line: in the spool, or at the end of the copy a rotation just made.
    const text = ["stdout.1", "stdout.spool"].map((file) => {
      try {
        return Deno.readTextFileSync(join(dir, file));
      } catch {
        return "";
      }
    }).join("");
    const last = text.slice(0, text.lastIndexOf("\n")).split("\n").at(-1)!;
    assert.equal(lines.at(-1), Number(last.split(" ")[0]), "the last line written is kept");
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
