/**
 * The CLI's entry: read the global flags, pick the subcommand (or the implicit `run`), run
 * it, and turn every failure into `error: ...` and an exit code. No stack trace reaches the
 * user.
 */

import { HubError } from "../client/client_errors.ts";
import { editDistance } from "../core/mod.ts";
import { findExecutable } from "../core/process/mod.ts";
import {
  type FlagSpec,
  type ParsedArgs,
  parseFlags,
  splitAtFirstPositional,
  UsageError,
} from "./args.ts";
import { type Command, invoke } from "./command.ts";
import { allCommands, COMMAND_TABLE, commandNamed } from "./command_table.ts";
import { printError, printErrorsAsJson, printOut } from "./print.ts";
import { GLOBAL_FLAGS } from "./settings.ts";

const TOP_FLAGS = {
  ...GLOBAL_FLAGS,
  version: { type: "boolean" },
  serve: { type: "boolean" },
} as const;

/** The exit code of a failure: the server refused, could not be reached, or broke off. */
const EXIT_FAILURE = 1;
/** The exit code of a mistake in how the CLI was called (unknown flag, bad value). */
const EXIT_USAGE = 2;
/**
 * The exit code when no process matches TARGET (or none was started in the folder). Not 1:
 * `wait` and `output --wait-for-exit` pass on a process's own code, and a crash is often 1.
 * Few programs exit 125 (timeout(1), whose 124 a wait's timeout has, keeps it for its own
 * failures).
 */
const EXIT_NO_PROCESS = 125;

/**
 * Runs the CLI on `args` (without the program name) and resolves with the exit code. It
 * never throws; main.ts exits with what it returns.
 */
export async function runCli(args: string[]): Promise<number> {
  // Known before any parsing, so that even a usage error comes out as JSON when asked.
  const formatAt = args.findIndex((arg) => arg === "--format" || arg.startsWith("--format="));
  const format = formatAt === -1
    ? Deno.env.get("PERSISTPROC_FORMAT")
    : args[formatAt].includes("=")
    ? args[formatAt].slice("--format=".length)
    : args[formatAt + 1];
  printErrorsAsJson(format === "json");
  try {
    return await dispatch(args);
  } catch (error) {
    return await report(error);
  }
}

async function dispatch(args: string[]): Promise<number> {
  // Most calls name a subcommand after global flags only: read with those alone, nothing but
  // that subcommand is loaded. `run`'s own flags may come before an implicit run's command, as
  // in `persistproc --restart npm run dev`: then run is loaded, and its flags are accepted here
  // and handed to it.
  let spec: FlagSpec = TOP_FLAGS;
  let parsed = parseOrNull(args, TOP_FLAGS);
  let runCommand: Command | undefined;
  if (parsed === null || isImplicitRun(parsed.positionals[0])) {
    runCommand = await commandNamed("run")!.load();
    spec = { ...runCommand.flags, ...TOP_FLAGS };
    parsed = parseFlags(args, spec, true);
  }
  // Read with run's flags too, the values hold the top flags and perhaps some of run's.
  const { values, positionals } = parsed as ParsedArgs<typeof TOP_FLAGS>;
  const { version, serve, ...rest } = values;
  const globals = pick(rest, Object.keys(GLOBAL_FLAGS));
  const runFlags = Object.keys(rest).filter((name) => !(name in GLOBAL_FLAGS));
  if (version) {
    const { default: denoJson } = await import("../../deno.json", { with: { type: "json" } });
    printOut(`persistproc ${denoJson.version}`);
    return 0;
  }
  if (globals.help && positionals.length === 0) {
    printOut(await globalHelpText());
    return 0;
  }
  const command = await commandNamed(positionals[0])?.load();
  if (runFlags[0] === "working-directory" && command?.flags["working-directory"]) {
    throw new UsageError(
      `-C (--working-directory) goes after the subcommand: persistproc ${
        positionals[0]
      } -C DIR ...`,
    );
  }
  if (runFlags.length > 0 && (serve || command !== undefined || positionals.length === 0)) {
    throw new UsageError(
      `--${runFlags[0]} belongs to run: persistproc [--${runFlags[0]} ...] COMMAND [ARGS...]`,
    );
  }
  if (serve || positionals.length === 0) {
    if (positionals.length > 0) throw new UsageError("--serve takes no command");
    return await invoke(await commandNamed("serve")!.load(), [], globals);
  }
  // `persistproc help [SUBCOMMAND]` is `--help`, as in git and npm. A program named `help`
  // still runs with `persistproc run help`.
  if (positionals[0] === "help" && runFlags.length === 0) {
    return await helpFor(positionals.slice(1), globals);
  }
  if (command !== undefined) return await invoke(command, positionals.slice(1), globals);
  assertNotMistypedSubcommand(positionals[0]);
  // Not a subcommand: the implicit run, given the run flags that came before the command.
  // `--` keeps the command's own flags its own.
  const before = splitAtFirstPositional(args, spec).flags;
  return await invoke(runCommand!, [...before, "--", ...positionals], {});
}

