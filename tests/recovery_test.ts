/**
 * Output kept through faults: lines printed while no server runs, recovery killed again, a
 * program's background children, and a 0.3 data directory read after the upgrade.
 */
import { OutputReader } from "../src/core/output/output_reader.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { hubTest, killGroup, startHub, waitFor } from "./_hub.ts";

/**
 * Starts `program` under `label` on a server it then SIGKILLs, and lets the program run to its
 * end while no server runs. `started` learns the pid at once, so the caller can clean up
 * whatever fails later. Returns the start's result and the dead server's port.
 */
async function runWhileNoServer(
  dataDir: string,
  label: string,
  program: string,
  started: (pid: number) => void,
) {
  // Disposed even if the test fails before it crashes it: nothing is left running.
  await using first = await startHub([], { dataDir });
  const { body } = await first.api("ctrl", {
    action: "start",
    command_or_label: `while [ ! -e go ]; do sleep 0.02; done; ${program}`,
    working_directory: dataDir,
    label,
  });
  started(body.pid);
  await first.crash();
  await Deno.writeTextFile(join(dataDir, "go"), "");
  await waitFor("the child to finish alone", () => {
    try {
      Deno.kill(body.pid, "SIGCONT");
      return false;
    } catch {
      return true;
    }
  });
  return { body, port: first.port };
}

Deno.test("output printed while no server runs is kept, even when the process ends meanwhile", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  let pid = 0;
  try {
    // 200,000 lines (1.3 MB): far more than a pipe holds, so a child writing into a pipe with no
    // reader would block instead of finishing.
    const { port } = await runWhileNoServer(dataDir, "late", "seq 1 200000", (p) => pid = p);
    await using second = await startHub([], { dataDir, port });
    const [entry] = (await second.api("list", {})).body.processes;
    assert.equal(entry.status, "exited");
    // Started again at once: the new run must wait for the old run's output to be stored.
    const again = await second.api("ctrl", { action: "restart", command_or_label: "late" });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    pid = again.body.pid;
    const text = await waitFor("both runs' output", async () => {
      const got = await Deno.readTextFile(`${entry.log_dir}/stdout.spool`);
      return got.split("\n").length > 400_000 && got;
    }, 30_000);
    const lines = text.split("\n").filter(Boolean);
    assert.equal(lines.length, 400_000);
    const expected = Array.from({ length: 200_000 }, (_, i) => String(i + 1));
    assert.deepEqual(lines, [...expected, ...expected], "the old run whole, then the new one");
  } finally {
    if (pid) killGroup(pid);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("recovery after a SIGKILL survives being killed again, twice, and stores each line once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  let pid = 0;
  const lines = 1_000_000;
  try {
    const { body, port } = await runWhileNoServer(
      dataDir,
      "flood",
      `seq 1 ${lines}`,
      (p) => pid = p,
    );
    // Two servers killed as soon as they listen, while they store what the child left.
    for (let i = 0; i < 2; i++) {
      await using interrupted = await startHub([], { dataDir, port: port });
      await interrupted.crash();
    }
    await using last = await startHub([], { dataDir, port: port });
    const reader = () => new OutputReader(body.log_dir);
    await waitFor("every line stored", () => reader().lineCount("stdout") >= lines, 30_000);
    const newest = reader().newest("stdout", 2).map((entry) => entry.kind === "line" && entry.text);
    assert.deepEqual(newest, [String(lines - 1), String(lines)]);
    assert.equal(reader().lineCount("stdout"), lines, "no line stored twice");
    const page = (await last.api("output", { pid: body.pid, stream: "stdout", lines: 1 })).body;
    assert.deepEqual(page.output, [String(lines)]);
  } finally {
    if (pid) killGroup(pid);
    await Deno.remove(dataDir, { recursive: true });
  }
});

hubTest(
  "a program's background children are captured until the whole group is gone",
  async (hub) => {
    const { body } = await hub.api("ctrl", {
      action: "start",
      command_or_label: "(for i in 1 2 3 4 5 6; do echo tick$i; sleep 0.3; done) & echo done",
      working_directory: hub.dataDir,
    });
    const output = await waitFor("the last tick", async () => {
      const page = (await hub.api("output", { pid: body.pid, stream: "stdout" })).body;
      return page.output.includes("tick6") && page.output;
    }, 20_000);
    assert.deepEqual(output.filter((line: string) => line.startsWith("tick")), [
      "tick1",
      "tick2",
      "tick3",
      "tick4",
      "tick5",
      "tick6",
    ]);
  },
);

Deno.test("a 0.3 data directory's stamped logs are read after the upgrade, and the log goes on", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  try {
    const logDir = join(dataDir, "logs", "20260101T000000Z-1-old");
    await Deno.mkdir(logDir, { recursive: true });
    await Deno.writeTextFile(
      join(logDir, "combined.log"),
      "2026-01-01T00:00:00.000Z [stdout] old out\n2026-01-01T00:00:01.000Z [stderr] old err\n",
    );
    await Deno.writeTextFile(join(logDir, "stdout.log"), "2026-01-01T00:00:00.000Z old out\n");
    await Deno.writeTextFile(join(logDir, "stderr.log"), "2026-01-01T00:00:01.000Z old err\n");
    await Deno.writeTextFile(join(logDir, "stdout.spool"), "old out\n");
    await Deno.writeTextFile(join(logDir, "stderr.spool"), "old err\n");
    await Deno.writeTextFile(join(logDir, "spool.position"), "8 8\n");
    const record = {
      label: "old",
      command_line: "echo new",
      argv: ["/bin/sh", "-c", "echo new"],
      working_directory: dataDir,
      environment: {},
      autorestart: "no",
      pid: 999_999,
      pid_token: null,
      status: "exited",
      start_time: "2026-01-01T00:00:00.000Z",
      end_time: "2026-01-01T00:00:02.000Z",
      exit_code: 0,
      exit_signal: null,
      restarts: 0,
      log_dir: logDir,
    };
    await Deno.writeTextFile(
      join(dataDir, "state.json"),
      JSON.stringify({ version: 1, processes: [record] }),
    );
    await using hub = await startHub([], { dataDir });
    const old = (await hub.api("output", { command_or_label: "old", timestamps: true })).body;
    assert.deepEqual(old.output, ["old out", "[err] old err"]);
    assert.deepEqual(old.times, ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z"]);
    const restarted = await hub.api("ctrl", { action: "restart", command_or_label: "old" });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    const output = await waitFor("the new run's line", async () => {
      const page = (await hub.api("output", { command_or_label: "old" })).body;
      return page.output.at(-1) === "new" && page.output;
    });
    assert.equal(output.length, 4);
    assert.match(output[2], /^--- run \d+ \(restart\) /);
    const current = (await hub.api("output", { command_or_label: "old", run: "current" })).body;
    assert.deepEqual(current.output, ["new"]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
