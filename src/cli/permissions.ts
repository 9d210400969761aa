/**
 * The permissions persistproc runs with wherever it is installed: compiled into the binary
 * (tasks/compile.ts), written into the `deno task install` script, and given to a server the
 * CLI starts in the background, so all three behave alike.
 *
 * @module
 */

/**
 * The permissions compiled into the binary, as narrow as the program allows:
 * - `--allow-run`: unrestricted, as running the user's commands is the program's purpose (it
 *   also runs `/bin/sh` to wire a child's output to its spool files, `ps`, `ss`/`lsof`, `taskkill`
 *   on Windows, and itself to start a server in the background). Programs it starts are not
 *   sandboxed by Deno.
 * - `--allow-net=127.0.0.1,localhost,[::1]`: the server listens on loopback (any of the names
 *   `--host` accepts for it), and the CLI talks to it there.
 * - `--allow-read`, `--allow-write`: the data dir and log files live wherever the user says,
 *   and a start checks the working directory it is given.
 * - `--allow-env`: settings come from PERSISTPROC_* variables, and a start passes the caller's
 *   environment to the program.
 * - `--allow-ffi`: stored output is bounded on disk by punching holes in its files, a system
 *   call Deno lacks, reached in libc (`fallocate` on Linux, `fcntl(F_PUNCHHOLE)` on macOS;
 *   src/core/system/hole_punch.ts). Without it, disk use is bounded by copying rotation. The
 *   server also calls glibc's `malloc_trim` when idle, to hand freed memory back
 *   (src/core/system/malloc_trim.ts); without the permission it keeps that memory. And at
 *   start it marks the descriptors it inherited close-on-exec (`close_range`, or
 *   `ioctl(FIOCLEX)` on each; src/core/system/close_on_exec.ts), so its programs do not inherit a lock or pipe of
 *   whoever started it; without the permission they do.
 *   It also reads `/proc` through libc (`open`/`read`, `opendir`/`readdir`, `readlink`; Deno
 *   refuses `/proc` without `--allow-all`; src/core/system/proc_ffi.ts) for its process table
 *   and the sockets of its processes; without the permission it spawns `cat` of those files on
 *   each look and `ss` on each port scan instead.
 * - `--allow-sys=uid`: the data directory and everything read from it must belong to the user
 *   the program runs as (src/data_dir/trust.ts).
 *
 * Not `--allow-all`, although `--allow-run` already lets the program start anything: the
 * limits still bind persistproc's own code and its npm dependencies (no network beyond
 * loopback). Deno 2.9 lets only `--allow-all` read /proc, which the server reads on Linux
 * for its process table (tree watch, port scans, start tokens, telling a process group's
 * zombies from live members while a stop waits). Without it, it reads the same files over FFI
 * as said above, else through `cat`, so a process gets the same start token from any kind of
 * server. Measured with 200 quiet processes (BENCHMARKS.md, "Quiet server"): one look of the
 * census with ~490 processes blocks the server 0.3-0.5 ms over FFI or Deno's own reads, about
 * 24 ms through `cat`. Where `/proc` cannot be read at all the server asks `ps` (measured here,
 * stopping a tree with an orphaned grandchild under a slow-reaping PID 1: 0.1-0.3 s, against
 * 1.3-2 s when zombies count as alive); where `ps` is missing too (minimal containers), a stop
 * waits until init reaps the zombies, at worst the grace period plus 5 s.
 */
export const PERMISSIONS: readonly string[] = [
  "--allow-run",
  "--allow-net=127.0.0.1,localhost,[::1]",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys=uid",
];

/**
 * Semi-spaces of 4 MB for V8's young generation. A flood of output makes many short-lived
 * strings; measured on the server under floods (1 KB lines / 1M short lines), peak resident
 * size was about 100 / 120 MB with V8's default, 81 / 140 MB with 1 MB semi-spaces (more gets
 * promoted to the old generation), and 87 / 95-110 MB with 4 MB.
 */
export const SERVER_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";
