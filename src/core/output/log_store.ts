/**
 * The log files of one managed process: stdout, stderr and the combined stream, each line
 * stamped with its UTC arrival time to the millisecond, each capped by rotation.
 */
import { join } from "node:path";
import { noteRotation } from "./log_start.ts";
import { logger } from "../logger.ts";

/** Length of the `2026-11-22T01:47:52.123Z` stamp that starts every stored line. */
export const STAMP_LENGTH = 24;

/** Default cap of each log file before it rotates (16 MiB). */
export const DEFAULT_LOG_MAX_BYTES = 16 * 1024 * 1024;

/** The three files a process's output is kept in. */
export interface LogPaths {
  stdout: string;
  stderr: string;
  combined: string;
}

/** The name a log file gets when it rotates; one generation is kept. */
export function rotatedPath(path: string): string {
  return `${path}.1`;
}

const encoder = new TextEncoder();

interface OpenLog {
  path: string;
  file: Deno.FsFile;
  size: number;
  /** Lines in the file, or null when it was opened non-empty and not counted. */
  lines: number | null;
}

/**
 * Appends a process's output to its files. Writes are synchronous and whole, so a line is on
 * disk before anyone is told of it, and a reader that subscribes and then reads the file sees
 * each line exactly once. A file that would pass `maxBytes` is first renamed to `<name>.1`
 * (replacing the older one), so each stream keeps between one and two caps of its newest
 * output. The directory and files are readable by their owner only.
 */
export class ProcessLog {
  readonly paths: LogPaths;
  /** The directory holding the files. */
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #logs: Record<keyof LogPaths, OpenLog>;
  #failed = false;
  #closed = false;

  constructor(dir: string, maxBytes = DEFAULT_LOG_MAX_BYTES) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1024) {
      throw new RangeError(`Invalid log cap ${maxBytes}: expected at least 1024 bytes`);
    }
    this.dir = dir;
    this.#maxBytes = maxBytes;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.chmodSync(dir, 0o700);
    this.paths = {
      stdout: join(dir, "stdout.log"),
      stderr: join(dir, "stderr.log"),
      combined: join(dir, "combined.log"),
    };
    this.#logs = {
      stdout: openLog(this.paths.stdout),
      stderr: openLog(this.paths.stderr),
      combined: openLog(this.paths.combined),
    };
  }

  /** Stores lines that arrived together on one stream, in order, stamped with `time`. */
  append(stream: "stdout" | "stderr", lines: readonly string[], time: Date): void {
    if (lines.length === 0 || this.#closed) return;
    const stamp = time.toISOString();
    let own = "";
    let combined = "";
    for (const line of lines) {
      own += `${stamp} ${line}\n`;
      combined += `${stamp} [${stream}] ${line}\n`;
    }
    this.#write(this.#logs[stream], own, lines.length);
    this.#write(this.#logs.combined, combined, lines.length);
  }

  /** Whether a write has failed (disk full, directory removed); output since then is lost. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Closes the files; later appends are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const log of Object.values(this.#logs)) log.file.close();
  }

  #write(log: OpenLog, text: string, lineCount: number): void {
    const bytes = encoder.encode(text);
    try {
      if (log.size > 0 && log.size + bytes.length > this.#maxBytes) this.#rotate(log);
      let done = 0;
      while (done < bytes.length) done += log.file.writeSync(bytes.subarray(done));
      log.size += bytes.length;
      if (log.lines !== null) log.lines += lineCount;
      if (this.#failed) {
        this.#failed = false;
        logger.info(`Writing the logs in ${this.dir} works again`);
      }
    } catch (error) {
      if (!this.#failed) {
        this.#failed = true;
        logger.error(`Cannot write the logs in ${this.dir}; this output is not kept`, error);
      }
    }
  }

  #rotate(log: OpenLog): void {
    log.file.close();
    noteRotation(log.path, rotatedPath(log.path), log.size, log.lines); // keeps cursors valid
    Deno.renameSync(log.path, rotatedPath(log.path));
    const fresh = openLog(log.path);
    log.file = fresh.file;
    log.size = 0;
    log.lines = 0;
  }
}

function openLog(path: string): OpenLog {
  const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
  Deno.chmodSync(path, 0o600);
  const size = file.statSync().size;
  return { path, file, size, lines: size === 0 ? 0 : null };
}
