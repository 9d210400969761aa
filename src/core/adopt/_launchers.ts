/**
 * Telling, from a process's command line, what it is to a person: a launcher that only runs
 * the real program (`npm run dev`, `sh -c vite`), or the interactive shell of a terminal.
 */
import type { ProcessDetails } from "../system/process_details.ts";
import { joinCommand } from "../process/shell_quote.ts";

/** Programs that run a script or package binary and wait for it. */
const LAUNCHERS = new Set(["npm", "npx", "pnpm", "pnpx", "yarn", "bun", "bunx"]);
/** Shells: `sh -c CMD` is a launcher; one without `-c` on a terminal is interactive. */
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "tcsh", "csh", "nu"]);

/** The words of a command line: argv when known, else the line split on spaces. */
function words(details: ProcessDetails): string[] {
  const argv = details.argv ?? details.commandLine.split(" ");
  // A program that sets its title (npm does) leaves one argument holding the whole line.
  return argv.length === 1 ? argv[0].trim().split(/\s+/) : argv;
}

/** A program's name as a person knows it: no folder, no login shell's leading dash. */
function programName(word: string | undefined): string {
  return (word ?? "").split("/").at(-1)!.replace(/^-/, "");
}

/** Whether the process only launches another: a package runner, `deno task`, `sh -c`. */
export function isLauncher(details: ProcessDetails): boolean {
  const [program, first] = words(details);
  const name = programName(program);
  if (LAUNCHERS.has(name)) return true;
  if (name === "deno") return first === "task";
  if (name === "node") return /^(npm|npx|pnpm|yarn)(-cli)?\.c?js$/.test(programName(first));
  return SHELLS.has(name) && first === "-c";
}

/** npm's commands that run a package script and pass it the words after the script's name. */
const NPM_RUN = new Set(["run", "run-script", "rum", "urn"]);
/** npm's commands that run the script of their own name, passing it the words after. */
const NPM_SCRIPT = new Set(["start", "test", "t", "tst", "stop", "restart"]);

/**
 * The command line that runs the process again. npm replaces its command line with a title of
 * its words without the `--` that passed the rest to the script: `npm run dev -- --port 5198`
 * shows as `npm run dev --port 5198`, which npm would take as its own `--port`, so the `--` is
 * put back.
 */
export function commandOf(details: ProcessDetails): string {
  const line = details.argv ? joinCommand(details.argv) : details.commandLine;
  if (details.argv !== null && details.argv.length > 1) return line; // not a title
  const all = words(details);
  if (programName(all[0]) !== "npm") return line;
  const rest = NPM_RUN.has(all[1]) ? 3 : NPM_SCRIPT.has(all[1]) ? 2 : all.length;
  if (all.length <= rest || all[rest] === "--") return line;
  return [...all.slice(0, rest), "--", ...all.slice(rest)].join(" ");
}

/**
 * `PID 41 bash in a terminal` when the process is a shell a person types into (a shell, not
 * running a `-c` command, with a terminal); else null.
 */
export function interactiveShell(details: ProcessDetails): string | null {
  const all = words(details);
  const name = programName(all[0]);
  if (!SHELLS.has(name) || all.includes("-c") || !details.tty) return null;
  return `PID ${details.pid} ${name} in a terminal`;
}

/** What could not be read exactly, as the plan reports it. */
export function describeLimits(details: ProcessDetails): string[] {
  return details.environment === null
    ? [...details.limits, "it would run with the server's environment instead"]
    : details.limits;
}
