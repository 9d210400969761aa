/**
 * A daemon that clears its environment (no tree marker) and escapes its tree soon after its
 * launch, its parent lingering half a second, is still found and stopped: a young tree is
 * looked at every 100 ms, not once a second.
 */
import assert from "node:assert/strict";
import { hubTest, killGroup, waitFor } from "./_hub.ts";

/** The pid of the process whose command line is exactly `argv`, if one runs. */
function findByArgv(argv: string[]): number | undefined {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (cmdline === argv.map((arg) => `${arg}\0`).join("")) return Number(entry.name);
    } catch { /* gone meanwhile */ }
  }
  return undefined;
}

/** The parent pid and state of a process (Z: a zombie); null when it is gone. */
function statOf(pid: number): { ppid: number; state: string } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), state };
  } catch {
    return null;
  }
}

hubTest(
  "a daemon that clears its environment and escapes after the first look is stopped",
  async (hub) => {
    if (Deno.build.os !== "linux") return;
    const seconds = `300.${crypto.getRandomValues(new Uint32Array(1))[0]}`; // names this test's
    // At 0.3 s, after the first look (150 ms) and well before a look a second later: a subshell
    // starts it in a session of its own with an empty environment, lingers 0.5 s, and exits.
    const { status, body } = await hub.api("ctrl", {
      action: "start",
      command_or_label: `sleep 0.3; (env -i setsid sleep ${seconds} & sleep 0.5); sleep 60`,
      working_directory: hub.dataDir,
      label: "escaper",
    });
    assert.equal(status, 200, JSON.stringify(body));
    let daemon: number | undefined;
    try {
      daemon = await waitFor("the daemon", () => findByArgv(["sleep", seconds]));
      const parent = statOf(daemon)!.ppid;
      await waitFor("its parent to exit", () => statOf(daemon!)?.ppid !== parent);
      const stopped = await hub.api("ctrl", { action: "stop", command_or_label: "escaper" });
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      const after = statOf(daemon);
      assert.ok(
        after === null || after.state === "Z",
        "the escaped daemon was stopped with its tree",
      );
    } finally {
      killGroup(body.pid);
      if (daemon !== undefined) killGroup(daemon); // it leads its own session and group
    }
  },
);
