// deno-lint-ignore-file no-explicit-any
/**
 * Chaos, bounded in time: the server is killed by SIGKILL at random instants while clients
 * start, stop and restart processes as fast as they can; after each kill a new server takes
 * over the data directory and the invariants are checked: no program runs that the registry
 * does not list, no label runs twice, and a counter's output has no gap.
 */
import assert from "node:assert/strict";
import { startHub, type TestHub, waitFor } from "./_hub.ts";

const ROUNDS = 8;
const LABELS = ["a", "b", "c", "d"];
const WORKERS = 10;
const COUNTER = `i=0; while true; do i=$((i+1)); echo $i; sleep 0.005; done`;

/** The pids and command lines of every process, from ps. */
async function processes(): Promise<{ pid: number; args: string }[]> {
  const { stdout } = await new Deno.Command("ps", { args: ["-A", "-o", "pid=,args="] }).output();
  return new TextDecoder().decode(stdout).split("\n").map((row) => /^\s*(\d+)\s+(.*)$/.exec(row))
    .filter((match) => match !== null).map((match) => ({
      pid: Number(match![1]),
      args: match![2],
    }));
}

/** Runs random starts, stops and restarts until `until` settles; failures are expected. */
async function load(hub: TestHub, marker: string, until: Promise<unknown>): Promise<void> {
  let over = false;
  until.then(() => over = true);
  const worker = async () => {
    while (!over) {
      const label = LABELS[Math.floor(Math.random() * LABELS.length)];
      const action = ["start", "stop", "restart"][Math.floor(Math.random() * 3)];
      const args = action === "start"
        ? {
          action,
          label,
          command_or_label: `sleep 300; true # ${marker}-${label}`,
          working_directory: hub.dataDir,
        }
        : { action, command_or_label: label, force: true };
      await hub.api("ctrl", args).catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

/** Every marked program that runs is listed as running with its pid; none runs twice. */
async function checkInvariants(hub: TestHub, marker: string): Promise<void> {
  let problem = "";
  await waitFor("the invariants to hold", async () => {
    const listed = (await hub.api("list", {})).body.processes as any[];
    const running = new Set(listed.filter((p) => p.status === "running").map((p) => p.pid));
    const marked = (await processes()).filter((p) =>
      p.args.includes(`${marker}-`) && p.args.startsWith("/bin/sh")
    );
    const unlisted = marked.filter((p) => !running.has(p.pid));
    const perLabel = new Map<string, number>();
    for (const p of marked) {
      const label = p.args.slice(p.args.indexOf(`${marker}-`) + marker.length + 1);
      perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
    }
    const twice = [...perLabel].filter(([, n]) => n > 1);
    problem = `unlisted: ${JSON.stringify(unlisted)}; twice: ${JSON.stringify(twice)}`;
    return unlisted.length === 0 && twice.length === 0;
  }, 10_000).catch((error) => {
    throw new Error(`${error.message}: ${problem}`);
  });
}

Deno.test("SIGKILL at random instants under load: nothing unlisted, nothing twice, no gap", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-chaos-" });
  const marker = `chaos${crypto.randomUUID().slice(0, 8)}`;
  let hub: TestHub | undefined;
  try {
    hub = await startHub([], { dataDir });
    const port = hub.port;
    const counter = await hub.api("ctrl", {
      action: "start",
      command_or_label: `${COUNTER} # ${marker}`,
      working_directory: dataDir,
      label: "counter",
    });
    assert.equal(counter.status, 200, JSON.stringify(counter.body));
    for (let round = 0; round < ROUNDS; round++) {
      const current: TestHub = hub;
      const crashAt = new Promise((r) => setTimeout(r, 200 + Math.random() * 600));
      const crashed = crashAt.then(() => current.crash());
      await Promise.all([load(current, marker, crashed), crashed]);
      await current[Symbol.asyncDispose]();
      hub = await startHub([], { dataDir, port });
      await checkInvariants(hub, marker);
    }
    // The counter ran through every kill: each number it printed is stored once, in order, none
    // skipped (no de-duplication here: a line stored twice fails).
    const { body } = await hub.api("output", {
      command_or_label: "counter",
      stream: "stdout",
      lines: 10_000,
      max_bytes: 1_048_576,
    });
    assert.ok(Array.isArray(body.output), JSON.stringify(body));
    const numbers = (body.output as string[]).map(Number);
    assert.ok(numbers.length > 100, `the counter printed ${numbers.length} lines`);
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i + numbers[0]),
      "each number once, in order, no gap",
    );
  } finally {
    await hub?.[Symbol.asyncDispose]();
    for (const p of await processes()) {
      if (p.args.includes(marker)) { // this test's alone, not another suite's counters
        try {
          Deno.kill(p.pid, "SIGKILL");
        } catch { /* gone */ }
      }
    }
    await Deno.remove(dataDir, { recursive: true });
  }
});
