/**
 * Everything about capturing one managed process's output, behind one object: how a run's
 * stdout and stderr are wired (spool files, or pipes where there is no spool), following them
 * into the log, resuming after a server restart, and storing what a run left while no server
 * watched. The process lifecycle only calls it at launch, adoption and recovery, and awaits
 * the promise it returns, which settles once the run's output is stored.
 */
import { LineSplitter } from "./line_splitter.ts";
import { ProcessLog } from "./log_store.ts";
import {
  createSpool,
  loadPosition,
  SPOOL_SUPPORTED,
  type SpoolPaths,
  spoolPaths,
  type SpoolPosition,
  wrapWithSpool,
} from "./spool.ts";
import { tailSpool } from "./spool_tail.ts";

/** After the program itself exits, how long its pipes may stay silent before the exit is told. */
const DRAIN_QUIET_MS = 100;

/** What a {@link ProcessOutput} is told by the process it captures. */
export interface CaptureHooks {
  /** Lines of one stream, just stored, with the time they were stored. */
  stored(stream: "stdout" | "stderr", lines: readonly string[], time: Date): void;
  /** Whether nothing can write the output any more (the whole process group is gone). */
  writersGone(): boolean;
}

/** How to spawn a run so that its output is captured. */
export interface LaunchPlan {
  /** The argv to execute (the program, possibly wrapped). */
  argv: string[];
  /** Whether stdout and stderr must be pipes handed to {@link ProcessOutput.capture}. */
  piped: boolean;
}

/** One process's output capture and its log; see the module comment. */
export class ProcessOutput {
  /** Whether a run can be resumed by a later server (its output does not pass through us). */
  static readonly resumable = SPOOL_SUPPORTED;
  readonly log: ProcessLog;
  readonly #hooks: CaptureHooks;
  #spool: SpoolPaths | null = null;
  #recovery: Promise<void> | null = null;

  constructor(dir: string, maxBytes: number | undefined, hooks: CaptureHooks) {
    this.log = new ProcessLog(dir, maxBytes);
    this.#hooks = hooks;
  }

  /** The directory the process's output is kept in. */
  get dir(): string {
    return this.log.dir;
  }

  /** Set while output left by a run that ended with no server watching is being stored. */
  get recovery(): Promise<void> | null {
    return this.#recovery;
  }

  /** Prepares a new run's capture: empties the spool and says how to spawn the program. */
  prepare(argv: readonly string[]): LaunchPlan {
    this.#spool = SPOOL_SUPPORTED ? createSpool(this.log.dir) : null;
    return this.#spool
      ? { argv: wrapWithSpool(argv, this.#spool), piped: false }
      : { argv: [...argv], piped: true };
  }

  /**
   * Captures the run spawned as {@link prepare} said, until it has `ended` and its output is
   * stored. `pipes` are the child's stdout and stderr when the plan was piped.
   */
  capture(
    ended: Promise<unknown>,
    pipes?: readonly [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>],
  ): Promise<void> {
    if (this.#spool) return this.#tail(this.#spool, { stdout: 0, stderr: 0 }, ended);
    if (!pipes) throw new TypeError("A piped run needs its stdout and stderr");
    return this.#pump(pipes, ended);
  }

  /** Resumes capturing an adopted run where the previous server stopped, until it has `ended`. */
  resume(ended: Promise<unknown>): Promise<void> {
    const spool = spoolPaths(this.log.dir);
    return this.#tail(spool, loadPosition(spool.position), ended);
  }

  /** Stores what a run that ended while no server ran left in its spool. */
  recover(): Promise<void> {
    if (!SPOOL_SUPPORTED) return Promise.resolve();
    const spool = spoolPaths(this.log.dir);
    // A relaunch waits for this (it would empty the spool being read).
    const recovery = this.#tail(spool, loadPosition(spool.position), Promise.resolve())
      .finally(() => this.#recovery = null);
    this.#recovery = recovery;
    return recovery;
  }

  /** Closes the log; later output is not kept. */
  close(): void {
    this.log.close();
  }

  /** Stores a line batch of one stream and tells the process. */
  #store(stream: "stdout" | "stderr", lines: string[]): void {
    if (lines.length === 0) return;
    const time = new Date();
    this.log.append(stream, lines, time);
    this.#hooks.stored(stream, lines, time);
  }

  /** Follows the spool until the program has ended and its output is stored. */
  #tail(spool: SpoolPaths, from: SpoolPosition, ended: Promise<unknown>): Promise<void> {
    return tailSpool({
      paths: spool,
      from,
      ended,
      writersGone: () => this.#hooks.writersGone(),
      store: (stream, lines) => this.#store(stream, lines),
    });
  }

  /**
   * Reads ordinary pipes (where there is no spool: Windows) until they close, or, once the
   * program has ended, until they have gone quiet (a leftover grandchild may hold them open).
   */
  async #pump(
    sources: readonly [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>],
    ended: Promise<unknown>,
  ): Promise<void> {
    let lastChunkAt = Date.now();
    const pump = async (stream: "stdout" | "stderr", source: ReadableStream<Uint8Array>) => {
      const splitter = new LineSplitter();
      for await (const chunk of source) {
        lastChunkAt = Date.now();
        this.#store(stream, splitter.push(chunk));
      }
      this.#store(stream, splitter.flush());
    };
    // A read fails only if the stream is torn down; the exit must still be recorded.
    const pumps = Promise.all([pump("stdout", sources[0]), pump("stderr", sources[1])])
      .catch(() => {});
    await ended;
    let drained = false;
    pumps.then(() => drained = true);
    lastChunkAt = Math.max(lastChunkAt, Date.now());
    while (!drained && Date.now() - lastChunkAt < DRAIN_QUIET_MS) {
      await Promise.race([pumps, new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 2))]);
    }
  }
}
