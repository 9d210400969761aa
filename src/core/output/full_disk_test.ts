/**
 * A full disk, for real: a small tmpfs mounted by the test (root only; skipped elsewhere). A
 * program keeps printing while another file fills the disk: it must not die, the output it
 * prints meanwhile is dropped with a count that `log_error` shows until space returns and
 * output is stored again, and no line is lost without being counted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { OutputReader } from "./output_reader.ts";
import { OutputStore } from "./output_store.ts";
import { tailSpool } from "./spool_tail.ts";
import { wrapWithSpool } from "./spool.ts";
import { openPuncher } from "../system/hole_punch.ts";
import { openReserver } from "../system/disk_reserve.ts";
import {
  canMountTmpfs,
  fillDisk,
  mountRamfs,
  mountTmpfs,
  unmount,
  until,
} from "../_test_support.ts";

const canMount = canMountTmpfs() && openReserver() !== null;

async function printThroughFullDisk(punch: boolean): Promise<void> {
  const mountPoint = Deno.makeTempDirSync({ prefix: "persistproc-full-disk-" });
  assert.ok(mountTmpfs(mountPoint), "tmpfs mounted");
  try {
    const dir = join(mountPoint, "p");
    let pid = 0;
    let tailDone = false;
    const store = new OutputStore(dir, {
      maxBytes: 512 * 1024,
      puncher: punch ? openPuncher().puncher : null,
      pauseWriters: () => {
        Deno.kill(pid, "SIGSTOP");
        return () => Deno.kill(pid, "SIGCONT");
      },
    });
    const errors: (string | null)[] = [];
    const ended = Promise.withResolvers<void>();
    let gone = false;
    const tail = tailSpool({
      store,
      ended: ended.promise,
      writersGone: () => gone,
      stored: () => {},
      onError: (error) => errors.push(error ? error.message : null),
    });
    tail.finished.then(() => tailDone = true);
    // Numbered lines of 60 bytes, a few thousand a second, as a chatty server prints; like
    // Python's print, a failed write ends it.
    const [program, ...args] = wrapWithSpool([
      "/bin/sh",
      "-c",
      'i=0; while :; do printf "%d %s\\n" $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx || exit 1; ' +
      "i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.01; done",
    ], { stdout: store.spoolPath("stdout"), stderr: store.spoolPath("stderr") });
    const child = new Deno.Command(program, { args, stdin: "null" }).spawn();
    pid = child.pid;
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    try {
      await until("output stored", () => store.end.stdout.line > 1000, 30_000);
      const filler = fillDisk(mountPoint);
      // The server stalls a while (a busy moment) with the disk full: the program's writes
      // meanwhile land in the disk set aside for them, or it dies.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      const lost = () => Number(/Disk full: (\d+) line/.exec(errors.at(-1) ?? "")?.[1] ?? 0);
      // A program that died of the full disk fails the test at once.
      const alive = (ok: boolean) => {
        assert.ok(!exited, "the program still runs on a full disk");
        return ok;
      };
      await until("a full disk reported in log_error", () => alive(lost() > 0), 30_000);
      const first = lost();
      await until(
        "the count growing while the disk stays full",
        () => alive(lost() > first + 1000),
        30_000,
      );
      const reported = errors.findIndex((error) => error !== null);
      assert.ok(!errors.slice(reported).includes(null), "the error stays while the disk is full");
      Deno.removeSync(filler);
      await until("the error cleared once output is stored", () => errors.at(-1) === null, 30_000);
      const storedAgain = store.end.stdout.line;
      await until("output stored again", () => store.end.stdout.line > storedAgain + 1000, 30_000);
      assert.ok(!exited, "the program still runs");
    } finally {
      if (!exited) child.kill("SIGKILL");
      await status;
      gone = true;
      ended.resolve();
      // Bounded, and never hiding a failure above.
      await until("the tail to finish", () => tailDone, 30_000).catch(() => {});
      tail.stop();
      store.close();
    }
    assert.ok(tailDone, "the tail finished once the program was gone");
    // Every line is served with its own number, or counted as skipped: none vanished.
    const from = { stdout: { byte: 0, line: 0 }, stderr: { byte: 0, line: 0 } };
    let served = 0;
    const wrong: string[] = [];
    const read = await new OutputReader(dir).forward("stdout", from, (entry, after) => {
      if (entry.kind !== "line") return true;
      served++;
      const number = after().stdout.line - 1;
      if (!entry.text.startsWith(`${number} `) && wrong.length < 3) {
        wrong.push(`line ${number}: ${entry.text.slice(0, 20)}`);
      }
      return true;
    });
    assert.deepEqual(wrong, []);
    assert.ok(read.skippedLines > 0, "the dropped lines are counted as skipped");
    assert.equal(served + read.skippedLines, read.end.stdout.line);
  } finally {
    unmount(mountPoint);
    Deno.removeSync(mountPoint, { recursive: true });
  }
}

Deno.test({
  name:
    "on a full disk (punching holes), the program keeps printing and every dropped line is counted",
  ignore: !canMount, // needs root to mount a tmpfs, and Linux's fallocate
  fn: () => printThroughFullDisk(true),
});

Deno.test({
  name: "on a full disk (rotation), the program keeps printing and every dropped line is counted",
  ignore: !canMount,
  fn: () => printThroughFullDisk(false),
});

Deno.test({
  name:
    "a file system that can neither set disk aside nor punch holes (ramfs) is not taken for a full one",
  ignore: !canMountTmpfs(mountRamfs), // needs root to mount it, and Linux
  fn: async () => {
    const mountPoint = Deno.makeTempDirSync({ prefix: "persistproc-ramfs-" });
    assert.ok(mountRamfs(mountPoint), "ramfs mounted");
    try {
      const dir = join(mountPoint, "p");
      Deno.mkdirSync(dir, { mode: 0o700 });
      const { puncher, reason } = openPuncher(dir);
      assert.equal(puncher, null, "disk bounded by rotation there");
      assert.match(reason ?? "", /cannot punch holes/);
      const store = new OutputStore(dir, { maxBytes: 4096, puncher });
      const text = Array.from({ length: 1000 }, (_, i) => `${i} xxxxxxxxxxxxxxxx\n`).join("");
      Deno.writeTextFileSync(store.spoolPath("stdout"), text);
      const errors: (string | null)[] = [];
      const tail = tailSpool({
        store,
        ended: Promise.resolve(),
        writersGone: () => true,
        stored: () => {},
        onError: (error) => errors.push(error ? error.message : null),
      });
      try {
        await tail.finished;
      } finally {
        store.close();
      }
      assert.deepEqual(errors, [], "no disk-full error, nothing dropped");
      const [newest] = new OutputReader(dir).newest("stdout", 1);
      assert.equal(newest.kind === "line" && newest.text, "999 xxxxxxxxxxxxxxxx");
    } finally {
      unmount(mountPoint);
      Deno.removeSync(mountPoint, { recursive: true });
    }
  },
});
