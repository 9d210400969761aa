/**
 * `start`, `stop` and `restart`, and `ctrl ACTION`, which takes the action as a word the way
 * the MCP tool does. They act and print the result; they do not follow output.
 */

import { callerEnvironment } from "../settings.ts";
import type { CtrlArgs, IfRunning, WaitedCtrlResult } from "../../client/api.ts";
import type { HubClient } from "../../client/hub_client.ts";
import { IF_RUNNING, type ProcessTarget, resolvePath, STOP_GRACE_SECONDS } from "../../core/mod.ts";
import { UsageError } from "../args.ts";
import { type Command, defineCommand, invoke } from "../command.ts";
import { commandNamed } from "../command_table.ts";
import { connect } from "../connect.ts";
import { actOnTarget } from "../folder.ts";
import { printErr, printOut } from "../print.ts";
import { describeCtrl } from "../ctrl_words.ts";
import type { Settings } from "../settings.ts";
import { joinCommand } from "../../core/process/mod.ts";
import { TARGET_HELP, WORKING_DIRECTORY_FLAG } from "../target.ts";
import {
  awaitReady,
  INTERRUPTED_EXIT,
  printWaitOutcome,
  sayKeptRunning,
  targetOfCall,
  WAIT_FLAGS,
  WAIT_HELP,
  waitConditions,
  WaitInterrupted,
} from "../start_wait.ts";
import { AUTORESTART_FLAG, AUTORESTART_HELP, autorestartPolicy } from "../autorestart_flag.ts";

/** The `start` subcommand. */
export const startCommand = defineCommand({
  names: ["start"],
  summary: "start a command without following it",
  usage: "persistproc start [--label L] [--if-running error|keep|restart] [--assign-port VAR]\n" +
    "                  [--autorestart no|on-failure|always] [--notify-on-log RE] [--wait-for-port N]\n" +
    "                  [--wait-for-log RE] [--wait-for-url URL] [--wait-timeout S] [-C DIR]\n" +
    "                  COMMAND [ARGS...]",
  details: `Starts COMMAND in the current directory with your environment and prints its PID
and log file. Use 'persistproc run' to follow its output instead.

Flags (before COMMAND):
  --label L                     name the process L (default: "COMMAND in DIR")
  --if-running WHAT             when that label already runs: error (the default),
                                keep (print it and succeed; waits apply to it) or
                                restart (restart it, then wait)
  --assign-port VAR             pass a free TCP port in variable VAR (e.g. PORT): the same
                                one for this label and directory while it is free
${AUTORESTART_HELP}
  --notify-on-log RE            each output line matching RE (RE2 syntax) becomes an event
                                ('persistproc events --kind log_match')
  -C, --working-directory DIR   start in DIR instead of the current directory

To return only once it is ready (exit code 1 if it exits first or the wait times out):
${WAIT_HELP}`,
  flags: {
    label: { type: "string" },
    "if-running": { type: "string" },
    "assign-port": { type: "string" },
    "notify-on-log": { type: "string" },
    ...AUTORESTART_FLAG,
    ...WAIT_FLAGS,
    ...WORKING_DIRECTORY_FLAG,
  },
  flagsEndAtCommand: true,
  async run({ values, positionals, settings }) {
    if (positionals.length === 0) throw new UsageError("Missing the command to start");
    const ifRunning = values["if-running"];
    if (ifRunning !== undefined && !IF_RUNNING.includes(ifRunning as IfRunning)) {
      throw new UsageError(
        `Invalid --if-running "${ifRunning}": expected ${IF_RUNNING.join(", ")}`,
      );
    }
    const autorestart = autorestartPolicy(values.autorestart);
    return await act(settings, {
      autostart: true,
    }, {
      action: "start",
      command_or_label: joinCommand(positionals),
      working_directory: resolvePath(values["working-directory"] ?? Deno.cwd()),
      environment: callerEnvironment(),
      inherit_environment: false,
      ...(values.label === undefined ? {} : { label: values.label }),
      ...(ifRunning === undefined ? {} : { if_running: ifRunning as IfRunning }),
      ...(values["assign-port"] === undefined ? {} : { assign_port: values["assign-port"] }),
      ...(autorestart === undefined ? {} : { autorestart }),
      ...(values["notify-on-log"] === undefined ? {} : { notify_on_log: values["notify-on-log"] }),
      ...waitConditions(values),
    });
  },
});

