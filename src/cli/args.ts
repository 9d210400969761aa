/**
 * Argument parsing with the rules of `node:util` parseArgs: strict flags, usage errors instead
 * of TypeErrors, and a mode in which flags end at the first positional so that everything from
 * the command on belongs to the child (`persistproc python3 -m http.server --bind ::1`).
 *
 * The plain forms every call uses (`--name`, `--name value`, `--name=value`, `-x`, `-x value`,
 * `--`) are read here; anything else, a mistake included, is handed to parseArgs, which
 * words the error. Loading `node:util` would cost a cold `persistproc list` more than the
 * rest of its modules (core/node_builtins.ts), so it is loaded only then. args_test.ts checks
 * that both give the same answer.
 */

import type { ParseArgsOptionsConfig } from "node:util";
import { editDistance, nodeUtil } from "../core/mod.ts";

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

/**
 * The flags a command accepts, in parseArgs's shape, without `multiple` and `default`: the
 * plain reader here does not apply them, so a flag declaring one would read differently
 * depending on the form it was given in.
 */
export type FlagSpec = Record<
  string,
  Omit<ParseArgsOptionsConfig[string], "multiple" | "default"> & {
    multiple?: never;
    default?: never;
  }
>;

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
  const plain = readPlainFlags(flags, spec);
  if (plain !== null) {
    return { values: plain.values as FlagValues<O>, positionals: [...plain.positionals, ...rest] };
  }
  try {
    const { values, positionals } = nodeUtil().parseArgs({
      args: flags,
      options: spec,
      strict: true,
      allowPositionals: true,
    });
    return { values: { ...values } as FlagValues<O>, positionals: [...positionals, ...rest] };
  } catch (error) {
    // parseArgs appends advice about `--` to some messages; the first sentence says it all.
    if (error instanceof TypeError) {
      const message = error.message.split(". ")[0];
      throw new UsageError(message + flagSuggestion(message, spec), { cause: error });
    }
    throw error;
  }
}

/**
 * For parseArgs's "Unknown option '--prot'", the advice naming the spec's flag a typo away
 * (": did you mean '--port'?"); empty otherwise.
 */
function flagSuggestion(message: string, spec: FlagSpec): string {
  const given = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
  if (given === undefined) return "";
  const close = Object.keys(spec)
    .map((name) => ({ name, distance: editDistance(name, given) }))
    .filter(({ name, distance }) => distance <= (name.length > 3 ? 2 : 1))
    .sort((a, b) => a.distance - b.distance)[0];
  return close === undefined ? "" : `: did you mean '--${close.name}'?`;
}

/**
 * `args` read as parseArgs reads them when they hold only the plain forms (see the module
 * comment): known flags, each value given (`-` does not start a flag, and a value that starts
 * with `-` is left to parseArgs, which refuses it as ambiguous). Null for anything else.
 */
function readPlainFlags(
  args: string[],
  spec: FlagSpec,
): { values: Record<string, string | boolean>; positionals: string[] } | null {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      if (equals !== -1) inline = arg.slice(equals + 1);
    } else if (arg.length === 2) {
      name = Object.keys(spec).find((key) => spec[key].short === arg[1]);
    }
    if (name === undefined || !Object.hasOwn(spec, name)) return null;
    if (spec[name].type === "boolean") {
      if (inline !== undefined) return null;
      values[name] = true;
    } else if (inline !== undefined) {
      values[name] = inline;
    } else {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("-")) return null;
      values[name] = value;
      i++;
    }
  }
  return { values, positionals };
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
