/**
 * Keeping what the server inherited from whoever started it out of the programs it starts.
 * A server started from a shell, an IDE or a script can hold open file descriptors it never
 * asked for (a lock file a CI step holds with `flock`, a terminal's or an editor's pipes);
 * without this, every managed program inherits them too, and a dev server running for days
 * keeps that lock held, or that pipe open, long after its owner is gone. Deno's own files are
 * already closed on exec; this marks every other descriptor from 3 up the same way, once,
 * when the server starts, whatever its number.
 *
 * Through libc over FFI. On Linux 5.11 and later, one `close_range(3, ~0U,
 * CLOSE_RANGE_CLOEXEC)`; elsewhere (an older kernel, macOS, the BSDs) each descriptor the
 * process has open, as `/proc/self/fd` or `/dev/fd` lists them, is marked with
 * `ioctl(fd, FIOCLEX)`, which takes no third argument (so the variadic calling conventions of
 * `fcntl` do not matter). Without `--allow-ffi`, or on another OS, nothing is done and
 * {@link closeInheritedOnExec} says why.
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
/** Linux's `close_range` flag: mark close-on-exec rather than close. */
const CLOSE_RANGE_CLOEXEC = 4;
/** Where the process's open descriptors are listed. */
const FD_FOLDERS = ["/proc/self/fd", "/dev/fd"];

const SYMBOLS = {
  ioctl: { parameters: ["i32", "u64"], result: "i32" },
  close_range: { parameters: ["u32", "u32", "i32"], result: "i32", optional: true },
} as const;

/**
 * Marks every descriptor from 3 up close-on-exec; returns how (`all` through close_range, or
 * how many listed descriptors were marked), or why nothing was done. `listed` skips
 * close_range (for tests of the other way).
 */
export function closeInheritedOnExec(
  { listed = false }: { listed?: boolean } = {},
): { marked: number | "all" } | { skipped: string } {
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
      lib = Deno.dlopen(name, SYMBOLS);
    } catch {
      continue; // try the next name
    }
    try {
      // 0xffffffff is ~0U: to the highest descriptor there can be. An older kernel says EINVAL.
      if (!listed && lib.symbols.close_range?.(3, 0xffff_ffff, CLOSE_RANGE_CLOEXEC) === 0) {
        return { marked: "all" };
      }
      const open = openDescriptors();
      if (open === null) return { skipped: `none of ${FD_FOLDERS.join(", ")} can be listed` };
      let marked = 0;
      for (const fd of open) if (fd >= 3 && lib.symbols.ioctl(fd, request) === 0) marked++;
      return { marked };
    } finally {
      lib.close();
    }
  }
  return { skipped: "libc not found" };
}

/** The descriptors the process has open, as listed by the OS; null when none lists them. */
function openDescriptors(): number[] | null {
  for (const folder of FD_FOLDERS) {
    try {
      // The listing's own descriptor is among them; it is closed by the time they are marked.
      return [...Deno.readDirSync(folder)].map((entry) => Number(entry.name))
        .filter(Number.isInteger);
    } catch {
      continue;
    }
  }
  return null;
}
