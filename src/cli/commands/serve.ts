/**
 * `persistproc serve`: run the server in the foreground until Ctrl+C, SIGTERM or
 * `persistproc shutdown`.
 */

import { ensureToken, tokenFile } from "../../data_dir/access_token.ts";
import { isLoopbackAddress } from "../../http/guard.ts";
import { UsageError } from "../args.ts";
import { AGENT_NAMES, agentSetupText } from "../agent_setup.ts";
import { defineCommand } from "../command.ts";
import { printErr, printError, printOut } from "../print.ts";
import { describeServerEnding } from "../server_ending.ts";
import { reachFlags, type Settings } from "../settings.ts";
import { DEFAULT_LOG_MAX_BYTES } from "../../core/output/mod.ts";

/** The default output cap in MiB, as the help says it. */
const DEFAULT_CAP_MIB = DEFAULT_LOG_MAX_BYTES / 2 ** 20;

/** The `serve` subcommand. */
export const serveCommand = defineCommand({
  names: ["serve"],
  summary: "run the server in the foreground (also: no arguments, or --serve)",
  usage: "persistproc serve [--quiet | --verbose] [--host HOST] [--no-auth] [--log-max-bytes N]\n" +
    "                  [--claude-channel]",
  details: `Runs the persistproc server on 127.0.0.1 until Ctrl+C, SIGTERM or 'persistproc
shutdown', then stops every process it manages and says so in a last line (why it
stopped, and which processes it stopped). It prints its MCP address, the dashboard's
address with the token, and the command that prints how to connect an agent
('persistproc setup [AGENT]'); --verbose prints every agent's set-up instead.

Every request to /mcp and /api/ must carry 'Authorization: Bearer TOKEN'. The token is
--token or PERSISTPROC_TOKEN when given, else the one in DATA_DIR/token, created (random,
owner-only) on first start. The CLI reads that file too; 'persistproc token' prints it.

Flags:
  --quiet             print only the addresses (without the token), not the agent set-up
  --verbose           print every agent's set-up, token filled in, under the addresses
  --host HOST         interface to listen on (default 127.0.0.1); anything but loopback
                      needs a token
  --no-auth           accept requests without a token (loopback only): any program or
                      user on this machine can then run commands as you
  --log-max-bytes N   output kept per stream and process (one older generation's worth
                      too); older bytes are freed as newer ones come
                      (env PERSISTPROC_LOG_MAX_BYTES; default ${DEFAULT_LOG_MAX_BYTES} = ${DEFAULT_CAP_MIB} MiB)
  --claude-channel    also serve Claude Code's development channel at /channel, which
                      pushes crashes into interactive sessions started with
                      claude --dangerously-load-development-channels server:NAME
                      (a research preview; see the README)`,
  flags: {
    quiet: { type: "boolean" },
    verbose: { type: "boolean" },
    host: { type: "string" },
    "no-auth": { type: "boolean" },
    "log-max-bytes": { type: "string" },
    "claude-channel": { type: "boolean" },
  },
  async run({ values, positionals, settings }) {
    if (positionals.length > 0) {
      throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`);
    }
    if (values.quiet && values.verbose) throw new UsageError("--quiet and --verbose contradict");
    const token = serverToken(settings, values["no-auth"] ?? false, values.host);
    // Imported here so that client commands do not load the server and its MCP SDK.
    const { serve } = await import("../../server/run_server.ts");
    const cap = values["log-max-bytes"] ?? Deno.env.get("PERSISTPROC_LOG_MAX_BYTES") ??
      String(DEFAULT_LOG_MAX_BYTES);
    if (!/^\d+$/.test(cap) || Number(cap) < 1024) {
      throw new UsageError(`Invalid log cap "${cap}": expected a number of bytes, at least 1024`);
    }
    // The processes the server starts inherit its environment: keep the token out of it.
    Deno.env.delete("PERSISTPROC_TOKEN");
    try {
      const ending = await serve({
        port: settings.port,
        dataDir: settings.dataDir,
        hostname: values.host,
        token: token ?? undefined,
        logMaxBytes: Number(cap),
        claudeChannel: values["claude-channel"] ?? false,
        cli: `persistproc${reachFlags(settings)}`,
        onListen: (url) => {
          const { local, everywhere } = listenAddress(url);
          const mcp = new URL("/mcp/", local).href;
          const dashboard = new URL("/", local).href;
          printOut(`persistproc listening on ${mcp}${everywhere}`);
          if (token === null) {
            printOut(`dashboard: ${dashboard}`);
          } else if (values.quiet) {
            // Quiet output is what an autostarted server writes to its log: no token there.
            printOut(
              `dashboard: ${dashboard} ('persistproc${reachFlags(settings)} open' opens it ` +
                "with the token)",
            );
          } else {
            printOut(`dashboard: ${dashboard}#token=${encodeURIComponent(token)}`);
          }
          if (values.verbose) printOut(`\n${agentSetupText(mcp, token)}`);
          else if (!values.quiet) printOut(setupHint(settings));
        },
      });
      printOut(describeServerEnding(settings.port, ending));
    } catch (error) {
      if (!isPortInUse(error)) throw error;
      if (error.isPersistproc) {
        printError(`persistproc is already running on port ${settings.port}`, "port_in_use");
      } else {
        printError(
          `port ${settings.port} is in use by ${error.holder ?? "another program"}`,
          "port_in_use",
        );
      }
      return 1;
    }
    return 0;
  },
});

