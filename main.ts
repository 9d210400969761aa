/**
 * persistproc: a local process hub. Keeps your dev servers and other long-running commands
 * alive in one server that you and your coding agents (over MCP) share.
 *
 * This is the command-line entry; `persistproc --help` tells the rest. It is the only place
 * that exits the process.
 *
 * @module
 */

import { runCli } from "./src/cli/cli.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
