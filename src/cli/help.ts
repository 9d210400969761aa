/**
 * The help texts: the overview `persistproc --help` prints and each command's own page.
 */

import type { Command } from "./command.ts";
import { DEFAULT_PORT } from "./settings.ts";

const GLOBAL_FLAGS_HELP = `Global flags (before the command, or after a subcommand):
  --port N          server port (env PERSISTPROC_PORT; default ${DEFAULT_PORT})
  --data-dir DIR    where logs and state live (env PERSISTPROC_DATA_DIR;
                    default $XDG_DATA_HOME/persistproc, ~/.local/share/persistproc,
                    or the OS's equivalent)
  --format F        text or json (env PERSISTPROC_FORMAT; default text)
  --token T         the server's access token (env PERSISTPROC_TOKEN, which unlike the
                    flag other users cannot see in ps; default: the one in
                    DATA_DIR/token, created on first start; 'persistproc token' prints it;
                    write --token=T for a token that begins with "-")
  -h, --help        show help`;

/** The overview: how to call persistproc, every command's summary, the global flags. */
export function globalHelp(commands: readonly Command[]): string {
  const names = commands.map((c) => c.names.join(", "));
  const width = Math.max(...names.map((n) => n.length));
  const list = commands.map((c, i) => `  ${names[i].padEnd(width)}  ${c.summary}`).join("\n");
  return `persistproc - keeps your processes running, for you and your coding agents

Usage:
  persistproc [GLOBAL FLAGS] COMMAND [ARGS...]   run COMMAND here (or attach to it)
                                                 and follow its output
  persistproc [GLOBAL FLAGS] SUBCOMMAND [...]
  persistproc [--serve]                          run the server in the foreground
  persistproc help [SUBCOMMAND]                  this help, or a subcommand's

Subcommands:
${list}

${GLOBAL_FLAGS_HELP}
  --version         print the version

Everything from COMMAND on belongs to COMMAND, flags included:
  persistproc python3 -m http.server 8000 --bind 127.0.0.1
run's own flags may come before COMMAND, as after 'run':
  persistproc --restart npm run dev
To run a program named like a subcommand, use 'persistproc run NAME'.

TARGET names a managed process: a PID, a label, or a command line. A command line that
matches processes in several folders means the one started in the current folder; -C DIR
names another. Without TARGET, output, stop and restart act on the current folder's
process, and ls lists the current folder's processes (ls --all: every one).

Only run, start and serve (and open) start a server; the others say when none runs.
Times are shown in local time; --since and --before take 16:19, 5m, 2h or ISO-8601.

Exit codes: 0 done; 1 a failure (refused, no server, a start not ready in time); 2 a
usage error; 125 no process matches TARGET. run, wait and output --wait-for-exit pass on
the process's own code (128 + N after signal N); output --wait-* exits 124 when time is up.

Run 'persistproc SUBCOMMAND --help' for more.`;
}

/** One command's page: usage, what it does, its flags, then the global flags. */
export function commandHelp(command: Command): string {
  const aliases = command.names.length > 1 ? `\nAlias: ${command.names.slice(1).join(", ")}\n` : "";
  return `Usage:\n  ${
    command.usage.split("\n").join("\n  ")
  }\n${aliases}\n${command.details}\n\n${GLOBAL_FLAGS_HELP}`;
}
