/**
 * `persistproc token`: print the token the server requires, for a client the CLI does not
 * configure itself (a script, a browser on another profile).
 */

import { ensureToken } from "../../data_dir/access_token.ts";
import { UsageError } from "../args.ts";
import { defineCommand } from "../command.ts";
import { printOut } from "../print.ts";

/** The `token` subcommand. */
export const tokenCommand = defineCommand({
  names: ["token"],
  summary: "print the server's access token",
  usage: "persistproc token",
  details: `Prints the token every request to the server must carry as 'Authorization:
Bearer TOKEN': --token or PERSISTPROC_TOKEN when given, else the one in DATA_DIR/token,
which is created (random, owner-only) when no server has made it yet. It needs no server.`,
  flags: {},
  run({ positionals, settings }) {
    if (positionals.length > 0) throw new UsageError("token takes no arguments");
    printOut(settings.token ?? ensureToken(settings.dataDir).token);
    return Promise.resolve(0);
  },
});
