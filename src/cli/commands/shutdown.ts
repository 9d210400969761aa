/**
 * `persistproc shutdown`: stop the server and everything it manages. Never starts a server.
 */

import { ServerUnreachableError } from "../../client/client_errors.ts";
import { HubClient } from "../../client/hub_client.ts";
import { serverHealth } from "../../client/server_connection.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { explainRefusal } from "../connect.ts";
import { printErr } from "../print.ts";
import { clientToken } from "../settings.ts";
import { whatItStopped } from "../server_ending.ts";
import type { ProcessInfo } from "../../core/mod.ts";

/** How long to wait for the server to go after asking it to: it stops every process first. */
const SHUTDOWN_TIMEOUT_S = 30;

/** The `shutdown` subcommand. */
export const shutdownCommand = defineCommand({
  names: ["shutdown"],
  summary: "stop the server and every process it manages",
  usage: "persistproc shutdown",
  details: `Asks the server on the port to stop every process it manages and exit, waits
until it has, and says which processes it stopped. When no server is running, says so
and succeeds.`,
  flags: {},
  async run({ positionals, settings }) {
    if (positionals.length > 0) throw new UsageError("shutdown takes no arguments");
    const client = new HubClient({ port: settings.port, token: clientToken(settings) });
    let running: ProcessInfo[] | null;
    try {
      await serverHealth(client.server);
      // To say what the shutdown stopped; an answer it cannot give leaves that out.
      running = await client.list({ status: "running" }).catch(() => null);
      await client.shutdown();
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw explainRefusal(settings, error);
      printErr(`no server running on port ${settings.port}`);
      return 0;
    }
    const deadline = Date.now() + SHUTDOWN_TIMEOUT_S * 1000;
    while (await isUp(client)) {
      if (Date.now() > deadline) {
        throw new Error(
          `The server on port ${settings.port} is still shutting down after ${SHUTDOWN_TIMEOUT_S} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stopped = running === null
      ? ""
      : `; ${whatItStopped({ stopped: running, leftRunning: null })}`;
    printErr(`persistproc server on port ${settings.port} stopped${stopped}`);
    return 0;
  },
});

async function isUp(client: HubClient): Promise<boolean> {
  try {
    await serverHealth(client.server);
    return true;
  } catch (error) {
    if (error instanceof ServerUnreachableError) return false;
    throw error;
  }
}
