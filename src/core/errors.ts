/**
 * Domain errors thrown by the core. Each has a stable `code` that the doors translate: MCP
 * into an `isError` result, HTTP into a 4xx body, the CLI into `error: ...` and an exit code.
 */

/** Base class: every domain error carries a stable string code. */
export class PersistprocError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PersistprocError";
    this.code = code;
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
  constructor(label: string, pid: number, options?: ErrorOptions) {
    super(
      "already_running",
      `"${label}" is already running (PID ${pid}); stop or restart it instead`,
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
