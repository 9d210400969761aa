/**
 * Where each subcommand lives, by its names, in the order the help lists them. A command's
 * module is loaded only when it is called: `persistproc list` loads the list command and what
 * it needs, not the server, the MCP door or the other commands (a cold start pays for every
 * module it loads). tests/cli_start_test.ts checks the names against the commands themselves.
 */
import type { Command } from "./command.ts";

/** One subcommand: its name and aliases, and how to load it. */
interface CommandEntry {
  names: readonly string[];
  load(): Promise<Command>;
}

/** Every subcommand; see the module comment. */
export const COMMAND_TABLE: readonly CommandEntry[] = [
  { names: ["run"], load: async () => (await import("./commands/run.ts")).runCommand },
  { names: ["serve"], load: async () => (await import("./commands/serve.ts")).serveCommand },
  {
    names: ["list", "ls", "status"],
    load: async () => (await import("./commands/list.ts")).listCommand,
  },
  {
    names: ["output", "logs"],
    load: async () => (await import("./commands/output.ts")).outputCommand,
  },
  { names: ["events"], load: async () => (await import("./commands/events.ts")).eventsCommand },
  { names: ["wait"], load: async () => (await import("./commands/wait.ts")).waitCommand },
  { names: ["start"], load: async () => (await import("./commands/ctrl.ts")).startCommand },
  { names: ["stop"], load: async () => (await import("./commands/ctrl.ts")).stopCommand },
  { names: ["restart"], load: async () => (await import("./commands/ctrl.ts")).restartCommand },
  { names: ["forget"], load: async () => (await import("./commands/forget.ts")).forgetCommand },
  { names: ["adopt"], load: async () => (await import("./commands/adopt.ts")).adoptCommand },
  { names: ["ctrl"], load: async () => (await import("./commands/ctrl.ts")).ctrlCommand },
  {
    names: ["shutdown"],
    load: async () => (await import("./commands/shutdown.ts")).shutdownCommand,
  },
  { names: ["setup"], load: async () => (await import("./commands/setup.ts")).setupCommand },
  { names: ["token"], load: async () => (await import("./commands/token.ts")).tokenCommand },
  { names: ["open"], load: async () => (await import("./commands/open.ts")).openCommand },
] as CommandEntry[];

/** The entry named `name` (a name or an alias), if any. */
export function commandNamed(name: string | undefined): CommandEntry | undefined {
  return COMMAND_TABLE.find((entry) => name !== undefined && entry.names.includes(name));
}

/** Every command, loaded (for the help that lists them all). */
export function allCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_TABLE.map((entry) => entry.load()));
}
