/**
 * Getting a client for the configured server, starting the server in the background when
 * none answers.
 */

import { readToken, tokenFile } from "../data_dir/access_token.ts";
import { HubError, ServerUnreachableError } from "../client/client_errors.ts";
import { HubClient } from "../client/hub_client.ts";
import { serverHealth } from "../client/server_connection.ts";
import { printErr } from "./print.ts";
import { clientToken, reachFlags, type Settings } from "./settings.ts";

/** No server answers, and the command is not one that starts it. */
export class NoServerError extends Error {
  constructor(settings: Settings, options?: ErrorOptions) {
    super(
      `No persistproc server runs on port ${settings.port}, so nothing is managed and nothing ` +
        `was changed; start one with 'persistproc${reachFlags(settings)} serve' (it stays in ` +
        `the foreground: use another terminal), ` +
        `or let 'persistproc run' or 'start' start one in the background`,
      options,
    );
    this.name = "NoServerError";
  }
}

/**
 * Connects to the server on the configured port. With `autostart` (run, start) it starts one
 * in the background (and says so on stderr) when the port refuses connections; otherwise that
 * is a NoServerError: a command that reads or stops something has nothing to do without one.
 * The token is `--token`/`PERSISTPROC_TOKEN`, else the one in the data dir; a server that
 * refuses it is reported with what to do.
 */
export async function connect(
  settings: Settings,
  options: { autostart: boolean },
): Promise<HubClient> {
  try {
    if (!options.autostart) return await connectRunning(settings);
    // Loaded only here: the commands that never start a server (list, output, stop) need not.
    const [{ connectOrStart }, { serverArgv }] = await Promise.all([
      import("../client/autostart.ts"),
      import("./server_argv.ts"),
    ]);
    return await connectOrStart({
      port: settings.port,
      dataDir: settings.dataDir,
      token: settings.token,
      serverArgv: serverArgv(settings),
      onSpawn: (logFile) =>
        printErr(`started persistproc server on port ${settings.port} (log: ${logFile})`),
    });
  } catch (error) {
    throw explainRefusal(settings, error);
  }
}

async function connectRunning(settings: Settings): Promise<HubClient> {
  const client = new HubClient({
    port: settings.port,
    token: clientToken(settings),
  });
  try {
    await serverHealth(client.server);
  } catch (error) {
    if (error instanceof ServerUnreachableError) {
      throw new NoServerError(settings, { cause: error });
    }
    throw error;
  }
  return client;
}

/**
 * A refusal of the CLI's token, said with what to do; any other error as it is. The server's
 * own message cannot know where the CLI found its token.
 */
export function explainRefusal(settings: Settings, error: unknown): unknown {
  if (!(error instanceof HubError) || error.code !== "unauthorized") return error;
  const file = tokenFile(settings.dataDir);
  const refused = settings.token !== undefined
    ? "refused the token given by --token or PERSISTPROC_TOKEN"
    : readToken(settings.dataDir) === null
    ? `wants a token, and there is none in ${file}`
    : `refused the token in ${file}`;
  return new HubError(
    "unauthorized",
    `The server on port ${settings.port} ${refused}: it was started with another token ` +
      "(--token, PERSISTPROC_TOKEN) or another --data-dir. Give the same here",
    error.status,
    undefined,
    { cause: error },
  );
}
