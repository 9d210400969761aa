/**
 * Reading `/proc` through libc over FFI, for a server that Deno will not let read it (Deno 2.9
 * refuses `/proc` without `--allow-all`, even with `--allow-read`) but that has `--allow-ffi`,
 * as the installed one does: `open`/`read`/`close` for a file, `opendir`/`readdir`/`closedir`
 * for a directory, `readlink` for a link (a process's open sockets). It spares the census a `sh -c cat` spawned on every look.
 *
 * Linux on x86_64 and aarch64 only, where `struct dirent` (glibc's, and musl's alike) has
 * `d_name` at byte 19; elsewhere, and without the permission or a `libc.so.6` to open,
 * {@link ffiReadFile} and {@link ffiListDir} answer undefined and the caller goes on to `cat`.
 *
 * @module
 */

const D_NAME_OFFSET = 19;
/** `O_RDONLY | O_CLOEXEC` on x86_64 and aarch64 Linux. */
const OPEN_FLAGS = 0o2000000;

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir: { parameters: ["pointer"], result: "pointer" },
  closedir: { parameters: ["pointer"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;

/** libc's calls, opened once; null where they cannot be used here. */
function opened(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux") return libc;
  if (Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64") return libc;
  // Asked, never prompted for: without the permission the caller reads through `cat`.
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return libc;
  try {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch { /* no libc.so.6 to open: `cat` it is */ }
  return libc;
}

/** Whether libc's calls can read `/proc` here. */
export function ffiUsable(): boolean {
  return opened() !== null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let buffer = new Uint8Array(4096);

function cPath(path: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(path + "\0");
}

/**
 * The text of a file; null when it cannot be opened or read (a process gone, another user's),
 * undefined when libc cannot be used here.
 */
export function ffiReadFile(path: string): string | null | undefined {
  const c = opened();
  if (c === null) return undefined;
  const fd = c.open(cPath(path), OPEN_FLAGS);
  if (fd < 0) return null;
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer);
        buffer = grown;
      }
      const read = Number(c.read(fd, buffer.subarray(length), BigInt(buffer.length - length)));
      if (read < 0) return null; // the process exited between open and read
      if (read === 0) return decoder.decode(buffer.subarray(0, length));
      length += read;
    }
  } finally {
    c.close(fd);
  }
}

/**
 * The names in a directory (without "." and ".."); null when it cannot be opened, undefined
 * when libc cannot be used here.
 */
export function ffiListDir(path: string): string[] | null | undefined {
  const c = opened();
  if (c === null) return undefined;
  const dir = c.opendir(cPath(path));
  if (dir === null) return null;
  const names: string[] = [];
  try {
    for (let entry = c.readdir(dir); entry !== null; entry = c.readdir(dir)) {
      const name = new Deno.UnsafePointerView(entry).getCString(D_NAME_OFFSET);
      if (name !== "." && name !== "..") names.push(name);
    }
  } finally {
    c.closedir(dir);
  }
  return names;
}

const LINK_MAX = 4096;
const link = new Uint8Array(LINK_MAX);

/**
 * Where a symbolic link points; null when it cannot be read, undefined when libc cannot be
 * used here.
 */
export function ffiReadLink(path: string): string | null | undefined {
  const c = opened();
  if (c === null) return undefined;
  const length = Number(c.readlink(cPath(path), link, BigInt(LINK_MAX)));
  return length < 0 ? null : decoder.decode(link.subarray(0, length));
}
