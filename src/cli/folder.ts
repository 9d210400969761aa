/**
 * The current folder as the CLI's context: a TARGET that names several processes means the one
 * started here, and no TARGET at all means this folder's process, when that is unambiguous.
 */

import { HubError } from "../client/client_errors.ts";
import type { HubClient } from "../client/hub_client.ts";
import { type ProcessInfo, type ProcessTarget, resolvePath } from "../core/mod.ts";
import { escapeControls } from "../core/process/mod.ts";
import { parseTarget } from "./target.ts";

/**
 * Thrown when the CLI cannot tell which process is meant; printed as `error: ...`. `none` when
 * no process at all was started in the folder (rather than several).
 */
export class NoTargetError extends Error {
  readonly none: boolean;
  constructor(message: string, none: boolean) {
    super(message);
    this.name = "NoTargetError";
    this.none = none;
  }
}

/**
 * Calls `act` on the process TARGET names (`positionals`, narrowed by `-C DIR` when given).
 * When TARGET matches several processes, the one whose working directory is the current
 * folder wins; when there is no TARGET, the current folder's (or DIR's) process is meant.
 */
export async function actOnTarget<T>(
  client: Pick<HubClient, "list">,
  positionals: string[],
  directory: string | undefined,
  act: (target: ProcessTarget) => Promise<T>,
): Promise<T> {
  if (positionals.length === 0) {
    return await act({ pid: await folderProcess(client, resolvePath(directory ?? Deno.cwd())) });
  }
  const target = parseTarget(positionals, directory);
  try {
    return await act(target);
  } catch (error) {
    const ambiguous = error instanceof HubError && error.code === "ambiguous";
    if (!ambiguous || target.working_directory !== undefined) throw error;
    let narrowed: T;
    try {
      narrowed = await act({ ...target, working_directory: Deno.cwd() });
    } catch (retry) {
      // Nothing (or still several) here: the first answer, listing them all, says most.
      if (retry instanceof HubError && ["ambiguous", "not_found"].includes(retry.code)) {
        throw error;
      }
      throw retry;
    }
    return narrowed;
  }
}

/**
 * The pid of the process a command without TARGET means in `directory`: its only process, or
 * its only running one. Anything else is a NoTargetError that lists what there is.
 */
async function folderProcess(client: Pick<HubClient, "list">, directory: string): Promise<number> {
  const processes = await client.list({ working_directory: directory });
  const running = processes.filter((p) => p.status === "running");
  if (running.length === 1) return running[0].pid;
  if (running.length === 0 && processes.length === 1) return processes[0].pid;
  if (processes.length === 0) {
    throw new NoTargetError(
      `No TARGET given, and no process was started in ${directory}; name one (persistproc ls --all lists them)`,
      true,
    );
  }
  const several = running.length > 1 ? running : processes;
  throw new NoTargetError(
    `No TARGET given, and ${several.length} processes ${
      running.length > 1 ? "run" : "were started"
    } in ${directory}; name one by PID or label:\n${candidateLines(several)}`,
    false,
  );
}

function candidateLines(processes: ProcessInfo[]): string {
  return processes.map((p) => `  PID ${p.pid} "${escapeControls(p.label)}" (${p.status})`).join(
    "\n",
  );
}

/**
 * A server message in the CLI's words: the MCP tool's parameter names become the flags and
 * arguments a person types.
 */
export function inCliWords(message: string): string {
  return message
    .replace("; give pid or working_directory:", "; name one by PID, or with -C DIR:")
    .replace(/\bworking_directory\b/g, "-C DIR")
    .replace(/\bcommand_or_label\b/g, "TARGET")
    .replace(/\bsince_time\b/g, "--since")
    .replace(/\bbefore_time\b/g, "--before")
    .replace(/\bwait_for_port\b/g, "--wait-for-port")
    .replace(/\bwait_for_log\b/g, "--wait-for-log")
    .replace(/\bwait_for_url\b/g, "--wait-for-url")
    .replace(/\bwait_for_exit\b/g, "--wait-for-exit")
    .replace(/\bwait_timeout\b/g, "--wait-timeout")
    .replace(/^(lines|context|label|grep|stream|cursor|run) must\b/, "--$1 must")
    .replace(/^assign_port must\b/, "--assign-port must");
}
