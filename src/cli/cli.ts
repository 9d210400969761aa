/**
 * The CLI's entry: read the global flags, pick the subcommand (or the implicit `run`), run
 * it, and turn every failure into `error: ...` and an exit code. No stack trace reaches the
 * user.
 */

import denoJson from "../../deno.json" with { type: "json" };
import { HubError, ServerStartError, ServerUnreachableError } from "../client/errors.ts";
import { parseFlags, UsageError } from "./args.ts";
import { type Command, invoke } from "./command.ts";
import { ctrlCommand, restartCommand, startCommand, stopCommand } from "./commands/ctrl.ts";
import { listCommand } from "./commands/list.ts";
import { outputCommand } from "./commands/output.ts";
import { runCommand } from "./commands/run.ts";
import { serveCommand } from "./commands/serve.ts";
import { setupCommand } from "./commands/setup.ts";
import { shutdownCommand } from "./commands/shutdown.ts";
import { globalHelp } from "./help.ts";
import { printErr, printError, printOut } from "./output.ts";
import { GLOBAL_FLAGS } from "./settings.ts";

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  serveCommand,
  listCommand,
  outputCommand,
  startCommand,
  stopCommand,
  restartCommand,
  ctrlCommand,
  shutdownCommand,
  setupCommand,
] as Command[];

const TOP_FLAGS = {
  ...GLOBAL_FLAGS,
  version: { type: "boolean" },
  serve: { type: "boolean" },
} as const;

/** The exit code of a failure: the server refused, could not be reached, or broke off. */
export const EXIT_FAILURE = 1;
/** The exit code of a mistake in how the CLI was called (unknown flag, bad value). */
export const EXIT_USAGE = 2;

/**
 * Runs the CLI on `args` (without the program name) and resolves with the exit code. It
 * never throws; main.ts exits with what it returns.
 */
export async function runCli(args: string[]): Promise<number> {
  try {
    return await dispatch(args);
  } catch (error) {
    return report(error);
  }
}

async function dispatch(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, TOP_FLAGS, true);
  const { version, serve, ...globals } = values;
  if (version) {
    printOut(`persistproc ${denoJson.version}`);
    return 0;
  }
  if (globals.help && positionals.length === 0) {
    printOut(globalHelp(COMMANDS));
    return 0;
  }
  if (serve || positionals.length === 0) {
    if (positionals.length > 0) throw new UsageError("--serve takes no command");
    return await invoke(serveCommand, [], globals);
  }
  const [name, ...rest] = positionals;
  const command = COMMANDS.find((c) => c.names.includes(name));
  if (command !== undefined) return await invoke(command, rest, globals);
  // Not a subcommand: the implicit run. `--` keeps the command's own flags its own.
  return await invoke(runCommand, ["--", ...positionals], globals);
}

/** Prints an error the way a user should see it and picks the exit code. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    printError(error.message);
    const help = error.command === undefined ? "--help" : `${error.command} --help`;
    printErr(`Run 'persistproc ${help}' for usage.`);
    return EXIT_USAGE;
  }
  if (error instanceof HubError) {
    printError(error.message);
    return error.code === "invalid_argument" ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (error instanceof ServerUnreachableError || error instanceof ServerStartError) {
    printError(error.message);
    return EXIT_FAILURE;
  }
  printError(error instanceof Error ? error.message : String(error));
  return EXIT_FAILURE;
}
