import assert from "node:assert/strict";
import { ProcessCensus } from "./census.ts";
import type { ProcessEntry } from "./processes.ts";

/** A machine whose processes a test sets, counting how often each is read. */
function machine(pids: number[]) {
  const reads: number[] = [];
  const source = {
    pids,
    list: () => [...source.pids],
    read(pid: number): ProcessEntry {
      reads.push(pid);
      return {
        pid,
        ppid: 1,
        pgid: pid,
        token: `t${pid}`,
        zombie: false,
        stopped: false,
        blocked: false,
      };
    },
  };
  return { source, reads };
}

Deno.test("a census reads each process once, and only what came since its last look", () => {
  const { source, reads } = machine([1, 50, 60]);
  const census = new ProcessCensus(source);
  const first = census.look()!;
  assert.deepEqual(first.table.map((e) => e.pid), [1, 50, 60]);
  assert.deepEqual(census.look()!.version, first.version, "nothing came or went");
  source.pids = [1, 60, 70];
  const second = census.look()!;
  assert.deepEqual(second.table.map((e) => e.pid), [1, 60, 70]);
  assert.ok(second.version > first.version);
  source.pids = [1, 60];
  assert.deepEqual(census.look()!.table.map((e) => e.pid), [1, 60], "a gone process is dropped");
  assert.deepEqual(reads, [1, 50, 60, 70]);
});

Deno.test("a census reads everything again once the pid counter wrapped", () => {
  const { source, reads } = machine([1, 500, 900]);
  const census = new ProcessCensus(source);
  census.look();
  // 40 is new but below the highest new pid (900): the counter wrapped, so any known pid may
  // now name another process.
  source.pids = [1, 40, 500, 900];
  census.look();
  assert.deepEqual(reads, [1, 500, 900, 1, 40, 500, 900]);
  source.pids = [1, 40, 41, 500, 900];
  census.look();
  assert.deepEqual(reads.slice(7), [41], "counting on from the wrap");
});
