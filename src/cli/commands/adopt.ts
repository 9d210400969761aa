/**
 * `persistproc adopt PID|:PORT`: bring a process started outside persistproc (a dev server
 * left running in a terminal) under management: show what would be done, ask, then stop it
 * and run the same command in the same folder with the same environment under persistproc.
 */
import { type AdoptRequest, type AdoptResult, describePlan } from "../../core/adopt/mod.ts";
import { DEFAULT_WAIT_SECONDS, type StartResult } from "../../core/mod.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printErr, printOut } from "../print.ts";
import { displayName } from "../process_name.ts";
import { ask } from "../prompt.ts";
import {
  awaitReady,
  INTERRUPTED_EXIT,
  printWaitOutcome,
  sayKeptRunning,
  WaitInterrupted,
  waitTimeoutFlag,
} from "../start_wait.ts";

/** The `adopt` subcommand. */
export const adoptCommand = defineCommand({
  names: ["adopt"],
  summary: "run a process started elsewhere (by PID or :PORT) under persistproc instead",
  usage: "persistproc adopt [--yes] [--wait-timeout S] PID|:PORT",
  details: `Takes over a process that runs outside persistproc, named by its PID or by a port it
listens on (':5173'). It reads the process's command line, working directory and environment,
says what it will do and asks; then it stops the process's whole tree and starts the same
command in the same folder with the same environment under the default label ("COMMAND in
DIR"), and waits for the port it held. A program started through npm, pnpm, yarn, bun, npx,
'deno task' or 'sh -c' is adopted as the command that launched it ('npm run dev'). When it
was started from a shell in a terminal, that terminal sees it end.

Linux reads all of this from /proc. Elsewhere ps and lsof tell what they can: ps joins the
arguments with spaces (an argument holding a space is split), and the environment is read
from its one line (a value holding " NAME=" is cut); adopt says so before it asks.

Refused: another user's process, PID 1, the persistproc server and what it started (a
managed process is already managed: restart it instead).

Flags:
  --yes              adopt without asking (needed when stdin is not a terminal)
  --wait-timeout S   give up waiting for the port after S seconds (default ${DEFAULT_WAIT_SECONDS})`,
  flags: { yes: { type: "boolean", short: "y" }, "wait-timeout": { type: "string" } },
  async run({ values, positionals, settings }) {
    if (positionals.length !== 1) throw new UsageError("adopt takes one PID or :PORT");
    const timeout = waitTimeoutFlag(values["wait-timeout"]);
    const request: AdoptRequest = {
      ...adoptTarget(positionals[0]),
      ...(timeout === undefined ? {} : { wait_timeout: Number(timeout) }),
    };
    const json = settings.format === "json";
    const client = await connect(settings, { autostart: true });
    const plan = await client.adopt(request);
    if (!values.yes) {
      // On stderr, so that with --format json too the person asked sees what they agree to.
      printErr(`adopt would ${describePlan(plan.adoption)}`);
      if (!Deno.stdin.isTerminal()) {
        throw new UsageError(
          "adopt asks before it stops anything, and stdin is not a terminal: pass --yes to adopt without asking",
        );
      }
      const answer = await ask("Adopt it? [y/N] ");
      if (!/^y(es)?$/i.test(answer?.trim() ?? "")) {
        printOut(json ? JSON.stringify(plan, null, 2) : "not adopted: nothing was stopped");
        return 1;
      }
    }
    // While the port it held comes back, a spinner says what is awaited, as a start's does.
    const { adoption } = plan;
    const target = {
      command_or_label: adoption.command,
      working_directory: adoption.working_directory,
    };
    let done: AdoptResult & StartResult;
    try {
      done = await awaitReady(
        adoption.wait_for_port === null ? {} : { wait_for_port: adoption.wait_for_port },
        client.adopt({ ...request, confirm: true }) as Promise<AdoptResult & StartResult>,
        { show: !json, tails: false, outcome: false },
        target,
      );
    } catch (error) {
      // Ctrl+C while the port comes back: the adopted process keeps running; say how to stop it.
      if (!(error instanceof WaitInterrupted)) throw error;
      await sayKeptRunning(client, error.target);
      return INTERRUPTED_EXIT;
    }
    printOut(json ? JSON.stringify(done, null, 2) : describeAdopted(done));
    // A port that did not come back: why, from the program's last lines.
    if (!json && done.adopted && done.ready === false) printWaitOutcome(done, true);
    return done.adopted && done.ready !== false ? 0 : 1;
  },
});

/** `1234` names a pid, `:5173` the holder of a port. */
function adoptTarget(word: string): AdoptRequest {
  const match = /^(:)?(\d{1,7})$/.exec(word);
  if (!match) throw new UsageError(`Expected a PID or :PORT to adopt (got "${word}")`);
  const number = Number(match[2]);
  if (match[1] && (number < 1 || number > 65_535)) {
    throw new UsageError(`Invalid port "${word}": expected :1 to :65535`);
  }
  return match[1] ? { port: number } : { pid: number };
}

function describeAdopted(result: AdoptResult): string {
  if (!result.adopted) return "not adopted: nothing was stopped";
  const { adoption } = result;
  const port = adoption.wait_for_port;
  const waited = port === null
    ? ""
    : result.ready === false
    ? `; port ${port} does not listen yet (${result.wait_result})`
    : `; port ${port} listens`;
  return `adopted PID ${adoption.pid}: ${
    displayName(result)
  } runs under persistproc as PID ${result.pid}${waited}\nlog: ${result.log_dir}`;
}