/** The `stop` subcommand. */
export const stopCommand = defineCommand({
  names: ["stop"],
  summary: "stop a process and its whole tree (descendants that left its group too)",
  usage: "persistproc stop [--force] [-C DIR] [TARGET]",
  details: `Stops TARGET: SIGTERM to its whole tree (its process group and every descendant that
left it, such as a server started with setsid), then SIGKILL if any of it lingers (${STOP_GRACE_SECONDS} s).
Then says which ports the tree listened on are free, or who still holds one. Without
TARGET, the process started in the current folder (or DIR), if there is one.
${TARGET_HELP}
Flags:
  --force                       kill at once with SIGKILL
  -C, --working-directory DIR   narrow a command TARGET to DIR`,
  flags: { force: { type: "boolean" }, ...WORKING_DIRECTORY_FLAG },
  run({ values, positionals, settings }) {
    return act(settings, {
      positionals,
      directory: values["working-directory"],
    }, {
      action: "stop",
      ...(values.force ? { force: true } : {}),
    });
  },
});

/** The `restart` subcommand. */
export const restartCommand = defineCommand({
  names: ["restart"],
  summary: "restart a process with its command, directory and environment",
  usage: "persistproc restart [--wait-for-port N] [--wait-for-log RE] [--wait-for-url URL]\n" +
    "                    [--wait-timeout S] [-C DIR] [TARGET]",
  details: `Stops TARGET and starts it again as it was started; prints the new PID, and of the
ports the old run's tree listened on, which the new run listens on again, which are free,
or who still holds one. Without TARGET, the process started in the current folder (or
DIR), if there is one.
${TARGET_HELP}
Flags:
  -C, --working-directory DIR   narrow a command TARGET to DIR
${WAIT_HELP}`,
  flags: { ...WAIT_FLAGS, ...WORKING_DIRECTORY_FLAG },
  run({ values, positionals, settings }) {
    return act(settings, {
      positionals,
      directory: values["working-directory"],
    }, {
      action: "restart",
      ...waitConditions(values),
    });
  },
});

const ACTIONS: Record<string, () => Promise<Command>> = {
  start: () => Promise.resolve(startCommand),
  stop: () => Promise.resolve(stopCommand),
  restart: () => Promise.resolve(restartCommand),
  // Loaded only for `ctrl adopt`: start, stop and restart need not load adopt's modules.
  adopt: () => commandNamed("adopt")!.load(),
};

/** The `ctrl` subcommand: `ctrl start|stop|restart|adopt ...`, as the MCP tool names them. */
export const ctrlCommand = defineCommand({
  names: ["ctrl"],
  summary: "start, stop, restart or adopt, with the action as a word (as the MCP tool)",
  usage: "persistproc ctrl start [--label L] [-C DIR] COMMAND [ARGS...]\n" +
    "persistproc ctrl stop [--force] [-C DIR] [TARGET]\n" +
    "persistproc ctrl restart [-C DIR] [TARGET]\n" +
    "persistproc ctrl adopt [--yes] [--wait-timeout S] PID|:PORT",
  details:
    "The same as 'persistproc start', 'stop', 'restart' and 'adopt', with their flags (start and\n" +
    "restart also take --wait-for-port, --wait-for-log, --wait-for-url and --wait-timeout; adopt\n" +
    "takes --wait-timeout).",
  flags: {},
  flagsEndAtCommand: true,
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const load = action === undefined ? undefined : ACTIONS[action];
    if (load === undefined) {
      throw new UsageError(
        action === undefined
          ? "Missing the action: start, stop, restart or adopt"
          : `Unknown action "${action}": expected start, stop, restart or adopt`,
      );
    }
    return await invoke(await load(), rest, values);
  },
});

