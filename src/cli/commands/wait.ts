/**
 * `persistproc wait`: waits, with no time limit, until a process exits or crashes, then prints
 * that one event's line (with a crash's last stderr lines) and exits with the process's own
 * code. Made to run in the background: Claude Code's `Bash` with `run_in_background` and
 * Gemini CLI's background `run_shell_command` (with its two settings) tell the agent when it ends
 * (measured with bench/real_clients/wake.ts).
 */
import { eventLine, type HubEvent } from "../../core/events/mod.ts";
import type { ProcessInfo } from "../../core/mod.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { followEvents } from "../event_feed.ts";
import { exitCodeOf } from "../exit_status.ts";
import { actOnTarget } from "../folder.ts";
import { printOut } from "../print.ts";
import { TARGET_HELP, WORKING_DIRECTORY_FLAG } from "../target.ts";

/** How long a wait goes on for a server that went away (it restarts, say) to come back. */
const SERVER_GONE_MS = 60_000;

/** The `wait` subcommand. */
export const waitCommand = defineCommand({
  names: ["wait"],
  summary: "wait until a process exits, print how, exit with its code",
  usage: "persistproc wait [-C DIR] [TARGET]",
  details: `Waits, with no time limit, until TARGET exits (or crashes, or is stopped), then
prints one line saying how, for example
  persistproc: "api" (pid 12346) crashed: exit 1 at 14:12:31; last stderr: Error: ...
and exits with the process's exit code (128 + N after signal N). A process that has
already ended is reported at once. Without TARGET, the process started in the current
folder (or DIR). A TARGET that names no process exits at once with 125, which few
programs use, its line starting "error:" instead of "persistproc:".
${TARGET_HELP}
Run it in the background to be told when a dev server dies: Claude Code's Bash tool with
run_in_background, or Gemini CLI's run_shell_command in the background (interactive, with
tools.shell.backgroundCompletionBehavior "inject" and experimental.modelSteering true in
its settings; without either, the model is not told). The same wait without this line:
persistproc output --wait-for-exit --wait-timeout 0 TARGET.

Flags:
  -C, --working-directory DIR   narrow a command TARGET to DIR`,
  flags: { ...WORKING_DIRECTORY_FLAG },
  async run({ values, positionals, settings }) {
    const client = await connect(settings, { autostart: false });
    // Noted before the process is looked at, so that an exit in between is not missed.
    const { last_id } = await client.events({ limit: 0 });
    const process = await actOnTarget(
      client,
      positionals,
      values["working-directory"],
      (target) => client.get(target),
    );
    const json = settings.format === "json";
    const show = (event: HubEvent) => printOut(json ? JSON.stringify(event) : eventLine(event));
    if (process.status !== "running") {
      const kept = await client.events({ label: process.label, kinds: ["exited"], limit: 1 });
      const event = kept.backlog.find((e) => e.pid === process.pid) ?? endOf(process);
      show(event);
      return exitCodeOf(process);
    }
    let ended: HubEvent | undefined;
    await followEvents(
      settings,
      { label: process.label, kinds: ["exited"], after: last_id },
      (e) => {
        ended = e;
        return true;
      },
      { waitForServerMs: SERVER_GONE_MS },
    );
    show(ended!);
    return exitCodeOf({
      exit_code: ended!.exit_code ?? null,
      exit_signal: ended!.exit_signal ?? null,
    });
  },
});

/** The exit of a process that ended before any event was kept of it (an older server's). */
function endOf(process: ProcessInfo): HubEvent {
  return {
    id: 0,
    kind: "exited",
    time: process.end_time ?? new Date().toISOString(),
    label: process.label,
    pid: process.pid,
    working_directory: process.working_directory,
    started_by: process.started_by,
    exit_code: process.exit_code,
    exit_signal: process.exit_signal,
    crashed: process.status === "failed",
    stopped: process.status === "stopped",
  };
}
