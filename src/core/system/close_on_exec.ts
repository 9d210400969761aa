/**
 * Keeping what the server inherited from whoever started it out of the programs it starts.
 * A server started from a shell, an IDE or a script can hold open file descriptors it never
 * asked for (a lock file a CI step holds with `flock`, a terminal's or an editor's pipes);
 * without this, every managed program inherits them too, and a dev server running for days
 * keeps that lock held, or that pipe open, long after its owner is gone. Deno's own files are
 * already closed on exec; this marks every other descriptor from 3 up to 1023 the same way,
 * once, when the server starts.
 *
 * Through libc over FFI: `ioctl(fd, FIOCLEX)`, which takes no third argument (so the variadic
 * calling conventions of `fcntl` do not matter). Linux and macOS; elsewhere, or without
 * `--allow-ffi`, nothing is done and {@link closeInheritedOnExec} says why.
 */

/** FIOCLEX: Linux's `0x5451`; the BSDs' and macOS's `_IO('f', 1)`. */
const FIOCLEX: Partial<Record<typeof Deno.build.os, bigint>> = {
  linux: 0x5451n,
  darwin: 0x20006601n,
  freebsd: 0x20006601n,
};
const LIBC: Partial<Record<typeof Deno.build.os, string[]>> = {
  linux: ["libc.so.6", "libc.so"],
  darwin: ["/usr/lib/libSystem.B.dylib"],
  freebsd: ["libc.so.7"],
};
/** The highest descriptor looked at: inherited ones are small numbers. */
const LAST_FD = 1023;

/**
 * Marks descriptors 3 to 1023 close-on-exec; returns how many were open, or why nothing was
 * done.
 */
export function closeInheritedOnExec(): { marked: number } | { skipped: string } {
  const request = FIOCLEX[Deno.build.os];
  const names = LIBC[Deno.build.os];
  if (request === undefined || names === undefined) return { skipped: `not on ${Deno.build.os}` };
  // Asked, never prompted for.
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return { skipped: "no --allow-ffi" };
  }
  for (const name of names) {
    let lib;
    try {
      lib = Deno.dlopen(name, { ioctl: { parameters: ["i32", "u64"], result: "i32" } } as const);
    } catch {
      continue; // try the next name
    }
    try {
      let marked = 0;
      for (let fd = 3; fd <= LAST_FD; fd++) if (lib.symbols.ioctl(fd, request) === 0) marked++;
      return { marked };
    } finally {
      lib.close();
    }
  }
  return { skipped: "libc not found" };
}
