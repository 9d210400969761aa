/**
 * Everything about capturing one managed process's output, behind one object: how a run's
 * stdout and stderr are wired (spool files, or pipes copied into them where there is no
 * spool), following them into the output store, resuming after a server restart, and
 * storing what a run left while no server watched. The process lifecycle only calls it at
 * launch, adoption and recovery, and awaits the promise it returns, which settles once the
 * run has ended and its output is stored. Children the program left running in its group go
 * on being captured until the group is gone or the next run begins.
 */
import { openPuncher } from "../system/hole_punch.ts";
import { logger } from "../logger.ts";
import { OutputStore, type RunReason, type Stream } from "./output_store.ts";
import { SPOOL_SUPPORTED, wrapWithSpool } from "./spool.ts";
import { type Tail, tailSpool } from "./spool_tail.ts";

/** What a {@link ProcessOutput} is told by the process it captures. */
export interface CaptureHooks {
  /**
   * Lines of one stream, just stored, with the time they were stored; `lines()` decodes them,
   * and only until this returns.
   */
  stored(stream: Stream, lines: () => string[], time: Date): void;
  /** The newest frame of an unfinished line redrawn with `\r` (see TailOptions.partial). */
  partial?(stream: Stream, frame: string): void;
  /** Whether nothing can write the output any more (the whole process group is gone). */
  writersGone(): boolean;
  /**
   * Stops everything that may write the output until the returned function is called (see
   * StoreOptions.pauseWriters); used only where disk is bounded by rotation.
   */
  pauseWriters?(): () => void;
}

/** How to spawn a run so that its output is captured. */
export interface LaunchPlan {
  /** The argv to execute (the program, possibly wrapped). */
  argv: string[];
  /** Whether stdout and stderr must be pipes handed to {@link ProcessOutput.capture}. */
  piped: boolean;
}

/** One process's output capture and its store; see the module comment. */
export class ProcessOutput {
  /** Whether a run can be resumed by a later server (its output does not pass through us). */
  static readonly resumable = SPOOL_SUPPORTED;
  readonly store: OutputStore;
  /** Why storing output fails now (disk full, directory removed), or null. */
  error: string | null = null;
  /** Why disk use is bounded by rotation instead of hole punching, or null. */
  readonly warning: string | null;
  readonly #hooks: CaptureHooks;
  #tail: Tail | null = null;
  /** Between prepare() and capture(): the new run's tail and how to tell it the run ended. */
  #launch: { drained: Promise<void>; ended: (ended: unknown) => void } | null = null;
  #recovery: Promise<void> | null = null;

  constructor(dir: string, maxBytes: number | undefined, hooks: CaptureHooks) {
    // Tried in the folder, on its file system, once the folder is there.
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { puncher, reason } = openPuncher(dir);
    this.store = new OutputStore(dir, {
      maxBytes,
      puncher,
      pauseWriters: hooks.pauseWriters,
    });
    this.warning = reason === null ? null : `disk bounded by rotation: ${reason}`;
    this.#hooks = hooks;
  }

  /** The directory the process's output is kept in. */
  get dir(): string {
    return this.store.dir;
  }

  /** Set while output left by a run that ended with no server watching is being stored. */
  get recovery(): Promise<void> | null {
    return this.#recovery;
  }

  /**
   * Prepares a new run's capture, synchronously: takes over the spool from a previous run's
   * tail, marks where the run begins, and says how to spawn the program.
   */
  prepare(argv: readonly string[], reason: RunReason): LaunchPlan {
    this.#tail?.stop();
    this.#tail = null;
    try {
      this.store.markRun(reason);
    } catch (error) {
      logger.error(`Cannot mark the new run in ${this.dir}`, error);
    }
    // The tail starts before the program does, so that it sees the order of its first writes.
    const { promise, resolve } = Promise.withResolvers<unknown>();
    this.#launch = { drained: this.#follow(promise), ended: resolve };
    if (!SPOOL_SUPPORTED) return { argv: [...argv], piped: true };
    const paths = {
      stdout: this.store.spoolPath("stdout"),
      stderr: this.store.spoolPath("stderr"),
    };
    return { argv: wrapWithSpool(argv, paths), piped: false };
  }

  /**
   * Captures the run spawned as {@link prepare} said, until it has `ended` and its output is
   * stored. `pipes` are the child's stdout and stderr when the plan was piped.
   */
  capture(
    ended: Promise<unknown>,
    pipes?: readonly [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>],
  ): Promise<void> {
    const launch = this.#launch;
    this.#launch = null;
    if (!launch) throw new TypeError("capture() follows prepare()");
    launch.ended(pipes ? Promise.all([ended, this.#copy(pipes)]) : ended);
    return launch.drained;
  }

  /** Ends the capture prepare() began, for a program that could not be spawned. */
  abandon(): void {
    this.#launch?.ended(undefined);
    this.#launch = null;
  }

  /** Resumes capturing an adopted run where the previous server stopped, until it has `ended`. */
  resume(ended: Promise<unknown>): Promise<void> {
    return this.#follow(ended);
  }

  /** Stores what a run that ended while no server ran left in its spool. */
  recover(): Promise<void> {
    if (!SPOOL_SUPPORTED || !this.store.unstored()) return Promise.resolve();
    const recovery = this.#follow(Promise.resolve()).finally(() => this.#recovery = null);
    this.#recovery = recovery;
    return recovery;
  }

  /** Stores what is there now, stops capturing and closes the store. */
  close(): void {
    this.#tail?.stop();
    this.#tail = null;
    this.store.close();
  }

  #follow(ended: Promise<unknown>): Promise<void> {
    this.#tail?.stop();
    const tail = tailSpool({
      store: this.store,
      ended,
      writersGone: () => this.#hooks.writersGone(),
      stored: (stream, lines, time) => this.#hooks.stored(stream, lines, time),
      partial: (stream, frame) => this.#hooks.partial?.(stream, frame),
      onError: (error) => {
        if (error) logger.error(`Cannot store the output in ${this.dir}; retrying`, error);
        else logger.info(`Storing the output in ${this.dir} works again`);
        this.error = error ? error.message : null;
      },
    });
    this.#tail = tail;
    tail.finished.then(() => {
      if (this.#tail === tail) this.#tail = null;
    });
    return tail.drained;
  }

  /** Copies pipes (where there is no spool: Windows) into the spool files, until they close. */
  async #copy(
    sources: readonly [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>],
  ): Promise<void> {
    const copy = async (stream: Stream, source: ReadableStream<Uint8Array>) => {
      using file = await Deno.open(this.store.spoolPath(stream), { append: true });
      for await (const chunk of source) {
        let done = 0;
        while (done < chunk.length) done += await file.write(chunk.subarray(done));
      }
    };
    // A failed copy ends only this capture; the exit must still be recorded.
    await Promise.all([copy("stdout", sources[0]), copy("stderr", sources[1])]).catch((error) =>
      logger.error(`Copying the output of a process into ${this.dir}`, error)
    );
  }
}
