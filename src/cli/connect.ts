/**
 * Getting a client for the configured server, starting the server in the background when
 * none answers.
 */

import { basename } from "node:path";
import { connectOrStart } from "../client/autostart.ts";
import type { HubClient } from "../client/hub_client.ts";
import { printErr } from "./output.ts";
import type { Settings } from "./settings.ts";

/**
 * Connects to the server on the configured port, autostarting one (and saying so on stderr)
 * when the port refuses connections.
 */
export function connect(settings: Settings): Promise<HubClient> {
  return connectOrStart({
    port: settings.port,
    dataDir: settings.dataDir,
    token: settings.token,
    serverArgv: serverArgv(settings),
    onSpawn: (logFile) =>
      printErr(`started persistproc server on port ${settings.port} (log: ${logFile})`),
  });
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
