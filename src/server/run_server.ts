/**
 * The composition root: puts a persistproc server together and runs it. It takes the data
 * directory's lock (before listening, so a refused second server announces nothing), builds
 * the supervisor, opens the HTTP door over it, takes back the registry a previous server left,
 * and on SIGINT, SIGTERM or `POST /api/shutdown` stops every process tree, closes the door and
 * lets the lock go.
 */
import { lockDataDir } from "../data_dir/data_dir_lock.ts";
import { assertTrustedDataDir, makeDataDir } from "../data_dir/trust.ts";
import { closeInheritedOnExec } from "../core/system/mod.ts";
import { TREE_MARKER } from "../core/process/mod.ts";
import { logger, type ProcessInfo } from "../core/mod.ts";
import { Supervisor } from "../core/supervisor/mod.ts";
import { keepServingOnUncaught, runShutdown } from "./shutdown_steps.ts";
import {
  checkExposure,
  listen,
  PortInUseError,
  probePersistproc,
  type ServeOptions,
} from "../http/server.ts";

export { PortInUseError, type ServeOptions };

/** How a server ended: what asked it to, and what became of the processes it ran. */
export interface ServerEnding {
  /** `SIGINT`, `SIGTERM`, or `request` (`persistproc shutdown`, the dashboard). */
  reason: Deno.Signal | "request";
  /** The processes that ran when the shutdown began; null when they could not be listed. */
  stopped: ProcessInfo[] | null;
  /**
   * Of those, the ones not seen to end: their stop did not finish within its bound (logged);
   * null when that could not be known.
   */
  leftRunning: ProcessInfo[] | null;
}

/**
 * Runs the server until it is asked to stop, then stops every managed process tree. Throws
 * PortInUseError when the port is taken, and a PersistprocError `data_dir_in_use` when another
 * server holds the data directory, and an UntrustedDataDirError when anything in the data
 * directory is another user's, writable by others, or a symbolic link.
 */
export async function serve(options: ServeOptions): Promise<ServerEnding> {
  checkExposure(options);
  // Started from inside a managed process, the server would carry its tree's marker to the
  // tools it runs, which would then count as that tree's.
  Deno.env.delete(TREE_MARKER);
  // Nor may the programs it starts inherit what it inherited (a CI step's lock, say).
  const marked = closeInheritedOnExec();
  if ("skipped" in marked) {
    logger.info(`Managed programs inherit this server's inherited descriptors (${marked.skipped})`);
  }
  makeDataDir(options.dataDir);
  // What it holds decides what runs and where output goes: only this user's is trusted.
  assertTrustedDataDir(options.dataDir);
  let unlock: () => void;
  try {
    unlock = lockDataDir(options.dataDir, options.port);
  } catch (error) {
    // Same data directory and same port: that is simply the server already running.
    if (await probePersistproc(options.port)) {
      throw new PortInUseError(options.port, null, true, { cause: error });
    }
    throw error;
  }
  try {
    return await run(options);
  } finally {
    unlock();
  }
}

/** What a shutdown may take beyond the supervisor's own bound: a save, closing the door. */
const SHUTDOWN_SLACK_MS = 2_000;

async function run(options: ServeOptions): Promise<ServerEnding> {
  // A listener's throw or a forgotten promise is logged; it never ends the server.
  const stopGuarding = keepServingOnUncaught();
  try {
    return await serveUntilShutdown(options);
  } finally {
    stopGuarding();
  }
}

async function serveUntilShutdown(options: ServeOptions): Promise<ServerEnding> {
  const supervisor = new Supervisor({
    dataDir: options.dataDir,
    logMaxBytes: options.logMaxBytes,
    // The token must never reach a child, even one whose caller sent it.
    hiddenVariables: ["PERSISTPROC_TOKEN"],
  });
  let stopping: Promise<void> | null = null;
  const shutdownRequested = Promise.withResolvers<void>();
  // Signals are heard from before the door opens: a Ctrl+C or SIGTERM that comes while the
  // banner is printed or the registry restored must shut down, not end the server outright.
  let signalled = false;
  let open = false;
  const ending: ServerEnding = { reason: "request", stopped: [], leftRunning: [] };
  const listeners = new Map<Deno.Signal, () => void>();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    const onSignal = () => {
      if (!stopping) ending.reason = signal;
      if (open) shutdown();
      else signalled = true;
    };
    listeners.set(signal, onSignal);
    Deno.addSignalListener(signal, onSignal);
  }
  const unlisten = () => listeners.forEach((on, signal) => Deno.removeSignalListener(signal, on));
  let opening: Awaited<ReturnType<typeof listen>>;
  try {
    opening = await listen(options, { hub: supervisor, requestShutdown: () => shutdown() });
  } catch (error) {
    unlisten();
    throw error;
  }
  const door = opening;
  open = true;
  const restored = supervisor.restore();
  if (restored.adopted + restored.ended > 0) {
    logger.info(
      `Restored the registry: ${restored.adopted} process(es) still running were adopted, ${restored.ended} had ended`,
    );
  }
  // Whatever goes wrong from here, the server ends by `shutdown` only (see runShutdown).
  function shutdown(): void {
    shutdownRequested.resolve();
    stopping ??= runShutdown([
      { what: "answering the calls still running", run: () => door.refuseCalls(), withinMs: 1_000 },
      {
        what: "stopping every managed process",
        run: async () => {
          logger.info("Shutting down: stopping every managed process");
          // What runs, for the last line; a failure to list must not keep anything running.
          const running = () =>
            supervisor.list({ status: "running" }).catch((error) => {
              logger.error("Listing the running processes for the last line", error);
              return null;
            });
          ending.stopped = await running();
          // Until the stops are seen to end (a step that runs late is left behind).
          ending.leftRunning = ending.stopped;
          await supervisor.shutdown();
          const left = await running();
          ending.leftRunning = left && ending.stopped &&
            ending.stopped.filter((p) => left.some((l) => l.pid === p.pid));
        },
        withinMs: supervisor.shutdownWithinMs + SHUTDOWN_SLACK_MS,
      },
      {
        what: "closing the HTTP door",
        run: () => {
          door.close();
          return door.finished; // an open stream may hold it: bounded too
        },
        withinMs: 2_000,
      },
    ]);
  }
  if (signalled) shutdown();
  try {
    // Ends when the shutdown has run, even if the door never reports finishing.
    await Promise.race([door.finished, shutdownRequested.promise]);
    await stopping;
    return ending;
  } finally {
    unlisten();
  }
}
