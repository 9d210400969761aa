/**
 * Frees the disk blocks of a byte range of a file without changing its size or the offsets of
 * what follows ("punching a hole"), through libc over FFI: no process is spawned per punch.
 *
 * - Linux: `fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)`
 *   (ext4, xfs, btrfs, tmpfs, ...).
 * - macOS: `fcntl(fd, F_PUNCHHOLE, &fpunchhole_t)` (APFS). `fcntl` is variadic, and Apple's
 *   arm64 ABI passes variadic arguments on the stack: the call is declared with six unused
 *   integer parameters, so the pointer is the ninth argument, which arm64 puts on the stack
 *   where the callee's va_arg reads it; on x86-64 variadic and fixed arguments travel alike.
 *   This has not been run on a Mac, so it stays off unless PERSISTPROC_PUNCH=1 asks for it;
 *   macOS bounds the disk by rotation instead (see output_store.ts).
 *
 * Needs `--allow-ffi`. Where FFI, the library or the file system's support is missing,
 * {@link openPuncher} returns null and says why: given a folder, it tries a punch there first
 * (once per file system), since ramfs and some network and FUSE file systems cannot.
 */
import { join } from "node:path";

/** Punches holes in files; see the module comment. */
export interface HolePuncher {
  /** Frees `[offset, offset + length)` of the file at `path` (block-aligned by the caller). */
  punch(path: string, offset: number, length: number): void;
}

/** The puncher of this system, or why there is none. */
type PunchSupport = { puncher: HolePuncher; reason: null } | {
  puncher: null;
  reason: string;
};

const O_WRONLY = 1;
const FALLOC_FL_KEEP_SIZE = 1;
const FALLOC_FL_PUNCH_HOLE = 2;
const F_PUNCHHOLE = 99;

let cached: PunchSupport | null = null;
/** Per file system (device id) where a punch was tried: why it cannot, or null. */
const tried = new Map<number, string | null>();

/**
 * This system's hole puncher, for files in `dir` when given (see the module comment).
 * `PERSISTPROC_PUNCH=0` turns punching off (to use and test the rotation that bounds disk use
 * without it), `=1` turns it on where it is off by default.
 */
export function openPuncher(dir?: string): PunchSupport {
  const support = systemPuncher();
  if (!support.puncher || dir === undefined) return support;
  let device: number;
  try {
    device = Deno.statSync(dir).dev;
  } catch {
    return support; // tried once the folder exists
  }
  if (!tried.has(device)) tried.set(device, tryPunch(support.puncher, dir));
  const reason = tried.get(device);
  return reason ? { puncher: null, reason } : support;
}

/**
 * Punches a block out of a small file in `dir`; why that fails (the file system cannot), or
 * null. A file that cannot be written (a full disk) proves nothing: null.
 */
function tryPunch(puncher: HolePuncher, dir: string): string | null {
  const path = join(dir, `.punch-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    Deno.writeFileSync(path, new Uint8Array(8192), { createNew: true, mode: 0o600 });
  } catch {
    return null;
  }
  try {
    puncher.punch(path, 0, 4096);
    return null;
  } catch {
    return `the file system of "${dir}" cannot punch holes`;
  } finally {
    try {
      Deno.removeSync(path);
    } catch { /* gone */ }
  }
}

function systemPuncher(): PunchSupport {
  if (cached) return cached;
  const setting = Deno.env.get("PERSISTPROC_PUNCH");
  if (setting === "0") {
    return cached = { puncher: null, reason: "turned off (PERSISTPROC_PUNCH=0)" };
  }
  try {
    if (Deno.build.os === "linux") return cached = { puncher: linuxPuncher(), reason: null };
    if (Deno.build.os === "darwin") {
      if (setting !== "1") {
        return cached = {
          puncher: null,
          reason: "hole punching on macOS is unverified and off (PERSISTPROC_PUNCH=1 turns it on)",
        };
      }
      return cached = { puncher: darwinPuncher(), reason: null };
    }
    return cached = { puncher: null, reason: `no hole punching on ${Deno.build.os}` };
  } catch (error) {
    return cached = { puncher: null, reason: `cannot reach libc: ${(error as Error).message}` };
  }
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(`${text}\0`);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

function errorOf(what: string, path: string): Error {
  return new Error(`${what} failed for "${path}"`);
}

/** The libc calls both punchers open and close the file with. */
interface FdSymbols {
  open(path: Uint8Array<ArrayBuffer>, flags: number): number;
  close(fd: number): number;
}

/** Opens `path` for writing, runs `use` on its descriptor, and closes it whatever happens. */
function withFd(symbols: FdSymbols, path: string, use: (fd: number) => void): void {
  const fd = symbols.open(cString(path), O_WRONLY);
  if (fd < 0) throw errorOf("open", path);
  try {
    use(fd);
  } finally {
    symbols.close(fd);
  }
}

function linuxPuncher(): HolePuncher {
  let lib: ReturnType<typeof openLinux> | null = null;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      lib = openLinux(name);
      break;
    } catch { /* try the next name */ }
  }
  if (!lib) throw new Error("libc not found");
  const { symbols } = lib;
  return {
    punch(path, offset, length) {
      withFd(symbols, path, (fd) => {
        const mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
        if (symbols.fallocate(fd, mode, BigInt(offset), BigInt(length)) !== 0) {
          throw errorOf("fallocate", path);
        }
      });
    },
  };
}

function openLinux(name: string) {
  return Deno.dlopen(
    name,
    {
      open: { parameters: ["buffer", "i32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
      fallocate: { parameters: ["i32", "i32", "i64", "i64"], result: "i32" },
    } as const,
  );
}

function darwinPuncher(): HolePuncher {
  const arm = Deno.build.arch === "aarch64";
  const lib = Deno.dlopen(
    "/usr/lib/libSystem.B.dylib",
    {
      open: { parameters: ["buffer", "i32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
      fcntl: {
        parameters: arm
          ? ["i32", "i32", "i64", "i64", "i64", "i64", "i64", "i64", "buffer"]
          : ["i32", "i32", "buffer"],
        result: "i32",
      },
    } as const,
  );
  const { symbols } = lib;
  return {
    punch(path, offset, length) {
      withFd(symbols, path, (fd) => {
        // struct fpunchhole { u32 fp_flags; u32 reserved; off_t fp_offset; off_t fp_length; }
        const args = new Uint8Array(new ArrayBuffer(24));
        const view = new DataView(args.buffer);
        view.setBigInt64(8, BigInt(offset), true);
        view.setBigInt64(16, BigInt(length), true);
        const result = arm
          ? (symbols.fcntl as unknown as (...a: unknown[]) => number)(
            fd,
            F_PUNCHHOLE,
            0n,
            0n,
            0n,
            0n,
            0n,
            0n,
            args,
          )
          : (symbols.fcntl as unknown as (...a: unknown[]) => number)(fd, F_PUNCHHOLE, args);
        if (result !== 0) throw errorOf("fcntl(F_PUNCHHOLE)", path);
      });
    },
  };
}
