// deno-lint-ignore-file no-console
/**
 * The server's own diagnostics, written to its stderr (the server log when it runs in the
 * background). The one place outside the CLI's output module that may print.
 */

/** Writes server diagnostics with a UTC timestamp. */
export const logger = {
  /** Something the operator should know about. */
  info(message: string): void {
    console.error(`${new Date().toISOString()} ${message}`);
  },
  /** Something failed; the server carries on. */
  error(message: string, error?: unknown): void {
    const detail = error === undefined
      ? ""
      : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    console.error(`${new Date().toISOString()} error: ${message}${detail}`);
  },
};
