/**
 * `persistproc setup [AGENT]`: how to connect coding agents to the server, token included.
 */

import { ensureToken } from "../../data_dir/access_token.ts";
import { AGENT_NAMES, agentSetupText, mcpUrl } from "../agent_setup.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { printOut } from "../print.ts";

/** The `setup` subcommand. */
export const setupCommand = defineCommand({
  names: ["setup"],
  summary: `print how to connect an agent (${AGENT_NAMES.join(", ")})`,
  usage: "persistproc setup [AGENT]",
  details: `Prints how to connect AGENT to the server's MCP endpoint (for --port), with the
server's token in the Authorization header, or every known agent when AGENT is left out.
Known agents: ${AGENT_NAMES.join(", ")}. The token is --token or
PERSISTPROC_TOKEN when given, else the data dir's (created now if no server has made it yet).`,
  flags: {},
  run({ positionals, settings }) {
    if (positionals.length > 1) throw new UsageError("setup takes at most one agent");
    const token = settings.token ?? ensureToken(settings.dataDir).token;
    let text: string;
    try {
      text = agentSetupText(mcpUrl(settings.port), token, positionals[0]);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    printOut(text);
    return Promise.resolve(0);
  },
});
