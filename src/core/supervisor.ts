/**
 * The supervisor: the registry of managed processes and every operation the doors offer on
 * them. It knows nothing of MCP, HTTP or the CLI; they call it and translate its errors.
 */
import { join } from "node:path";
import { toArgv } from "./command_line.ts";
import { AlreadyRunningError, PersistprocError, ShuttingDownError } from "./errors.ts";
import { readTail } from "./log_reader.ts";
import { ManagedProcess, type ProcessSpec } from "./managed_process.ts";
import { matchesFilter, resolveTarget } from "./target.ts";
import { parseTime } from "./time_filter.ts";
import { realDirectory } from "./working_directory.ts";
import type {
  OutputQuery,
  OutputResult,
  ProcessEvent,
  ProcessInfo,
  ProcessTarget,
  StartRequest,
} from "./types.ts";

/** Settings the supervisor is given by whoever runs it. */
export interface SupervisorOptions {
  /** Where logs are written (`<dataDir>/logs/...`). */
  dataDir: string;
  /** SIGTERM-to-SIGKILL grace of a stop, in ms (default 8000). */
  stopGraceMs?: number;
  /** The same grace during shutdown, shorter so shutdown finishes in seconds (default 3000). */
  shutdownGraceMs?: number;
  /** How many ended processes stay listed (default 50); older ones are pruned with their logs. */
  maxEnded?: number;
}

/** What a follower gets: the backlog read at subscription time, and the live feed after it. */
export interface Following {
  process: ProcessInfo;
  backlog: string[];
  unsubscribe: () => void;
}

/** The process registry; see the module comment. */
export class Supervisor {
  readonly #options: Required<SupervisorOptions>;
  readonly #entries = new Map<string, ManagedProcess>(); // by label
  #shuttingDown = false;
  #sequence = 0;

  constructor(options: SupervisorOptions) {
    this.#options = { stopGraceMs: 8_000, shutdownGraceMs: 3_000, maxEnded: 50, ...options };
  }

  /**
   * Starts a command. Refuses, naming the pid, when a running process has the same label. The
   * label check and the spawn happen in one synchronous step, so concurrent starts of the same
   * label cannot both succeed.
   */
  async start(request: StartRequest): Promise<ProcessInfo> {
    this.#assertOpen();
    const argv = toArgv(request.command);
    const directory = await realDirectory(request.working_directory);
    const command_line = request.command.trim();
    const label = request.label?.trim() || `${command_line} in ${directory}`;
    const spec: ProcessSpec = {
      label,
      command_line,
      argv,
      working_directory: directory,
      environment: { ...(request.environment ?? {}) },
    };
    // From here to launch() nothing awaits: this is what makes check-and-spawn atomic.
    this.#assertOpen();
    const existing = this.#entries.get(label);
    if (existing && (existing.status === "running" || existing.restarting)) {
      throw new AlreadyRunningError(label, existing.pid);
    }
    const entry = existing ?? new ManagedProcess(spec, this.#logDir(label));
    entry.spec = spec;
    entry.launch();
    if (!existing) this.#entries.set(label, entry);
    this.#prune();
    entry.emit({ type: "start", process: entry.info() });
    return entry.info();
  }

  /** Stops a process tree: SIGTERM, then SIGKILL after the grace (`force`: SIGKILL at once). */
  async stop(target: ProcessTarget, options: { force?: boolean } = {}): Promise<ProcessInfo> {
    const entry = this.#resolve(target);
    await entry.stop({ graceMs: this.#options.stopGraceMs, force: options.force });
    return entry.info();
  }

  /**
   * Stops the process if it runs, then starts it again with the same command, directory,
   * environment and label. Works on one that has exited or crashed.
   */
  async restart(target: ProcessTarget, options: { force?: boolean } = {}): Promise<ProcessInfo> {
    this.#assertOpen();
    const entry = this.#resolve(target);
    if (entry.restarting) {
      throw new PersistprocError("busy", `"${entry.spec.label}" is already being restarted`);
    }
    entry.restarting = true;
    try {
      await entry.stop({ graceMs: this.#options.stopGraceMs, force: options.force });
      this.#assertOpen();
      entry.restarts++;
      entry.launch();
    } finally {
      entry.restarting = false;
    }
    entry.emit({ type: "start", process: entry.info() });
    return entry.info();
  }

  /** Every process matching the filter (all when empty), oldest start first. */
  list(filter: ProcessTarget = {}): ProcessInfo[] {
    return [...this.#entries.values()]
      .filter((entry) => matchesFilter(entry, filter))
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
      .map((entry) => entry.info());
  }

  /** The record of the one process the target names (see resolveTarget). */
  get(target: ProcessTarget): ProcessInfo {
    return this.#resolve(target).info();
  }

  /** Reads stored output lines of one process, newest last. */
  output(query: OutputQuery): OutputResult {
    const lines = query.lines ?? 100;
    if (!Number.isInteger(lines) || lines < 1) {
      throw new RangeError(`Invalid lines ${lines}: expected a whole number of at least 1`);
    }
    const since = query.since_time ? parseTime("since_time", query.since_time) : undefined;
    const before = query.before_time ? parseTime("before_time", query.before_time) : undefined;
    const entry = this.#resolve(query);
    const stream = query.stream ?? "combined";
    const file = entry.log.paths[stream];
    return {
      pid: entry.pid,
      label: entry.spec.label,
      status: entry.status,
      stream,
      output: readTail(file, { lines, since, before }),
      log_file: file,
    };
  }

  /**
   * Subscribes to a process's events and reads its combined backlog in the same step, so the
   * follower sees every line exactly once.
   */
  follow(
    target: ProcessTarget,
    backlogLines: number,
    listener: (event: ProcessEvent) => void,
  ): Following {
    const entry = this.#resolve(target);
    const unsubscribe = entry.subscribe(listener);
    const backlog = backlogLines > 0
      ? readTail(entry.log.paths.combined, { lines: backlogLines })
      : [];
    return { process: entry.info(), backlog, unsubscribe };
  }

  /** Stops every process tree (graceful, then forced) and refuses new work. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    const graceMs = this.#options.shutdownGraceMs;
    await Promise.all([...this.#entries.values()].map((entry) => entry.stop({ graceMs })));
    for (const entry of this.#entries.values()) entry.log.close();
  }

  #resolve(target: ProcessTarget): ManagedProcess {
    return resolveTarget([...this.#entries.values()], target);
  }

  #assertOpen(): void {
    if (this.#shuttingDown) throw new ShuttingDownError();
  }

  #logDir(label: string): string {
    const slug = label.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40).replace(/^_+|_+$/g, "");
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    return join(this.#options.dataDir, "logs", `${stamp}-${++this.#sequence}-${slug || "process"}`);
  }

  /** Forgets the oldest ended processes beyond the limit, removing their logs. */
  #prune(): void {
    const ended = [...this.#entries.values()]
      .filter((entry) => entry.status !== "running" && !entry.restarting)
      .sort((a, b) => (a.endTime?.getTime() ?? 0) - (b.endTime?.getTime() ?? 0));
    for (const entry of ended.slice(0, Math.max(0, ended.length - this.#options.maxEnded))) {
      this.#entries.delete(entry.spec.label);
      entry.log.close();
      Deno.remove(entry.log.dir, { recursive: true }).catch(() => {});
    }
  }
}
