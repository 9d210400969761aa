/**
 * Finding a server, or starting one in the background when none answers. The server runs
 * detached, with its output appended to `<data dir>/server.log`, so it outlives the command
 * that started it.
 */

import { joinPath } from "../core/mod.ts";
import { ensureToken, readToken } from "../data_dir/access_token.ts";
import { assertPrivateDir, checkOwnFile, makeDataDir } from "../data_dir/trust.ts";
import { ServerStartError, ServerUnreachableError } from "./client_errors.ts";
import { HubClient } from "./hub_client.ts";
import { serverHealth } from "./server_connection.ts";

/** How to reach a server, and how to start one if nobody answers. */
interface AutostartOptions {
  port: number;
  dataDir: string;
  /** The argv that runs `persistproc serve` for this port and data dir. */
  serverArgv: string[];
  /** Called right after the server process is spawned, with its log file. */
  onSpawn?: (logFile: string) => void;
  /** How long to wait for the new server to answer; 10 s unless told. */
  timeoutMs?: number;
  /**
   * A token given explicitly (`--token`, `PERSISTPROC_TOKEN`): sent, and handed to a started
   * server through its environment. Without one, the data dir's token file is used, created
   * before a server is started so that the server and the CLI share it.
   */
  token?: string;
}

/**
 * What an autostarted server keeps of the environment of the CLI call that started it: only
 * what a server needs to run and to find its files (the path, the user and home, the locale
 * and time zone, the temporary and XDG folders, Deno's cache, the server's own settings).
 * Everything else, such as a `DATABASE_URL` that happened to be set in that shell, stays out,
 * because the server adds its environment to every process an agent or the dashboard starts.
 */
const SERVER_BASELINE_VARIABLES: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "LC_*",
  "TZ",
  "TMPDIR",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "XDG_RUNTIME_DIR",
  "DENO_DIR",
  "PERSISTPROC_LOG_MAX_BYTES",
  // Windows
  "SYSTEMROOT",
  "SYSTEMDRIVE",
  "WINDIR",
  "COMSPEC",
  "PATHEXT",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "USERNAME",
  "HOMEDRIVE",
  "HOMEPATH",
  "APPDATA",
  "LOCALAPPDATA",
  "PROGRAMDATA",
  "PROGRAMFILES",
];

/**
 * The environment an autostarted server gets: the variables of `from` named in
 * SERVER_BASELINE_VARIABLES (case-insensitively, as Windows names them), plus the token.
 */
export function serverEnvironment(
  from: Record<string, string>,
  token: string | undefined,
): Record<string, string> {
  const wanted = (name: string) =>
    SERVER_BASELINE_VARIABLES.some((pattern) =>
      pattern.endsWith("*")
        ? name.toUpperCase().startsWith(pattern.slice(0, -1))
        : name.toUpperCase() === pattern
    );
  const environment = Object.fromEntries(Object.entries(from).filter(([name]) => wanted(name)));
  // An explicit token travels in the environment, not argv, where any user could read it
  // with ps; without one, the server reads the data dir's token file, as the CLI does.
  if (token) environment.PERSISTPROC_TOKEN = token;
  return environment;
}

/** The file an autostarted server appends its output to. */
function serverLogFile(dataDir: string): string {
  return joinPath(dataDir, "server.log");
}

/**
 * Returns a client for a healthy server on `port`, starting one with `serverArgv` when the
 * port refuses connections. Throws `ServerStartError` (naming the log file) when the new
 * server does not answer in time, and passes on any other error, such as the port being
 * held by a program that is not persistproc.
 */
export async function connectOrStart(options: AutostartOptions): Promise<HubClient> {
  const found = new HubClient({
    port: options.port,
    token: options.token ?? readToken(options.dataDir) ?? undefined,
  });
  try {
    await serverHealth(found.server);
    return found;
  } catch (error) {
    if (!(error instanceof ServerUnreachableError)) throw error;
  }
  const client = options.token === undefined
    ? new HubClient({ port: options.port, token: ensureToken(options.dataDir).token })
    : found;
  const logFile = serverLogFile(options.dataDir);
  const logOffset = logSize(logFile);
  const exited = spawnServer(options.serverArgv, options.dataDir, logFile, options.token);
  options.onSpawn?.(logFile);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  exited.then(() => gone = true);
  while (true) {
    // Checked before the health probe so that a server that exited (say, because another
    // one won the race for the port) still gets one last probe.
    const lastTry = gone || Date.now() >= deadline;
    try {
      await serverHealth(client.server);
      return client;
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      if (lastTry) {
        const why = gone
          ? "exited during startup"
          : `did not answer within ${Math.round(timeoutMs / 1000)} s`;
        throw new ServerStartError(
          `The persistproc server ${why}; see ${logFile}${await logTail(logFile, logOffset)}`,
          logFile,
          { cause: error },
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Spawns the server detached, output appended to `logFile`; resolves when it exits. */
function spawnServer(
  argv: string[],
  dataDir: string,
  logFile: string,
  token: string | undefined,
): Promise<unknown> {
  // Owner only, like everything else in the data dir: logs may hold secrets.
  makeDataDir(dataDir);
  // The shell appends to the log through whatever is there: never through another's link.
  assertPrivateDir(dataDir);
  checkOwnFile(logFile);
  try {
    Deno.writeFileSync(logFile, new Uint8Array(), { append: true, create: true, mode: 0o600 });
  } catch { /* the server's own start reports an unwritable data dir */ }
  const [program, args] = Deno.build.os === "windows"
    ? [argv[0], argv.slice(1)]
    // The log path travels as $1 rather than in the environment, so that it does not leak
    // into the server's environment and from there into the processes it starts.
    : ["/bin/sh", ["-c", 'log=$1; shift; exec "$@" >>"$log" 2>&1', "sh", logFile, ...argv]];
  const child = new Deno.Command(program, {
    args,
    cwd: dataDir,
    env: serverEnvironment(Deno.env.toObject(), token),
    clearEnv: true,
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  return child.status;
}

/** The size of the log before this start, so a failure shows only what this start wrote. */
function logSize(logFile: string): number {
  try {
    return Deno.statSync(logFile).size;
  } catch {
    return 0;
  }
}

/** The last few lines the server wrote after `offset`, indented, to show with a failure. */
async function logTail(logFile: string, offset: number): Promise<string> {
  const bytes = await Deno.readFile(logFile).catch(() => new Uint8Array());
  const text = new TextDecoder().decode(bytes.subarray(offset));
  const lines = text.split("\n").filter((line) => line.trim() !== "").slice(-5);
  return lines.length === 0 ? "" : ":\n" + lines.map((line) => `  ${line}`).join("\n");
}
