/**
 * `start`, `stop` and `restart`, and `ctrl ACTION`, which takes the action as a word the way
 * the MCP tool does. They act and print the result; they do not follow output.
 */

import { callerEnvironment } from "../settings.ts";
import { resolve } from "node:path";
import type { CtrlArgs, CtrlResult, IfRunning } from "../../client/api.ts";
import { UsageError } from "../args.ts";
import { type Command, defineCommand, invoke } from "../command.ts";
import { connect } from "../connect.ts";
import { describeEnding } from "../exit_status.ts";
import { printOut } from "../output.ts";
import { displayName } from "../process_name.ts";
import type { Settings } from "../settings.ts";
import { joinCommand } from "../shell_quote.ts";
import { parseTarget, WORKING_DIRECTORY_FLAG } from "../target.ts";
import { awaitReady, WAIT_FLAGS, WAIT_HELP, waitConditions } from "../wait.ts";

/** The `start` subcommand. */
export const startCommand = defineCommand({
  names: ["start"],
  summary: "start a command without following it",
  usage: "persistproc start [--label L] [--if-running error|keep|restart] [--assign-port VAR]\n" +
    "                [--wait-for-port N] [--wait-for-log RE] [--wait-for-url URL]\n" +
    "                [--wait-timeout S] [-C DIR] COMMAND [ARGS...]",
  details: `Starts COMMAND in the current directory with your environment and prints its PID
and log file. Use 'persistproc run' to follow its output instead.

Flags (before COMMAND):
  --label L                     name the process L (default: "COMMAND in DIR")
  --if-running WHAT             when that label already runs: error (the default),
                                keep (print it and succeed; waits apply to it) or
                                restart (restart it, then wait)
  --assign-port VAR             pass a free TCP port in variable VAR (e.g. PORT): the same
                                one for this label and directory while it is free
  -C, --working-directory DIR   start in DIR instead of the current directory

To return only once it is ready (exit code 1 if it exits first or the wait times out):
${WAIT_HELP}`,
  flags: {
    label: { type: "string" },
    "if-running": { type: "string" },
    "assign-port": { type: "string" },
    ...WAIT_FLAGS,
    ...WORKING_DIRECTORY_FLAG,
  },
  flagsEndAtCommand: true,
  run({ values, positionals, settings }) {
    if (positionals.length === 0) throw new UsageError("Missing the command to start");
    const ifRunning = values["if-running"];
    if (ifRunning !== undefined && !IF_RUNNING.includes(ifRunning as IfRunning)) {
      throw new UsageError(
        `Invalid --if-running "${ifRunning}": expected ${IF_RUNNING.join(", ")}`,
      );
    }
    return act(settings, {
      action: "start",
      command_or_label: joinCommand(positionals),
      working_directory: resolve(values["working-directory"] ?? Deno.cwd()),
      environment: callerEnvironment(),
      inherit_environment: false,
      ...(values.label === undefined ? {} : { label: values.label }),
      ...(ifRunning === undefined ? {} : { if_running: ifRunning as IfRunning }),
      ...(values["assign-port"] === undefined ? {} : { assign_port: values["assign-port"] }),
      ...waitConditions(values),
    });
  },
});

const IF_RUNNING: readonly IfRunning[] = ["error", "keep", "restart"];

/** The `stop` subcommand. */
export const stopCommand = defineCommand({
  names: ["stop"],
  summary: "stop a process and its whole tree (descendants that left its group too)",
  usage: "persistproc stop [--force] [-C DIR] TARGET",
  details: `Stops TARGET: SIGTERM to its whole tree (its process group and every descendant that
left it, such as a server started with setsid), then SIGKILL if any of it lingers. Then says
which ports the tree listened on are free, or who still holds one.

Flags:
  --force                       kill at once with SIGKILL
  -C, --working-directory DIR   narrow a command TARGET to DIR`,
  flags: { force: { type: "boolean" }, ...WORKING_DIRECTORY_FLAG },
  run({ values, positionals, settings }) {
    return act(settings, {
      action: "stop",
      ...requiredTarget("stop", positionals, values["working-directory"]),
      ...(values.force ? { force: true } : {}),
    });
  },
});

