/**
 * Translates what a tool threw into what a door reports: a stable code, a message an agent or
 * person can act on, and the HTTP status that fits.
 */
import {
  AlreadyRunningError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  logger,
  PersistprocError,
  PortConflictError,
  ShuttingDownError,
} from "../core/mod.ts";

/**
 * A failure as the doors report it: the JSON API's error body (its code one of the domain's),
 * and the HTTP status it is answered with.
 */
type ReportedError = ErrorBody["error"] & { code: ErrorCode; status: number };

/** What the caller of a request that hit a bug is told; the details go to the server log. */
export const INTERNAL_MESSAGE = "Internal error in the persistproc server; its log has the details";

/**
 * Domain errors (PersistprocError, InvalidArgumentError among them) are the caller's to know
 * and keep their code and message. Anything else is a bug: logged here with its stack, under
 * `where` (the tool or route), and reported as `internal` with a message that leaks nothing.
 */
export function reportError(error: unknown, where: string): ReportedError {
  if (error instanceof PersistprocError) {
    const reported: ReportedError = {
      code: error.code,
      message: error.message,
      status: ERROR_STATUS[error.code],
    };
    if (error instanceof AlreadyRunningError) reported.pid = error.pid;
    if (error instanceof PortConflictError && error.holder.pid !== null) {
      reported.pid = error.holder.pid; // the holder: the process to stop to free the port
    }
    return reported;
  }
  logger.error(`${where} failed`, error);
  return { code: "internal", message: INTERNAL_MESSAGE, status: ERROR_STATUS.internal };
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

/**
 * What `work` gives, unless the server begins shutting down first (`closing` aborts): then a
 * ShuttingDownError, so that a call still waiting (for a port, a log line) is answered "the
 * server is shutting down" instead of losing its connection.
 */
export function orShuttingDown<T>(work: Promise<T>, closing?: AbortSignal): Promise<T> {
  if (!closing) return work;
  return new Promise((resolve, reject) => {
    const refuse = () => reject(new ShuttingDownError());
    if (closing.aborted) refuse();
    closing.addEventListener("abort", refuse, { once: true });
    const settled = () => closing.removeEventListener("abort", refuse);
    work.then((value) => {
      settled();
      resolve(value);
    }, (error) => {
      settled();
      reject(error);
    });
  });
}
