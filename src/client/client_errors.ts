/**
 * What can go wrong when talking to a persistproc server. The server's own refusals keep
 * their stable codes; not reaching the server at all is a separate error so callers can
 * decide to start one.
 */

/**
 * The server answered with an error body (`{ error: { code, message, pid? } }`). It is the
 * client's side of the server's domain error: the same code (`not_found`, `already_running`,
 * ...; see ERROR_STATUS in core/errors.ts) and message, so callers of either hub tell failures
 * apart the same way. Its code is a string: the HTTP door adds its own (`unauthorized`), and a
 * server of another version may send one this client does not know.
 */
export class HubError extends Error {
  readonly code: string;
  readonly status: number;
  /** For `already_running`: the pid of the process that is already running. */
  readonly pid?: number;
  constructor(
    code: string,
    message: string,
    status: number,
    pid?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HubError";
    this.code = code;
    this.status = status;
    if (pid !== undefined) this.pid = pid;
  }
}

/** Nothing accepted a connection on the server's port (or the connection broke). */
export class ServerUnreachableError extends Error {
  readonly code = "server_unreachable";
  readonly port: number;
  constructor(port: number, options?: ErrorOptions) {
    super(`No persistproc server is reachable on port ${port}`, options);
    this.name = "ServerUnreachableError";
    this.port = port;
  }
}

/** An autostarted server did not become healthy; `logFile` says where to look. */
export class ServerStartError extends Error {
  readonly code = "server_start_failed";
  readonly logFile: string;
  constructor(message: string, logFile: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServerStartError";
    this.logFile = logFile;
  }
}