/** The `restart` subcommand. */
export const restartCommand = defineCommand({
  names: ["restart"],
  summary: "restart a process with its command, directory and environment",
  usage: "persistproc restart [--wait-for-port N] [--wait-for-log RE] [--wait-for-url URL]\n" +
    "                  [--wait-timeout S] [-C DIR] TARGET",
  details: `Stops TARGET and starts it again as it was started; prints the new PID.

Flags:
  -C, --working-directory DIR   narrow a command TARGET to DIR
${WAIT_HELP}`,
  flags: { ...WAIT_FLAGS, ...WORKING_DIRECTORY_FLAG },
  run({ values, positionals, settings }) {
    return act(settings, {
      action: "restart",
      ...requiredTarget("restart", positionals, values["working-directory"]),
      ...waitConditions(values),
    });
  },
});

const ACTIONS: Record<string, Command> = {
  start: startCommand,
  stop: stopCommand,
  restart: restartCommand,
};

/** The `ctrl` subcommand: `ctrl start|stop|restart ...`, as the MCP tool names them. */
export const ctrlCommand = defineCommand({
  names: ["ctrl"],
  summary: "start, stop or restart, with the action as a word (as the MCP tool)",
  usage: "persistproc ctrl start [--label L] [-C DIR] COMMAND [ARGS...]\n" +
    "persistproc ctrl stop [--force] [-C DIR] TARGET\n" +
    "persistproc ctrl restart [-C DIR] TARGET",
  details: "The same as 'persistproc start', 'stop' and 'restart', with their flags (start and\n" +
    "restart also take --wait-for-port, --wait-for-log, --wait-for-url and --wait-timeout).",
  flags: {},
  flagsEndAtCommand: true,
  run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const command = action === undefined ? undefined : ACTIONS[action];
    if (command === undefined) {
      throw new UsageError(
        action === undefined
          ? "Missing the action: start, stop or restart"
          : `Unknown action "${action}": expected start, stop or restart`,
      );
    }
    return invoke(command, rest, values);
  },
});

function requiredTarget(action: string, positionals: string[], workingDirectory?: string) {
  if (positionals.length === 0) throw new UsageError(`Missing the process to ${action}`);
  return parseTarget(positionals, workingDirectory);
}

/**
 * Sends the action and prints its result: a sentence, or the API's object as JSON. A start
 * or restart that waits shows a spinner meanwhile and fails (1) when it did not get ready.
 */
async function act(settings: Settings, args: CtrlArgs): Promise<number> {
  const client = await connect(settings);
  const text = settings.format === "text";
  const result = await awaitReady(args, client.ctrl(args), { show: text, tails: true });
  printOut(text ? describe(result) : JSON.stringify(result, null, 2));
  return result.ready === false ? 1 : 0;
}

function describe(result: CtrlResult): string {
  const name = `${displayName(result)} (PID ${result.pid})`;
  switch (result.action) {
    case "start":
      return `${result.already_running ? "already running:" : "started"} ${name}${
        listening(result)
      }\nlog: ${result.log_dir}`;
    case "stop":
      return `stopped ${name}: ${describeEnding(result)}${released(result)}`;
    case "restart":
      return `restarted ${name}${listening(result)}`;
  }
}

/** What a stop found of the ports the tree had held: `; freed port 3000`, or who still holds one. */
function released(result: CtrlResult): string {
  const freed = result.freed_ports ?? [];
  const held = (result.held_ports ?? []).map((h) =>
    `port ${h.port} still held by ${h.command ?? "a process"}${
      h.pid === null ? "" : ` (PID ${h.pid})`
    }`
  );
  return [
    ...(freed.length ? [`freed port${freed.length > 1 ? "s" : ""} ${freed.join(", ")}`] : []),
    ...held,
  ].map((part) => `; ${part}`).join("");
}

function listening(result: CtrlResult): string {
  const port = result.assigned_port;
  return (port ? `, assigned port ${port}` : "") +
    (result.ports?.length ? `, listening on ${result.ports.join(", ")}` : "");
}
