// deno-lint-ignore-file no-console
/**
 * The server's own diagnostics, written to its stderr (the server log when it runs in the
 * background). The one place outside the CLI's print module (src/cli/print.ts) that may print.
 */

/** Writes server diagnostics with a UTC timestamp. */
export const logger = {
  /** Something the operator should know about. */
  info(message: string): void {
    write(`${new Date().toISOString()} ${message}`);
  },
  /** Something failed; the server carries on. */
  error(message: string, error?: unknown): void {
    const detail = error === undefined
      ? ""
      : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    write(`${new Date().toISOString()} error: ${message}${detail}`);
  },
};

/**
 * Writes one line to stderr. A log that cannot be written (its disk is full, its pipe closed)
 * must not turn whatever was being reported into a second failure, or end a shutdown.
 */
function write(line: string): void {
  try {
    console.error(line);
  } catch {
    // Nowhere left to say it.
  }
}
