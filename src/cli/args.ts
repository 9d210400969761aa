/**
 * Argument parsing on top of `node:util` parseArgs: strict flags, usage errors instead of
 * TypeErrors, and a mode in which flags end at the first positional so that everything from
 * the command on belongs to the child (`persistproc python3 -m http.server --bind ::1`).
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/**
 * A mistake in how the CLI was called; the CLI exits 2 and points at `--help` (of `command`,
 * the subcommand in whose arguments the mistake was, once known).
 */
export class UsageError extends Error {
  command?: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The flags a command accepts, in parseArgs's shape. */
export type FlagSpec = ParseArgsOptionsConfig;

/** The parsed value of each flag: a string or a boolean, absent when not given. */
export type FlagValues<O extends FlagSpec> = {
  [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string;
};

/** Flags and positionals after parsing. */
export interface ParsedArgs<O extends FlagSpec> {
  values: FlagValues<O>;
  positionals: string[];
}

/**
 * Parses `args` against `spec`. With `flagsEndAtPositional`, the first positional and all
 * that follows it are returned untouched as positionals; otherwise flags may stand anywhere
 * and `--` ends them. Unknown flags and missing values throw `UsageError`.
 */
export function parseFlags<O extends FlagSpec>(
  args: string[],
  spec: O,
  flagsEndAtPositional = false,
): ParsedArgs<O> {
  const { flags, rest } = flagsEndAtPositional
    ? splitAtFirstPositional(args, spec)
    : { flags: args, rest: [] };
  try {
    const { values, positionals } = parseArgs({
      args: flags,
      options: spec,
      strict: true,
      allowPositionals: true,
    });
    return { values: { ...values } as FlagValues<O>, positionals: [...positionals, ...rest] };
  } catch (error) {
    // parseArgs appends advice about `--` to some messages; the first sentence says it all.
    if (error instanceof TypeError) {
      throw new UsageError(error.message.split(". ")[0], { cause: error });
    }
    throw error;
  }
}

/**
 * Splits `args` into the leading flags (with their values) and the rest, which starts at the
 * first positional. A `--` ends the flags and is dropped. Only `spec` is needed to know which
 * flags swallow the next argument as their value.
 */
export function splitAtFirstPositional(
  args: string[],
  spec: FlagSpec,
): { flags: string[]; rest: string[] } {
  const takesValue = (name: string) => spec[name]?.type === "string";
  const shortTakesValue = (letter: string) =>
    Object.values(spec).some((option) => option.short === letter && option.type === "string");
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg === "--") return { flags: args.slice(0, i), rest: args.slice(i + 1) };
    if (arg === "-" || !arg.startsWith("-")) break;
    if (arg.startsWith("--")) {
      if (!arg.includes("=") && takesValue(arg.slice(2))) i++;
    } else {
      // A group of short flags: the first one that takes a value swallows the rest of the
      // group, or the next argument when it is last.
      for (let j = 1; j < arg.length; j++) {
        if (shortTakesValue(arg[j])) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
    }
    i++;
  }
  return { flags: args.slice(0, i), rest: args.slice(i) };
}
