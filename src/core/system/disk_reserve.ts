/**
 * Disk space set aside for a file ahead of its writer: `fallocate(fd, FALLOC_FL_KEEP_SIZE,
 * size, length)` allocates blocks past the end without changing the size, so a later append
 * fills blocks that are already its own and does not fail when the disk fills meanwhile.
 * Linux only, through libc over FFI (`--allow-ffi`); elsewhere {@link openReserver} returns
 * null and a full disk fails the writer's appends as it would anyway. Only "no space" (ENOSPC,
 * EDQUOT) counts as a full disk: a file system that cannot set space aside (ramfs, some network
 * and FUSE file systems) is simply given no reserve.
 */
import { statfsSync } from "node:fs";

/** Sets disk space aside past the end of files; see the module comment. */
export interface DiskReserver {
  /**
   * Makes `length` bytes past the current end of the file at `path` allocated; false when the
   * disk cannot give them (full) or the file cannot be opened. True, setting nothing aside,
   * where the file system cannot (see the module comment).
   */
  reserve(path: string, length: number): boolean;
}

const O_WRONLY = 1;
const FALLOC_FL_KEEP_SIZE = 1;
/** The errors of fallocate that mean the disk is full (ENOSPC, EDQUOT). */
const NO_SPACE = new Set([28, 122]);

let cached: DiskReserver | null | undefined;

/** This system's reserver, or null where there is none. */
export function openReserver(): DiskReserver | null {
  if (cached !== undefined) return cached;
  if (Deno.build.os !== "linux") return cached = null;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      const { symbols } = Deno.dlopen(
        name,
        {
          open: { parameters: ["buffer", "i32"], result: "i32" },
          close: { parameters: ["i32"], result: "i32" },
          fallocate: { parameters: ["i32", "i32", "i64", "i64"], result: "i32" },
          __errno_location: { parameters: [], result: "pointer" },
        } as const,
      );
      const errno = () => {
        const at = symbols.__errno_location();
        return at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
      };
      return cached = {
        reserve(path, length) {
          const bytes = new TextEncoder().encode(`${path}\0`);
          const name = new Uint8Array(new ArrayBuffer(bytes.length));
          name.set(bytes);
          let size: number;
          try {
            size = Deno.statSync(path).size;
          } catch {
            return false;
          }
          const fd = symbols.open(name, O_WRONLY);
          if (fd < 0) return false;
          try {
            if (symbols.fallocate(fd, FALLOC_FL_KEEP_SIZE, BigInt(size), BigInt(length)) === 0) {
              return true;
            }
            // Read at once: nothing runs on this thread between the call and the read.
            return !NO_SPACE.has(errno());
          } finally {
            symbols.close(fd);
          }
        },
      };
    } catch { /* the next name */ }
  }
  return cached = null;
}

/**
 * Bytes an unprivileged writer may still take on the file system holding `path`, or null when
 * that is unknown: also where the file system counts no blocks at all (ramfs, some FUSE ones).
 */
export function freeBytes(path: string): number | null {
  try {
    const stats = statfsSync(path);
    if (Number(stats.blocks) === 0) return null;
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}
