/**
 * `persistproc serve`: run the server in the foreground until Ctrl+C, SIGTERM or
 * `persistproc shutdown`.
 */

import { UsageError } from "../args.ts";
import { agentSetupText } from "../agent_setup.ts";
import { defineCommand } from "../command.ts";
import { printError, printOut } from "../output.ts";

/** The `serve` subcommand. */
export const serveCommand = defineCommand({
  names: ["serve"],
  summary: "run the server in the foreground (also: no arguments, or --serve)",
  usage: "persistproc serve [--quiet]",
  details: `Runs the persistproc server on 127.0.0.1 until Ctrl+C, SIGTERM or 'persistproc
shutdown', then stops every process it manages. It prints its MCP address and how to
connect each agent.

Flags:
  --quiet    print only the address, not the agent set-up`,
  flags: { quiet: { type: "boolean" } },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) {
      throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`);
    }
    // Imported here so that client commands do not load the server and its MCP SDK.
    const { serve } = await import("../../http/server.ts");
    try {
      await serve({
        port: settings.port,
        dataDir: settings.dataDir,
        onListen: (url) => {
          const mcp = new URL("/mcp/", url).href;
          printOut(`persistproc listening on ${mcp}`);
          if (!values.quiet) printOut(`\n${agentSetupText(mcp)}`);
        },
      });
    } catch (error) {
      if (!isPortInUse(error)) throw error;
      if (error.isPersistproc) {
        printError(`persistproc is already running on port ${settings.port}`);
      } else {
        printError(`port ${settings.port} is in use by ${error.holder ?? "another program"}`);
      }
      return 1;
    }
    return 0;
  },
});

interface PortInUse {
  code: "port_in_use";
  holder: string | null;
  isPersistproc: boolean;
}

/** Whether `error` is the server's PortInUseError (checked by code, not class identity). */
function isPortInUse(error: unknown): error is PortInUse {
  return (error as { code?: unknown } | null)?.code === "port_in_use";
}
