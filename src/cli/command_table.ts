/**
 * Where each subcommand lives, by its names, in the order the help lists them. A command's
 * module is loaded only when it is called: `persistproc list` loads the list command and what
 * it needs, not the server, the MCP door or the other commands (a cold start pays for every
 * module it loads). src/cli/command_table_test.ts checks the names against the commands
 * themselves.
 *
 * The specifiers are built at run time on purpose. `deno run` reads, hashes and resolves the
 * whole module graph it can see from main.ts before running anything, and it sees through a
 * dynamic import of a literal (or a template) specifier: with them, every `persistproc list`
 * walked the server's ~200 modules and their npm packages first (7-8 ms of CPU, a third of an
 * empty `deno run`). A compiled binary gets these modules with `--include`
 * (tasks/compile.ts, from {@link COMMAND_MODULES}).
 */
import type { Command } from "./command.ts";

/** One subcommand: its name and aliases, its module under ./commands, and how to load it. */
interface CommandEntry {
  names: readonly string[];
  file: string;
  load(): Promise<Command>;
}

/** The entry that loads the command exported as `name` from ./commands/`file`. */
function entry(names: string[], file: string, name: string): CommandEntry {
  return {
    names,
    file,
    load: async () => {
      // Built at run time: see the module comment.
      const specifier = new URL(`./commands/${file}`, import.meta.url).href;
      return (await import(specifier))[name] as Command;
    },
  };
}

/** Every subcommand; see the module comment. */
export const COMMAND_TABLE: readonly CommandEntry[] = [
  entry(["run"], "run.ts", "runCommand"),
  entry(["serve"], "serve.ts", "serveCommand"),
  entry(["list", "ls", "status"], "list.ts", "listCommand"),
  entry(["output", "logs"], "output.ts", "outputCommand"),
  entry(["events"], "events.ts", "eventsCommand"),
  entry(["wait"], "wait.ts", "waitCommand"),
  entry(["start"], "ctrl.ts", "startCommand"),
  entry(["stop"], "ctrl.ts", "stopCommand"),
  entry(["restart"], "ctrl.ts", "restartCommand"),
  entry(["forget"], "forget.ts", "forgetCommand"),
  entry(["adopt"], "adopt.ts", "adoptCommand"),
  entry(["ctrl"], "ctrl.ts", "ctrlCommand"),
  entry(["shutdown"], "shutdown.ts", "shutdownCommand"),
  entry(["setup"], "setup.ts", "setupCommand"),
  entry(["token"], "token.ts", "tokenCommand"),
  entry(["open"], "open.ts", "openCommand"),
];

/** The command modules, as paths from the repository's root (for `deno compile --include`). */
export const COMMAND_MODULES: readonly string[] = [
  ...new Set(COMMAND_TABLE.map((entry) => `src/cli/commands/${entry.file}`)),
];

/** The entry named `name` (a name or an alias), if any. */
export function commandNamed(name: string | undefined): CommandEntry | undefined {
  return COMMAND_TABLE.find((entry) => name !== undefined && entry.names.includes(name));
}

/** Every command, loaded (for the help that lists them all). */
export function allCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_TABLE.map((entry) => entry.load()));
}
