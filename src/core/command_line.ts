/**
 * Turns the command string a caller gives into the argv that is executed.
 */

/** Characters that only a shell understands: operators, redirections, expansions, quotes. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~{}\n]/;

/**
 * Returns the argv for a command string. A command with shell syntax (`&&`, `|`, `>`, `$VAR`,
 * `~`, quotes, globs) runs under `/bin/sh -c`, so it behaves as typed in a terminal; a plain
 * one is split on whitespace and run directly, so its pid is the program's own.
 */
export function toArgv(command: string): string[] {
  const trimmed = command.trim();
  if (trimmed === "") throw new TypeError("The command is empty");
  if (usesShell(trimmed)) return ["/bin/sh", "-c", trimmed];
  return trimmed.split(/\s+/);
}

/** Whether the command needs a shell to mean what it says. */
export function usesShell(command: string): boolean {
  // `FOO=1 cmd` is an assignment only a shell performs; `--flag=x` later on is a plain argument.
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command.trim())) return true;
  return SHELL_SYNTAX.test(command);
}
