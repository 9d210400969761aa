/**
 * A process record for the CLI's unit tests: a running `x` in `/`, started 2026-11-22 09:05:07
 * local time, with `overrides` over it.
 */
import type { ProcessInfo } from "../core/mod.ts";

/** The record, with `overrides` over the defaults; see the module comment. */
export function processInfo(overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid: 1,
    label: "x",
    command_line: "x",
    command: ["x"],
    working_directory: "/",
    status: "running",
    start_time: new Date(2026, 10, 22, 9, 5, 7).toISOString(),
    end_time: null,
    exit_code: null,
    exit_signal: null,
    restarts: 0,
    started_by: null,
    assigned_port: null,
    log_dir: "",
    ...overrides,
  };
}
