/**
 * The shape every subcommand shares, and running one: parse its flags (plus the global ones),
 * answer `--help`, resolve settings, then call it.
 */

import { type FlagSpec, type FlagValues, parseFlags, UsageError } from "./args.ts";
import { printOut } from "./print.ts";
import { GLOBAL_FLAGS, resolveSettings, type Settings } from "./settings.ts";

/** What a subcommand gets: its flags, its positionals and the resolved global settings. */
interface CommandInput<O extends FlagSpec> {
  values: FlagValues<O & typeof GLOBAL_FLAGS>;
  positionals: string[];
  settings: Settings;
}

/** A subcommand: its names, its help, its own flags, and what it does. */
export interface Command<O extends FlagSpec = FlagSpec> {
  /** The name, then any aliases (`list`, `ls`). */
  names: string[];
  /** One line for the command list in `persistproc --help`. */
  summary: string;
  /** The usage line(s), e.g. `persistproc stop [--force] TARGET`. */
  usage: string;
  /** What the command does and its flags, shown by `persistproc CMD --help`. */
  details: string;
  /** The command's own flags; the global ones are added to them. */
  flags: O;
  /** When true, flags end at the first positional: the rest is a command to run. */
  flagsEndAtCommand?: boolean;
  /** Does the work; returns the exit code. */
  run(input: CommandInput<O>): Promise<number>;
}

/** Declares a command, keeping its flags' types for its `run`. */
export function defineCommand<O extends FlagSpec>(command: Command<O>): Command<O> {
  return command;
}

/**
 * Runs `command` with the arguments after its name. Global flags given before the command
 * (`globals`) apply unless repeated after it.
 */
export async function invoke<O extends FlagSpec>(
  command: Command<O>,
  args: string[],
  globals: FlagValues<typeof GLOBAL_FLAGS>,
): Promise<number> {
  try {
    const spec = { ...command.flags, ...GLOBAL_FLAGS };
    const { values, positionals } = parseFlags(args, spec, command.flagsEndAtCommand);
    if (values.help || globals.help) {
      // The help text is loaded only when asked for (a cold start pays for every module).
      const { commandHelp } = await import("./help.ts");
      printOut(commandHelp(command));
      return 0;
    }
    const settings = resolveSettings({ ...globals, ...values }, Deno.env.toObject());
    return await command.run({
      values: values as FlagValues<O & typeof GLOBAL_FLAGS>,
      positionals,
      settings,
    });
  } catch (error) {
    if (error instanceof UsageError) error.command ??= command.names[0];
    throw error;
  }
}