/** Whether `word` (the first positional) is a command to run rather than a subcommand. */
function isImplicitRun(word: string | undefined): boolean {
  return word !== undefined && word !== "help" && commandNamed(word) === undefined;
}

/** The flags and positionals of `args` read with `spec`; null when `spec` does not fit them. */
function parseOrNull<O extends FlagSpec>(args: string[], spec: O) {
  try {
    return parseFlags(args, spec, true);
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}

/**
 * A program that is nowhere on the PATH and a typo away from a subcommand (`persistproc lst`)
 * was most likely meant as that subcommand: a usage error says so before anything runs (no
 * server is started for it).
 */
function assertNotMistypedSubcommand(word: string): void {
  if (word.includes("/")) return;
  const close = closestSubcommand(word);
  if (close === undefined || findExecutable(word, Deno.cwd(), Deno.env.toObject())) return;
  throw new UsageError(
    `Unknown command "${word}": did you mean 'persistproc ${close}'? ` +
      `(A program of that name would run with 'persistproc run ${word}'.)`,
  );
}

/** The subcommand a typo away from `word`, if any. */
function closestSubcommand(word: string): string | undefined {
  const names = [...COMMAND_TABLE.flatMap((c) => c.names), "help"];
  return names.find((name) => editDistance(name, word) <= (name.length > 3 ? 2 : 1));
}

function pick<T extends object>(values: T, keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key))) as T;
}

async function helpFor(
  rest: string[],
  globals: Parameters<typeof invoke>[2],
): Promise<number> {
  const command = await commandNamed(rest[0])?.load();
  if (command !== undefined) return invoke(command, ["--help"], globals);
  // `help --help` and `help help` ask for this same page.
  if (rest.length > 0 && !["--help", "-h", "help"].includes(rest[0])) {
    const close = closestSubcommand(rest[0]);
    throw new UsageError(
      `Unknown subcommand "${rest[0]}"${close ? `: did you mean '${close}'?` : ""}`,
    );
  }
  printOut(await globalHelpText());
  return 0;
}

/** `persistproc --help`, its module loaded only when asked for. */
async function globalHelpText(): Promise<string> {
  const { globalHelp } = await import("./help.ts");
  return globalHelp(await allCommands());
}

/** Prints an error the way a user should see it and picks the exit code. */
async function report(error: unknown): Promise<number> {
  // Loaded only on a failure: a cold start pays for every module it loads.
  const { inCliWords, NoTargetError } = await import("./folder.ts");
  if (error instanceof UsageError) {
    const help = error.command === undefined ? "--help" : `${error.command} --help`;
    printError(error.message, "usage", `Run 'persistproc ${help}' for usage.`);
    return EXIT_USAGE;
  }
  if (error instanceof HubError) {
    printError(inCliWords(hubMessage(error)), error.code);
    if (error.code === "not_found") return EXIT_NO_PROCESS;
    return error.code === "invalid_argument" ? EXIT_USAGE : EXIT_FAILURE;
  }
  const code = (error as { code?: unknown })?.code;
  printError(
    error instanceof Error ? error.message : String(error),
    typeof code === "string" ? code : error instanceof NoTargetError ? "no_target" : "failed",
  );
  return error instanceof NoTargetError && error.none ? EXIT_NO_PROCESS : EXIT_FAILURE;
}

/** The server's message, with the CLI's way to do what it advises. */
function hubMessage(error: HubError): string {
  if (error.code === "already_running" && error.pid !== undefined) {
    return error.message.replace(
      /: use it, or restart it to start it anew$/,
      `; to start it anew: persistproc restart ${error.pid}`,
    );
  }
  if (error.code === "port_in_use") {
    return error.message.replace(
      /restart "(.*)" instead of starting another$/,
      (_, label: string) =>
        `restart it instead of starting another: persistproc restart ${
          /^[\w./:-]+$/.test(label) ? label : JSON.stringify(label)
        }`,
    );
  }
  return error.message;
}