/** Where the action goes: a new command (start), or a TARGET and `-C DIR` (stop, restart). */
type Addressing = { autostart: true } | { positionals: string[]; directory?: string };

/**
 * Sends the action and prints its result: a sentence, or the API's object as JSON. A start
 * or restart that waits shows a spinner meanwhile and fails (1) when it did not get ready.
 */
async function act(settings: Settings, to: Addressing, args: CtrlArgs): Promise<number> {
  const client = await connect(settings, { autostart: "autostart" in to });
  const text = settings.format === "text";
  const send = (target: ProcessTarget) =>
    sendAction(client, { ...args, ...target }, text, "positionals" in to ? to.positionals : []);
  let result;
  try {
    result = "positionals" in to
      ? await actOnTarget(client, to.positionals, to.directory, send)
      : await send({});
  } catch (error) {
    if (!(error instanceof WaitInterrupted)) throw error;
    await sayKeptRunning(client, error.target);
    return INTERRUPTED_EXIT;
  }
  printOut(text ? describeCtrl(result) : JSON.stringify(result, null, 2));
  if (text && result.action !== "stop") printWaitOutcome(result, true);
  return result.ready === false ? 1 : 0;
}

/** How long a stop may take before the CLI says what it is waiting for. */
const STOP_NOTICE_MS = 1_000;

async function sendAction(
  client: HubClient,
  args: CtrlArgs,
  text: boolean,
  positionals: string[],
): Promise<WaitedCtrlResult & { was_running?: boolean }> {
  if (args.action !== "stop") {
    // The outcome is printed after the "started" line: in the order things happened.
    const show = { show: text, tails: true, outcome: false };
    return await awaitReady(args, startOrRestart(client, args), show, targetOfCall(args));
  }
  const sent = Date.now();
  const call = client.stop(args, { force: args.force });
  // A process that ignores SIGTERM takes the whole grace period: say why nothing happens.
  const name = positionals.length ? ` "${positionals.join(" ")}"` : "";
  const sayWhy = () =>
    printErr(
      `waiting for${name} to exit after SIGTERM; SIGKILL follows ${STOP_GRACE_SECONDS} s after it was sent`,
    );
  // Not setTimeout: Deno's loads Node's timers and some 20 modules of its Node layer the first
  // time (about 5 ms of CPU in a cold start). This timer does not keep the CLI alive either.
  const notice = !text || args.force ? undefined : AbortSignal.timeout(STOP_NOTICE_MS);
  notice?.addEventListener("abort", sayWhy, { once: true });
  try {
    const result = await call;
    // It had ended before this stop was sent: nothing was stopped, and the ending is old news.
    const endedAt = result.end_time ? Date.parse(result.end_time) : NaN;
    return { action: "stop", ...result, ports: [], was_running: !(endedAt < sent) };
  } finally {
    notice?.removeEventListener("abort", sayWhy);
  }
}

/** A start or restart as one Hub verb, its result named by its action. */
async function startOrRestart(client: HubClient, args: CtrlArgs): Promise<WaitedCtrlResult> {
  const { action, pid, command_or_label, working_directory, force, ...rest } = args;
  if (action === "restart") {
    const { wait_for_port, wait_for_log, wait_for_url, wait_timeout } = rest;
    const options = { force, wait_for_port, wait_for_log, wait_for_url, wait_timeout };
    const target = { pid, command_or_label, working_directory };
    return { action, ...await client.restart(target, options) };
  }
  const request = { command: command_or_label ?? "", working_directory: working_directory ?? "" };
  return { action: "start", ...await client.start({ ...request, ...rest }) };
}
