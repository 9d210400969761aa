import assert from "node:assert/strict";
import { join } from "node:path";
import { saveState } from "./state_file.ts";
import { Supervisor } from "./supervisor.ts";

/** An ended record whose output folder is `logDir`. */
function endedRecord(label: string, logDir: string) {
  return {
    label,
    command_line: "true",
    argv: ["true"],
    working_directory: "/",
    environment: {},
    environment_whole: true,
    autorestart: "no" as const,
    pid: 999_999,
    pid_token: null,
    status: "exited" as const,
    start_time: "2026-01-01T00:00:00.000Z",
    end_time: "2026-01-01T00:00:01.000Z",
    exit_code: 0,
    exit_signal: null,
    restarts: 0,
    started_by: "cli",
    log_dir: logDir,
  };
}

Deno.test("a saved record whose log folder lies outside the data directory is left out, its folder untouched", async () => {
  const root = await Deno.makeTempDir({ prefix: "persistproc-restore-" });
  try {
    const dataDir = join(root, "data");
    const outside = join(root, "precious");
    Deno.mkdirSync(join(dataDir, "logs"), { recursive: true, mode: 0o700 });
    Deno.mkdirSync(outside, { mode: 0o755 });
    Deno.chmodSync(outside, 0o755);
    Deno.writeTextFileSync(join(outside, "keep"), "mine\n");
    const inside = join(dataDir, "logs", "20260101T000000-abcd-ok");
    saveState(join(dataDir, "state.json"), [
      endedRecord("outside", outside),
      endedRecord("climbs", join(dataDir, "logs", "..", "..", "precious")),
      endedRecord("the logs folder", join(dataDir, "logs")),
      endedRecord("ok", inside),
    ]);
    const sup = new Supervisor({ dataDir });
    try {
      sup.restore();
      assert.deepEqual((await sup.list()).map((p) => p.label), ["ok"]);
      // Forgetting a process deletes its log folder: only ours ever are.
      await sup.forget({ command_or_label: "ok" });
    } finally {
      await sup.shutdown();
    }
    assert.equal(Deno.statSync(outside).mode! & 0o777, 0o755, "not made private");
    assert.equal(Deno.readTextFileSync(join(outside, "keep")), "mine\n", "not deleted");
    assert.equal(Deno.statSync(join(dataDir, "logs")).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
