/**
 * Follows a process's spool files (see spool.ts): reads what was appended, hands it on
 * as lines, and records how far it got.
 */
import { dirname } from "node:path";
import { LineSplitter } from "./line_splitter.ts";
import { PositionFile, punchStored, type SpoolPaths, type SpoolPosition } from "./spool.ts";

/** Poll interval while output flows, and once it has been quiet for a second. */
const BUSY_POLL_MS = 10;
const IDLE_POLL_MS = 50;
/** Once quiet for ten seconds, and woken by file events: the poll is only a safety net. */
const SLEEP_POLL_MS = 500;
/** After the program ends, how long its spool must stay quiet (a grandchild may write on). */
const DRAIN_QUIET_MS = 100;
/** Stored bytes of a stream between two punches. */
const PUNCH_EVERY = 4 * 1024 * 1024;

/** What {@link tailSpool} needs. */
export interface TailOptions {
  paths: SpoolPaths;
  /** Where to resume: what a previous server (or this one) already stored. */
  from: SpoolPosition;
  /** Resolves when the program has ended; the tail then drains what is left and returns. */
  ended: Promise<unknown>;
  /** Whether nothing can write to the spool any more (the whole process group is gone). */
  writersGone?: () => boolean;
  /** Stores lines that arrived together on one stream; called before the position is saved. */
  store(stream: "stdout" | "stderr", lines: string[]): void;
}

/**
 * Tails both spool files from `from` until the program has ended and the files have gone
 * quiet, storing complete lines and saving the position after each batch. The saved position
 * excludes a partial line held back, so a server that resumes re-reads it whole.
 */
export async function tailSpool(options: TailOptions): Promise<void> {
  const streams = ["stdout", "stderr"] as const;
  const files = {
    stdout: await openAt(options.paths.stdout, options.from.stdout),
    stderr: await openAt(options.paths.stderr, options.from.stderr),
  };
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const offset = { ...options.from };
  const punched = { ...options.from };
  const buffer = new Uint8Array(64 * 1024);
  let ended = false;
  options.ended.then(() => ended = true, () => ended = true);
  let lastDataAt = Date.now();
  let endedAt: number | null = null;
  const stored = (): SpoolPosition => ({
    stdout: offset.stdout - splitters.stdout.pendingBytes,
    stderr: offset.stderr - splitters.stderr.pendingBytes,
  });
  const positionFile = new PositionFile(options.paths.position);
  const wake = watchForWrites(dirname(options.paths.stdout));
  try {
    for (;;) {
      let read = 0;
      for (const stream of streams) {
        const file = files[stream];
        if (!file) continue;
        const n = await file.read(buffer);
        if (!n) continue;
        read += n;
        offset[stream] += n;
        options.store(stream, splitters[stream].push(buffer.subarray(0, n)));
      }
      if (read > 0) {
        lastDataAt = Date.now();
        const position = stored();
        positionFile.save(position);
        for (const stream of streams) {
          if (position[stream] - punched[stream] >= PUNCH_EVERY) {
            punched[stream] = position[stream];
            void punchStored(options.paths[stream], position[stream]);
          }
        }
        continue;
      }
      if (ended) {
        // Everything is read; with no writer left, nothing more can come.
        if (options.writersGone?.()) break;
        endedAt ??= Date.now();
        if (Date.now() - Math.max(lastDataAt, endedAt) >= DRAIN_QUIET_MS) break;
      }
      const quietMs = Date.now() - lastDataAt;
      const pollMs = quietMs < 1_000
        ? BUSY_POLL_MS
        : quietMs < 10_000 || !wake.works
        ? IDLE_POLL_MS
        : SLEEP_POLL_MS;
      await wake.next(pollMs);
    }
    // The program has ended: a last line without a newline is complete now.
    for (const stream of streams) options.store(stream, splitters[stream].flush());
    positionFile.save(offset);
  } finally {
    wake.close();
    positionFile.close();
    for (const file of Object.values(files)) file?.close();
  }
}

/** Wakes a quiet tail as soon as a file in `dir` changes, or after a timeout. */
function watchForWrites(dir: string) {
  let watcher: Deno.FsWatcher | null = null;
  let resolveWake = null as (() => void) | null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    watcher = Deno.watchFs(dir, { recursive: false });
  } catch { /* no file events here: polling alone */ }
  const events = watcher;
  if (events) {
    (async () => {
      try {
        for await (const _event of events) resolveWake?.();
      } catch { /* closed */ }
    })();
  }
  return {
    works: events !== null,
    next(timeoutMs: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolveWake = null;
          resolve();
        };
        resolveWake = done;
        timer = setTimeout(done, timeoutMs);
      });
    },
    close() {
      clearTimeout(timer);
      resolveWake?.();
      try {
        events?.close();
      } catch { /* already closed */ }
    },
  };
}

/** Opens a spool file for reading at `position`; null when it is gone. */
async function openAt(path: string, position: number): Promise<Deno.FsFile | null> {
  try {
    const file = await Deno.open(path, { read: true });
    if (position > 0) await file.seek(position, Deno.SeekMode.Start);
    return file;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
