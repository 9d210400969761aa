/**
 * Translates what a tool threw into what a door reports: a stable code, a message an agent or
 * person can act on, and the HTTP status that fits.
 */
import { AlreadyRunningError, PersistprocError, PortConflictError } from "../core/errors.ts";

/** A failure as the doors report it. */
export interface ReportedError {
  code: string;
  message: string;
  status: number;
  pid?: number;
}

const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404,
  ambiguous: 409,
  already_running: 409,
  port_in_use: 409,
  busy: 409,
  bad_directory: 400,
  command_not_found: 400,
  invalid_argument: 400,
  shutting_down: 503,
  log_unwritable: 507,
};

/**
 * Domain errors and argument errors (TypeError, RangeError) are the caller's to fix and keep
 * their message; anything else is an internal error, reported without a stack trace.
 */
export function reportError(error: unknown): ReportedError {
  if (error instanceof PersistprocError) {
    const reported: ReportedError = {
      code: error.code,
      message: error.message,
      status: STATUS_BY_CODE[error.code] ?? 400,
    };
    if (error instanceof AlreadyRunningError) reported.pid = error.pid;
    if (error instanceof PortConflictError && error.holder.pid !== null) {
      reported.pid = error.holder.pid; // the holder: the process to stop to free the port
    }
    return reported;
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    return { code: "invalid_argument", message: error.message, status: 400 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal", message: `Internal error: ${message}`, status: 500 };
}

/**
 * The message an MCP client gets: the reported one, with the tool's own way to do what it
 * advises (as the CLI puts in its commands): a label that already runs is used or restarted
 * with `if_running`, in the same call.
 */
export function inToolWords(reported: ReportedError): string {
  if (reported.code !== "already_running") return reported.message;
  return reported.message.replace(
    /: use it, or restart it to start it anew$/,
    ': use it (if_running: "keep") or restart it (if_running: "restart")',
  );
}
