import { InvalidArgumentError } from "../errors.ts";
/**
 * Turns the command string a caller gives into the argv that is executed.
 */

/** Characters that only a shell understands: operators, redirections, expansions, quotes. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~{}\n]/;
/** The same for Windows' cmd.exe, where a backslash is only a path separator. */
const CMD_SYNTAX = /[|&<>^%"()\n]/;

/**
 * Returns the argv for a command string. A command with shell syntax (`&&`, `|`, `>`, `$VAR`,
 * `~`, quotes, globs) runs under `/bin/sh -c`, so it behaves as typed in a terminal; a plain
 * one is split on whitespace and run directly, so its pid is the program's own. On Windows the
 * shell is `cmd.exe /d /s /c`, and only cmd.exe's own syntax sends a command there.
 */
export function toArgv(command: string, os: typeof Deno.build.os = Deno.build.os): string[] {
  const trimmed = command.trim();
  if (trimmed === "") throw new InvalidArgumentError("The command is empty");
  if (os === "windows") {
    // cmd.exe: /d skips AutoRun, /s keeps the quotes of the command line as given.
    return CMD_SYNTAX.test(trimmed) ? ["cmd.exe", "/d", "/s", "/c", trimmed] : trimmed.split(/\s+/);
  }
  if (usesShell(trimmed)) return ["/bin/sh", "-c", trimmed];
  return trimmed.split(/\s+/);
}

/** Whether the command needs a shell to mean what it says. */
function usesShell(command: string): boolean {
  // `FOO=1 cmd` is an assignment only a shell performs; `--flag=x` later on is a plain argument.
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command.trim())) return true;
  return SHELL_SYNTAX.test(command);
}
