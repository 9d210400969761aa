/**
 * What a start request launches: its argv, real directory, label and environment, and the new
 * entry (with its own log folder) a label that is not registered yet gets.
 */
import { join } from "node:path";
import { PersistprocError } from "../errors.ts";
import { checkLabel } from "../process/label.ts";
import { compilePattern } from "../output/line_pattern.ts";
import { toArgv } from "../process/command_line.ts";
import { startEnvironment } from "../process/environment.ts";
import { ManagedProcess } from "../process/managed_process.ts";
import type { ProcessSpec } from "../process/process_spec.ts";
import { realDirectory } from "../process/working_directory.ts";
import type { StartRequest } from "../types.ts";

/**
 * The spec a start request launches with; its environment goes on `baseEnvironment`, without
 * `hiddenVariables` (see startEnvironment). Throws on a command that cannot be split or a
 * directory that does not exist.
 */
export async function requestedSpec(
  request: StartRequest,
  { baseEnvironment, hiddenVariables }: {
    baseEnvironment: Record<string, string>;
    hiddenVariables: string[];
  },
): Promise<ProcessSpec> {
  const argv = toArgv(request.command);
  // Checked before anything is spawned: a bad pattern is the caller's mistake.
  if (request.notify_on_log) compilePattern("notify_on_log", request.notify_on_log);
  const directory = await realDirectory(request.working_directory);
  return {
    label: defaultLabel(request, directory),
    command_line: request.command.trim(),
    argv,
    working_directory: directory,
    environment: startEnvironment(
      { environment: request.environment, inherit: request.inherit_environment },
      baseEnvironment,
      hiddenVariables,
    ),
    started_by: request.started_by ?? null,
    assigned_port: null,
    notify_on_log: request.notify_on_log ?? null,
  };
}

/**
 * The label a request gets: its own, or "<command> in <real directory>". A label of its own
 * with a control character is refused (see checkLabel).
 */
export function defaultLabel(request: StartRequest, directory: string): string {
  const own = request.label?.trim();
  return own ? checkLabel(own) : `${request.command.trim()} in ${directory}`;
}

/**
 * A new entry with its own log folder under `<dataDir>/logs`; a folder that cannot be made is
 * a clear error.
 */
export function newProcess(
  spec: ProcessSpec,
  dataDir: string,
  logMaxBytes: number,
): ManagedProcess {
  const dir = logDir(dataDir, spec.label);
  try {
    return new ManagedProcess(spec, dir, logMaxBytes);
  } catch (error) {
    throw new PersistprocError(
      "log_unwritable",
      `Cannot create the log files in "${dir}": ${(error as Error).message}; nothing was started`,
      { cause: error },
    );
  }
}

function logDir(dataDir: string, label: string): string {
  const slug = label.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40).replace(/^_+|_+$/g, "");
  const stamp = new Date().toISOString().replace(/[-:]/g, "");
  // Random, not a per-server count: a later server must never reuse an earlier one's folder.
  const unique = crypto.randomUUID().slice(0, 8);
  return join(dataDir, "logs", `${stamp}-${unique}-${slug || "process"}`);
}
