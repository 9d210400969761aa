/**
 * Joining argv into the one command string the server takes. Quoting follows POSIX sh so
 * that the shell the server runs hands each argument to the program unchanged.
 */

/** Arguments made only of these characters mean the same to sh unquoted. */
const PLAIN = /^[A-Za-z0-9_\-+=.,/:@%^]+$/;

/**
 * Quotes one argument for sh: unchanged when plain, otherwise in single quotes, with each
 * single quote written as `'\''` (close, escaped quote, reopen).
 */
export function quoteArg(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * Builds the command string from argv. A single argument is taken as a whole command line,
 * as `sh -c` would (so `persistproc "npm run dev && open"` works); several arguments are
 * each quoted so that spaces and metacharacters survive (`echo "a  b"` prints `a  b`).
 */
export function joinCommand(argv: string[]): string {
  if (argv.length === 1) return argv[0];
  return argv.map(quoteArg).join(" ");
}
