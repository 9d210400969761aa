/**
 * Named pipes between a child and the server, so a child outlives a server that dies.
 *
 * Why FIFOs: with ordinary pipes, a server killed with SIGKILL takes the read ends with it and
 * the child dies of SIGPIPE at its next write. Writing to plain files the server tails would
 * survive that, but loses the order between stdout and stderr and cannot be trimmed without
 * racing the writer. A FIFO keeps both properties of a pipe (arrival order, the server owns
 * every byte it stores) and survives the server: the child's wrapper opens each FIFO read-write
 * as fd 3 and 4 before it execs the program, so a reader always exists. While no server reads,
 * output waits in the pipe buffer (the writer blocks once it is full, rather than lose lines);
 * a restarted server opens the FIFOs again and carries on.
 */
import { join } from "node:path";

/** The FIFO paths of one process. */
export interface FifoPaths {
  stdout: string;
  stderr: string;
}

// $1, $2: the FIFOs; the rest: the program and its arguments. exec keeps the pid, so the pid the
// server reports is the program's own.
const WRAPPER = 'o=$1 e=$2; shift 2; exec 3<>"$o" 4<>"$e"; exec "$@" >"$o" 2>"$e"';

/** Whether this OS has FIFOs and a POSIX shell (not Windows). */
export const FIFOS_SUPPORTED = Deno.build.os !== "windows";

/** (Re)creates the two FIFOs in `dir`, readable and writable by the owner only. */
export function createFifos(dir: string): FifoPaths {
  const paths = { stdout: join(dir, "stdout.fifo"), stderr: join(dir, "stderr.fifo") };
  for (const path of Object.values(paths)) {
    try {
      Deno.removeSync(path);
    } catch { /* not there yet */ }
  }
  const result = new Deno.Command("mkfifo", {
    args: ["-m", "600", paths.stdout, paths.stderr],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  if (!result.success) {
    throw new Error(`mkfifo failed: ${new TextDecoder().decode(result.stderr).trim()}`);
  }
  return paths;
}

/** The argv that runs `argv` with its stdout and stderr connected to the FIFOs. */
export function wrapWithFifos(argv: readonly string[], fifos: FifoPaths): string[] {
  return ["/bin/sh", "-c", WRAPPER, "persistproc", fifos.stdout, fifos.stderr, ...argv];
}

/** Written by the server into a FIFO after the program ended, to end its own reader. */
export const END_MARK = "\u0000persistproc:end-of-output\u0000";

/**
 * Opens a FIFO for reading, read-write so the open never blocks and the pipe buffer lives as
 * long as the server holds it: output of a program that exits at once is not lost with the
 * last writer. The price is that the reader never sees end-of-file: {@link sendEndMark} ends it.
 */
export function openFifoReader(path: string): Deno.FsFile {
  return Deno.openSync(path, { read: true, write: true });
}

/** Appends {@link END_MARK} to a FIFO, after everything already written to it. */
export function sendEndMark(path: string): void {
  try {
    const writer = Deno.openSync(path, { write: true });
    try {
      writer.writeSync(new TextEncoder().encode(`${END_MARK}\n`));
    } finally {
      writer.close();
    }
  } catch { /* no FIFO, no reader to end */ }
}
