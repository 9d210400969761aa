import assert from "node:assert/strict";
import {
  type Addressable,
  editDistance,
  matchesFilter,
  resolveTarget,
} from "./target_resolution.ts";
import { ProcessNotFoundError } from "../errors.ts";

function entry(started_by: string | null): Addressable {
  return {
    pid: 7,
    status: "running",
    spec: { label: "web", command_line: "npm run dev", working_directory: "/w", started_by },
  };
}

Deno.test("matchesFilter() narrows on started_by by name, or by name and version", () => {
  const agent = entry("claude-code/2.1.0");
  assert.ok(matchesFilter(agent, { started_by: "claude-code" }));
  assert.ok(matchesFilter(agent, { started_by: "claude-code/2.1.0" }));
  assert.ok(!matchesFilter(agent, { started_by: "claude" }));
  assert.ok(!matchesFilter(agent, { started_by: "claude-code/2.0" }));
  assert.ok(matchesFilter(entry("cli"), { started_by: "cli" }));
  assert.ok(!matchesFilter(entry(null), { started_by: "cli" }));
  assert.ok(matchesFilter(entry(null), {}));
});

function proc(
  pid: number,
  label: string,
  status: string,
  startedAt: number,
  earlierPids: number[] = [],
): Addressable {
  return {
    pid,
    earlierPids,
    status,
    startTime: new Date(startedAt),
    spec: { label, command_line: label, working_directory: "/w" },
  };
}

Deno.test("resolveTarget(): a pid from before a restart names the process it belonged to", () => {
  const web = proc(300, "web", "running", 3, [100, 200]);
  const other = proc(100 + 1, "other", "exited", 1);
  assert.equal(resolveTarget([other, web], { pid: 100 }), web);
  assert.equal(resolveTarget([other, web], { pid: 200 }), web);
  // A process that has the pid now wins over one that had it before.
  const reused = proc(200, "reused", "running", 4);
  assert.equal(resolveTarget([web, reused], { pid: 200 }), reused);
  assert.throws(() => resolveTarget([web], { pid: 999 }), ProcessNotFoundError);
});

Deno.test("resolveTarget(): a misspelt label is answered with the close one, running ones first in the list", () => {
  const entries = [
    ...Array.from({ length: 12 }, (_, i) => proc(1000 + i, `job${i}`, "failed", i)),
    proc(7, "watcher", "running", 100),
  ];
  assert.throws(() => resolveTarget(entries, { command_or_label: "wacher" }), {
    name: "ProcessNotFoundError",
    message: new RegExp(
      '^No managed process is labelled or runs "wacher"; did you mean "watcher" \\(PID 7, running\\); ' +
        'known: PID 7 "watcher" \\(running\\); PID 1011 "job11" \\(failed\\);',
    ),
  });
  assert.throws(() => resolveTarget(entries, { command_or_label: "zzzzzz" }), (error: Error) => {
    assert.doesNotMatch(error.message, /did you mean/);
    return true;
  });
});

Deno.test("editDistance() counts single-character edits", () => {
  assert.equal(editDistance("watcher", "wacher"), 1);
  assert.equal(editDistance("web", "web"), 0);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

Deno.test("resolveTarget(): a command several entries ran names the only one running", () => {
  const at = (pid: number, dir: string, status: string): Addressable => ({
    pid,
    status,
    spec: { label: `npm run dev in ${dir}`, command_line: "npm run dev", working_directory: dir },
  });
  const [a, b, c] = [at(1, "/a", "stopped"), at(2, "/b", "running"), at(3, "/c", "failed")];
  assert.equal(resolveTarget([a, b, c], { command_or_label: "npm run dev" }), b);
  assert.throws(
    () => resolveTarget([a, c], { command_or_label: "npm run dev" }),
    /matches 2 processes/,
  );
});

Deno.test("resolveTarget(): a command names the process whose port flags were appended to it", () => {
  const vite: Addressable = {
    pid: 9,
    status: "exited",
    spec: {
      label: "npm run dev in /v",
      command_line: "npm run dev -- --port 23885 --strictPort",
      working_directory: "/v",
    },
  };
  const other = { ...proc(8, "npm run dev in /w", "running", 1), pid: 8 };
  other.spec = { ...other.spec, command_line: "npm run dev" };
  const found = resolveTarget([other, vite], {
    command_or_label: "npm run dev",
    working_directory: "/v",
  });
  assert.equal(found.pid, 9);
  assert.ok(matchesFilter(vite, { command_or_label: "npm run dev" }));
  assert.ok(!matchesFilter(vite, { command_or_label: "npm run" }));
});
