/**
 * Spool files between a child and the server, so that neither a child nor a line of its
 * output depends on the server staying alive.
 *
 * Why files: with pipes (or FIFOs), bytes the server has read but not yet stored die with a
 * server killed by SIGKILL, and a child whose reader is gone either dies of SIGPIPE or blocks
 * once the pipe is full. Here the child's wrapper appends stdout and stderr to two files
 * (`O_APPEND`, so nothing the child writes can be lost or overwritten), and those files are
 * the log itself (see output_store.ts): the server only indexes what was appended. Output
 * printed while no server runs waits in the file, however much there is, even if the child
 * ends meanwhile. The price is that the server polls (spool_tail.ts), and that lines written
 * to the two streams within one poll are ordered stdout first.
 */

/** Whether this OS has a POSIX shell to append through (not Windows). */
export const SPOOL_SUPPORTED = Deno.build.os !== "windows";

// $1, $2: the spool files; the rest: the program. exec keeps the pid the program's own.
const WRAPPER = 'o=$1 e=$2; shift 2; exec "$@" >>"$o" 2>>"$e"';

/** The argv that runs `argv` with stdout and stderr appended to the given spool files. */
export function wrapWithSpool(
  argv: readonly string[],
  paths: { stdout: string; stderr: string },
): string[] {
  return ["/bin/sh", "-c", WRAPPER, "persistproc", paths.stdout, paths.stderr, ...argv];
}
