/**
 * The log files of one managed process: stdout, stderr and the combined stream, each line
 * stamped with its UTC arrival time to the millisecond.
 */
import { join } from "node:path";
import { logger } from "./logger.ts";

/** Length of the `2026-11-22T01:47:52.123Z` stamp that starts every stored line. */
export const STAMP_LENGTH = 24;

/** The three files a process's output is kept in. */
export interface LogPaths {
  stdout: string;
  stderr: string;
  combined: string;
}

const encoder = new TextEncoder();

/**
 * Appends a process's output to its files. Writes are synchronous and whole, so a line is on
 * disk before anyone is told of it, and a reader that subscribes and then reads the file sees
 * each line exactly once. The directory and files are readable by their owner only.
 */
export class ProcessLog {
  readonly paths: LogPaths;
  /** The directory holding the three files. */
  readonly dir: string;
  readonly #files: Record<keyof LogPaths, Deno.FsFile>;
  #failed = false;
  #closed = false;

  constructor(dir: string) {
    this.dir = dir;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.chmodSync(dir, 0o700);
    this.paths = {
      stdout: join(dir, "stdout.log"),
      stderr: join(dir, "stderr.log"),
      combined: join(dir, "combined.log"),
    };
    const open = (path: string) => {
      const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
      Deno.chmodSync(path, 0o600);
      return file;
    };
    this.#files = {
      stdout: open(this.paths.stdout),
      stderr: open(this.paths.stderr),
      combined: open(this.paths.combined),
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
    this.#write(this.#files[stream], own);
    this.#write(this.#files.combined, combined);
  }

  /** Whether a write has failed (disk full, directory removed); output since then is lost. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Closes the files; later appends are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const file of Object.values(this.#files)) file.close();
  }

  #write(file: Deno.FsFile, text: string): void {
    const bytes = encoder.encode(text);
    try {
      let done = 0;
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
    } catch (error) {
      if (!this.#failed) {
        this.#failed = true;
        logger.error(`Cannot write the logs in ${this.dir}; output from now on is not kept`, error);
      }
    }
  }
}
