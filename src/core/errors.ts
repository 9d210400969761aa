/**
 * Domain errors thrown by the core. Each has a stable `code` from one closed set (ERROR_STATUS)
 * that the doors translate: MCP into an `isError` result, HTTP into a body with the status the
 * table gives, the CLI into `error: ...` and an exit code. Anything else thrown is a bug, which
 * the doors report as `internal`.
 */
import type { z } from "zod";
import type { portHolderSchema } from "./wire/process.ts";

/**
 * Every code a domain error may carry, with the HTTP status it is answered with. `internal` is
 * what any other throw becomes: a bug, logged with its stack and answered 500.
 */
export const ERROR_STATUS = {
  invalid_argument: 400,
  bad_directory: 400,
  command_not_found: 400,
  not_found: 404,
  ambiguous: 409,
  already_running: 409,
  port_in_use: 409,
  busy: 409,
  data_dir_in_use: 409,
  // The data directory, or something in it, is another user's or writable by others
  // (src/data_dir/trust.ts): refused at start, before anything is served.
  data_dir_untrusted: 403,
  cannot_adopt: 409,
  // A kill the OS refused (EPERM): the server could not do what was asked, through no fault
  // of the request.
  stop_failed: 500,
  internal: 500,
  shutting_down: 503,
  log_unwritable: 507,
  state_unwritable: 507,
} as const satisfies Record<string, number>;

/** The closed set of domain error codes; see ERROR_STATUS. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Base class: every domain error carries a code from ERROR_STATUS. */
export class PersistprocError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PersistprocError";
    this.code = code;
  }
}

/**
 * The caller's request is wrong (an empty label, a port out of range, a cursor from another
 * log): theirs to fix, with a message that says how. Internal checks throw TypeError or
 * RangeError instead, which the doors report as bugs.
 */
export class InvalidArgumentError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("invalid_argument", message, options);
    this.name = "InvalidArgumentError";
  }
}

/** No managed process matches what the caller named. */
export class ProcessNotFoundError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("not_found", message, options);
    this.name = "ProcessNotFoundError";
  }
}

/** Several managed processes match what the caller named. */
export class AmbiguousTargetError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("ambiguous", message, options);
    this.name = "AmbiguousTargetError";
  }
}

/** A running process already has the requested label. */
export class AlreadyRunningError extends PersistprocError {
  readonly pid: number;
  readonly label: string;
  /** `ports`: the ports it listens on, when the caller asked about one. */
  constructor(label: string, pid: number, options?: ErrorOptions & { ports?: number[] }) {
    const listening = options?.ports?.length ? `, listening on ${options.ports.join(", ")}` : "";
    super(
      "already_running",
      `"${label}" is already running (PID ${pid}${listening}): use it, or restart it to start it anew`,
      options,
    );
    this.name = "AlreadyRunningError";
    this.pid = pid;
    this.label = label;
  }
}

/** The working directory does not exist or is not a directory. */
export class BadDirectoryError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("bad_directory", message, options);
    this.name = "BadDirectoryError";
  }
}

/** The program to run could not be found or executed. */
export class CommandNotFoundError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("command_not_found", message, options);
    this.name = "CommandNotFoundError";
  }
}

/** The supervisor is shutting down and takes no new work. */
export class ShuttingDownError extends PersistprocError {
  constructor(options?: ErrorOptions) {
    super("shutting_down", "The server is shutting down", options);
    this.name = "ShuttingDownError";
  }
}

/**
 * A process outside persistproc cannot be adopted: it is another user's, PID 1, the server,
 * one it started or manages, or what it takes to run it again cannot be read.
 */
export class CannotAdoptError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("cannot_adopt", message, options);
    this.name = "CannotAdoptError";
  }
}

/** A process that holds a port, as a port conflict names it (see wire/process.ts). */
export type PortHolderInfo = z.infer<typeof portHolderSchema>;

/** How each door gives a start a port of its own. */
const ASSIGN_PORT_HINT = "assign_port (CLI: --assign-port PORT)";

/** A start would wait for a port that another process already listens on. */
export class PortConflictError extends PersistprocError {
  readonly holder: PortHolderInfo;
  /**
   * `holderFolder`: the holder is a managed process running in that other folder (another
   * worktree's server), which must not be restarted: the start needs a port of its own.
   */
  constructor(holder: PortHolderInfo, options?: ErrorOptions & { holderFolder?: string }) {
    super(
      "port_in_use",
      `Port ${holder.port} is already in use by ${describeHolder(holder)}; ${
        options?.holderFolder !== undefined
          ? `it runs in "${options.holderFolder}": to run this one beside it, start it with ${ASSIGN_PORT_HINT} for a port of its own`
          : holder.label
          // Another copy on another port is what persistproc exists to prevent.
          ? `to run it anew, restart "${holder.label}" instead of starting another`
          : isAdoptable(holder)
          ? `stop it, choose another port, or adopt it to run it under persistproc (${
            adoptHint(holder.port)
          })`
          : "stop it or choose another port"
      }`,
      options,
    );
    this.name = "PortConflictError";
    this.holder = holder;
  }
}

/** Whether persistproc could take the holder over: a process it sees and does not manage. */
function isAdoptable(holder: PortHolderInfo): boolean {
  return holder.pid !== null && holder.label === null;
}

/** How each door adopts the holder of `port`: the CLI's command and the MCP tool call. */
function adoptHint(port: number): string {
  return `persistproc adopt :${port}, or ctrl action "adopt" with port ${port}`;
}

/**
 * `port 3000 is held by PID 41 "node server.js"`, and the remedy: for a holder persistproc does
 * not manage, how to adopt it; for a managed one (another worktree's server, say), an assigned
 * port to run beside it, never its restart. The line every door prints when a port stood in a
 * start's way.
 */
export function describeConflict(holder: PortHolderInfo): string {
  const remedy = isAdoptable(holder)
    ? `; to run it under persistproc, adopt it (${adoptHint(holder.port)})`
    : holder.label !== null
    ? `; to run this one beside it, start it with ${ASSIGN_PORT_HINT} for a port of its own`
    : "";
  return `port ${holder.port} is held by ${describeHolder(holder)}${remedy}`;
}

/** `PID 41 "node server.js" (managed process "web")`, or what is known of the holder. */
export function describeHolder(holder: PortHolderInfo): string {
  if (holder.pid === null) return "a process this user cannot see";
  const command = holder.command ? ` "${holder.command}"` : "";
  const managed = holder.label ? ` (managed process "${holder.label}")` : "";
  return `PID ${holder.pid}${command}${managed}`;
}

/**
 * A launch could not record its new run in the state file (a full disk, say), so its program
 * was not let run: a start the server cannot remember must not leave a process nobody owns.
 */
export class StateUnwritableError extends PersistprocError {
  constructor(label: string, options: { cause: unknown }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      "state_unwritable",
      `Cannot record "${label}" in the state file: ${why}; its program was not run`,
      options,
    );
    this.name = "StateUnwritableError";
  }
}

/** A stop signalled a process tree and some of it still runs (a kill was refused: EPERM). */
export class StopFailedError extends PersistprocError {
  constructor(label: string, survivors: { pid: number; error: string | null }[]) {
    const named = survivors.map(({ pid, error }) => `PID ${pid}${error ? ` (${error})` : ""}`);
    super("stop_failed", `Cannot stop "${label}": ${named.join(", ")} still running`);
    this.name = "StopFailedError";
  }
}