/**
 * The address to print for a server listening at `url`. A wildcard (`--host 0.0.0.0` or `::`)
 * is no address a browser opens: the loopback one is printed instead, saying that every
 * interface listens (`everywhere`, else "").
 */
export function listenAddress(url: string): { local: string; everywhere: string } {
  const parsed = new URL(url);
  const wildcard = parsed.hostname === "0.0.0.0"
    ? "127.0.0.1"
    : parsed.hostname === "[::]"
    ? "[::1]"
    : null;
  if (wildcard === null) return { local: url, everywhere: "" };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  parsed.hostname = wildcard;
  return {
    local: parsed.href,
    everywhere: ` (every interface, --host ${host}; from another machine, use this one's address)`,
  };
}

/**
 * The short banner's last lines: the one command that prints an agent's set-up and how to stop.
 */
function setupHint(settings: Settings): string {
  return `connect an agent: persistproc${reachFlags(settings)} setup [${AGENT_NAMES.join("|")}]\n` +
    "Ctrl+C stops the server and every process it runs (--verbose prints the agent set-up here)";
}

/**
 * The token the server will require, or null for `--no-auth`. `--no-auth` is refused beyond
 * loopback and beside a token, and warns as the server's first line of output.
 */
function serverToken(settings: Settings, noAuth: boolean, host: string | undefined) {
  if (noAuth) {
    if (settings.token !== undefined) {
      throw new UsageError("--no-auth and a token (--token or PERSISTPROC_TOKEN) contradict");
    }
    if (host !== undefined && !isLoopbackAddress(host)) {
      throw new UsageError(`--no-auth is for loopback only; "${host}" is not loopback`);
    }
    printErr(
      "warning: authentication is off (--no-auth): any program or user on this machine can " +
        "run commands as you through this server",
    );
    return null;
  }
  if (settings.token !== undefined) return settings.token;
  const { token, tightened } = ensureToken(settings.dataDir);
  if (tightened) {
    printErr(`warning: ${tokenFile(settings.dataDir)} could be read by others; made owner-only`);
  }
  return token;
}

interface PortInUse {
  code: "port_in_use";
  holder: string | null;
  isPersistproc: boolean;
}

/** Whether `error` is the server's PortInUseError (checked by code, not class identity). */
function isPortInUse(error: unknown): error is PortInUse {
  return (error as { code?: unknown } | null)?.code === "port_in_use";
}
