/**
 * `persistproc open`: open the dashboard in the browser, signed in. The token goes in the
 * address's fragment, which the browser never sends to a server. The browser is not given that
 * address on its command line, where any user could read it with ps: it opens an owner-only
 * file in the data dir that redirects to it, as Jupyter does.
 */

import { join } from "node:path";
import { ensureToken } from "../../data_dir/access_token.ts";
import { assertPrivateDir, replaceOwnFile } from "../../data_dir/trust.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { connect } from "../connect.ts";
import { printErr, printOut } from "../print.ts";
import { callerEnvironment } from "../settings.ts";

/** The `open` subcommand. */
export const openCommand = defineCommand({
  names: ["open"],
  summary: "open the dashboard in the browser, with the token",
  usage: "persistproc open [--print]",
  details: `Opens the dashboard of the server on the port in the default browser (xdg-open,
open or rundll32), signed in with the server's token, starting the server if none runs.
Where no browser can be started, prints the address (with the token) instead.

Flags:
  --print   only print the address with the token; open nothing`,
  flags: { print: { type: "boolean" } },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) throw new UsageError("open takes no arguments");
    const client = await connect(settings, { autostart: true });
    const token = settings.token ?? ensureToken(settings.dataDir).token;
    const url = `${client.baseUrl}/#token=${encodeURIComponent(token)}`;
    if (values.print) {
      printOut(url);
      return 0;
    }
    const file = writeRedirect(settings.dataDir, url);
    const failure = await openInBrowser(file);
    if (failure === null) {
      printErr(`opened the dashboard (${client.baseUrl}/) in the browser`);
    } else {
      printErr(`could not open a browser (${failure}); open this address:`);
      printOut(url);
    }
    return 0;
  },
});

/**
 * Writes the owner-only page that sends the browser on to `url`; returns its path. The page
 * replaces whatever has its name (never writing through a symbolic link), in a data directory
 * nobody else may write.
 */
function writeRedirect(dataDir: string, url: string): string {
  assertPrivateDir(dataDir);
  const path = join(dataDir, "open.html");
  const html = `<!doctype html>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=${url}">
<title>persistproc</title>
<p><a href="${url}">Open the persistproc dashboard</a></p>
`;
  replaceOwnFile(path, html);
  return path;
}

/** The program that opens a file or address in the user's browser, on this OS. */
function opener(target: string): string[] {
  if (Deno.build.os === "darwin") return ["open", target];
  // rundll32 rather than cmd's start: nothing in the path is parsed by a shell.
  if (Deno.build.os === "windows") return ["rundll32", "url.dll,FileProtocolHandler", target];
  return ["xdg-open", target];
}

/**
 * Hands `target` to the OS's opener; null when it started (or is still busy after a few
 * seconds, as some browsers keep it waiting), else why it failed.
 */
async function openInBrowser(target: string): Promise<string | null> {
  const [program, ...args] = opener(target);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      env: callerEnvironment(),
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return `${program} not found`;
    return `${program}: ${error instanceof Error ? error.message : String(error)}`;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 5_000)),
  ]);
  clearTimeout(timer);
  if (status === null) {
    child.unref();
    return null;
  }
  return status.success ? null : `${program} exited with code ${status.code}`;
}
