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
  usage: "persistproc serve [--quiet] [--host HOST] [--log-max-bytes N]",
  details: `Runs the persistproc server on 127.0.0.1 until Ctrl+C, SIGTERM or 'persistproc
shutdown', then stops every process it manages. It prints its MCP address and how to
connect each agent.

Flags:
  --quiet             print only the address, not the agent set-up
  --host HOST         interface to listen on (default 127.0.0.1); anything but loopback
                      needs a token (--token or PERSISTPROC_TOKEN)
  --log-max-bytes N   cap of each log file before it rotates, one older file kept
                      (env PERSISTPROC_LOG_MAX_BYTES; default 16777216 = 16 MiB)`,
  flags: {
    quiet: { type: "boolean" },
    host: { type: "string" },
    "log-max-bytes": { type: "string" },
  },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) {
      throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`);
    }
    // Imported here so that client commands do not load the server and its MCP SDK.
    const { serve } = await import("../../http/server.ts");
    const cap = values["log-max-bytes"] ?? Deno.env.get("PERSISTPROC_LOG_MAX_BYTES") ??
      "16777216";
    if (!/^\d+$/.test(cap) || Number(cap) < 1024) {
      throw new UsageError(`Invalid log cap "${cap}": expected a number of bytes, at least 1024`);
    }
    // The processes the server starts inherit its environment: keep the token out of it.
    Deno.env.delete("PERSISTPROC_TOKEN");
    try {
      await serve({
        port: settings.port,
        dataDir: settings.dataDir,
        hostname: values.host,
        token: settings.token,
        logMaxBytes: Number(cap),
        onListen: (url) => {
          const mcp = new URL("/mcp/", url).href;
          printOut(`persistproc listening on ${mcp}`);
          printOut(`dashboard: ${new URL("/", url).href}`);
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
