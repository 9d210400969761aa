/**
 * Spool files between a child and the server, so that neither a child nor a line of its
 * output depends on the server staying alive.
 *
 * Why files: with pipes (or FIFOs), bytes the server has read but not yet stored die with a
 * server killed by SIGKILL, and a child whose reader is gone either dies of SIGPIPE or blocks
 * once the pipe is full. Here the child's wrapper appends stdout and stderr to two files
 * (`O_APPEND`, so nothing the child writes can be lost or overwritten), and the server tails
 * them, recording after each stored batch how far it got. A server that dies resumes from that
 * position: a line is never lost, at worst the batch being stored at the instant of the kill is
 * stored again. Output printed while no server runs waits in the file, however much there is,
 * even if the child ends meanwhile. Consumed bytes are punched out of the files on Linux
 * (`fallocate --punch-hole`), so they take no disk space; offsets stay valid. The price is that
 * the server polls (10 ms while output flows, 50 ms when quiet, woken by file events after
 * ten quiet seconds) and that lines written to the two streams within one poll are stored
 * stdout first.
 */
import { join } from "node:path";
import { runTool } from "../system/tools.ts";

/** Whether this OS has a POSIX shell to append through (not Windows). */
export const SPOOL_SUPPORTED = Deno.build.os !== "windows";

/** The files of one process's spool. */
export interface SpoolPaths {
  stdout: string;
  stderr: string;
  /** How far the server has stored each stream, in bytes. */
  position: string;
}

/** Bytes of each stream stored so far. */
export interface SpoolPosition {
  stdout: number;
  stderr: number;
}

// $1, $2: the spool files; the rest: the program. exec keeps the pid the program's own.
const WRAPPER = 'o=$1 e=$2; shift 2; exec "$@" >>"$o" 2>>"$e"';

/** The spool paths in a log directory. */
export function spoolPaths(dir: string): SpoolPaths {
  return {
    stdout: join(dir, "stdout.spool"),
    stderr: join(dir, "stderr.spool"),
    position: join(dir, "spool.position"),
  };
}

/** Empties the spool of a log directory for a new run, owner-only. */
export function createSpool(dir: string): SpoolPaths {
  const paths = spoolPaths(dir);
  for (const path of [paths.stdout, paths.stderr]) {
    Deno.writeFileSync(path, new Uint8Array(), { mode: 0o600 });
  }
  savePosition(paths.position, { stdout: 0, stderr: 0 });
  return paths;
}

/** The argv that runs `argv` with stdout and stderr appended to the spool. */
export function wrapWithSpool(argv: readonly string[], paths: SpoolPaths): string[] {
  return ["/bin/sh", "-c", WRAPPER, "persistproc", paths.stdout, paths.stderr, ...argv];
}

/** Reads the stored position; a missing or unreadable one is the start. */
export function loadPosition(path: string): SpoolPosition {
  try {
    const [stdout, stderr] = Deno.readTextFileSync(path).trim().split(/\s+/).map(Number);
    if (Number.isSafeInteger(stdout) && Number.isSafeInteger(stderr)) return { stdout, stderr };
  } catch { /* none yet */ }
  return { stdout: 0, stderr: 0 };
}

/**
 * The position file of a spool, kept open while a tail runs: it is written after every stored
 * batch, which under a flood is thousands of times a second. Each write puts the whole value,
 * at a fixed width, at the start of the file in one call, so a reader (or a crash) finds either
 * the old value or the new one.
 */
export class PositionFile {
  readonly #file: Deno.FsFile;

  constructor(path: string) {
    this.#file = Deno.openSync(path, { read: true, write: true, create: true, mode: 0o600 });
  }

  /** Records the position. */
  save(position: SpoolPosition): void {
    const text = `${String(position.stdout).padStart(20)} ${
      String(position.stderr).padStart(20)
    }\n`;
    this.#file.seekSync(0, Deno.SeekMode.Start);
    this.#file.writeSync(encoder.encode(text));
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

const encoder = new TextEncoder();

/** Records the position once (see {@link PositionFile}). */
export function savePosition(path: string, position: SpoolPosition): void {
  const file = new PositionFile(path);
  try {
    file.save(position);
  } finally {
    file.close();
  }
}

let punchAvailable = Deno.build.os === "linux";

/**
 * Frees the disk blocks of the first `upTo` bytes of a spool file, which the server has
 * stored. Best effort: without `fallocate` (not Linux) the spool keeps them until the next run.
 */
export async function punchStored(path: string, upTo: number): Promise<void> {
  const length = Math.floor(upTo / 4096) * 4096;
  if (!punchAvailable || length === 0) return;
  const args = ["--punch-hole", "--offset", "0", "--length", String(length), path];
  if ((await runTool("fallocate", args))?.code !== 0) punchAvailable = false;
}
