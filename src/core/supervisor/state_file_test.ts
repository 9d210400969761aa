import assert from "node:assert/strict";
import { join } from "node:path";
import { loadState, saveState } from "./state_file.ts";

const record = {
  label: "web",
  command_line: "npm run dev",
  argv: ["npm", "run", "dev"],
  working_directory: "/w",
  environment: {},
  autorestart: "no" as const,
  pid: 123,
  pid_token: "proc:1",
  status: "running" as const,
  start_time: "2026-01-01T00:00:00.000Z",
  end_time: null,
  exit_code: null,
  exit_signal: null,
  restarts: 0,
  started_by: "cli",
  log_dir: "/w/logs",
};

Deno.test("saveState and loadState round-trip, owner-only", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = join(dir, "state.json");
    saveState(path, [record]);
    assert.deepEqual(loadState(path), [record]);
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadState leaves out broken records and moves an unreadable file aside", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = join(dir, "state.json");
    const broken = { ...record, label: "broken", argv: "npm run dev" };
    Deno.writeTextFileSync(path, JSON.stringify({ version: 1, processes: [broken, record] }));
    assert.deepEqual(loadState(path).map((r) => r.label), ["web"]);
    Deno.writeTextFileSync(path, "{ not json");
    assert.deepEqual(loadState(path), []);
    assert.ok([...Deno.readDirSync(dir)].some((e) => e.name.startsWith("state.json.corrupt-")));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
