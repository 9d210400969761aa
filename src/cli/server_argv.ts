/**
 * How the CLI starts a server in the background: the same program as itself, with the server's
 * permissions. Loaded only by the commands that may start one (run, start), with the autostart
 * code.
 */
import { baseName } from "../core/mod.ts";
import { PERMISSIONS, SERVER_V8_FLAGS } from "./permissions.ts";
import type { Settings } from "./settings.ts";

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
  const program = baseName(execPath).toLowerCase();
  if (program === "deno" || program === "deno.exe") {
    // The same permissions and V8 setting as the compiled binary and the installed script.
    return [execPath, "run", ...PERMISSIONS, SERVER_V8_FLAGS, mainModule, ...serveArgs];
  }
  return [execPath, ...serveArgs];
}
