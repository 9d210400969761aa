/**
 * Getting a client for the configured server, starting the server in the background when
 * none answers.
 */

import { basename } from "node:path";
import { readToken, tokenFile } from "../core/access_token.ts";
import { connectOrStart } from "../client/autostart.ts";
import { HubError } from "../client/errors.ts";
import type { HubClient } from "../client/hub_client.ts";
import { printErr } from "./output.ts";
import type { Settings } from "./settings.ts";

/**
 * Connects to the server on the configured port, autostarting one (and saying so on stderr)
 * when the port refuses connections. The token is `--token`/`PERSISTPROC_TOKEN`, else the one
 * in the data dir; a server that refuses it is reported with what to do.
 */
export async function connect(settings: Settings): Promise<HubClient> {
  try {
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

/**
 * The argv that runs `persistproc serve` for these settings with the same program as this
 * one: under `deno run` it names this checkout's main.ts; a compiled binary runs itself.
 */
export function serverArgv(
  settings: Settings,
  execPath = Deno.execPath(),
  mainModule = new URL("../../main.ts", import.meta.url).href,
): string[] {
  const serveArgs = [
    "serve",
    "--quiet",
    "--port",
    String(settings.port),
    "--data-dir",
    settings.dataDir,
  ];
  const program = basename(execPath).toLowerCase();
  if (program === "deno" || program === "deno.exe") {
    // The same V8 setting as `deno task serve` and the compiled binary (see tasks/compile.ts).
    return [
      execPath,
      "run",
      "--allow-all",
      "--v8-flags=--max-semi-space-size=4",
      mainModule,
      ...serveArgs,
    ];
  }
  return [execPath, ...serveArgs];
}
