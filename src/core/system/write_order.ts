/**
 * The order in which files were written, across files, from one shared inotify instance (Linux,
 * over FFI to libc; `--allow-ffi`). The kernel queues an IN_MODIFY event per write(), in order,
 * but merges an event into the one queued just before it when the two are identical: five
 * writes to one file in a row become one event. So the folder holding the files is watched
 * too ({@link WriteOrder.watchFolder}): each write then queues two events, the folder's (with
 * the file's name) and the file's, no event equals the one before it, and the file's events
 * count the writes one for one. One instance serves every file watched, read without
 * blocking; elsewhere, or without FFI, {@link openWriteOrder} returns null.
 */

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
const IN_MODIFY = 0x2;
const IN_Q_OVERFLOW = 0x4000;
const IN_ONLYDIR = 0x1000000;
const EVENT_HEADER = 16;

/** The shared watch; see the module comment. */
export interface WriteOrder {
  /** Starts watching a file; returns its watch id. */
  watch(path: string): number;
  /**
   * Watches a folder too, only so that the events of consecutive writes to a file in it are
   * not merged (see the module comment); its own events are drained with the others and
   * carry its id. Returns its watch id.
   */
  watchFolder(path: string): number;
  /** Stops watching. */
  unwatch(id: number): void;
  /**
   * The watch ids of the writes queued since the last call, oldest first; null when the queue
   * overflowed (writes were not all seen).
   */
  drain(): number[] | null;
}

let cached: WriteOrder | null | undefined;

/** The one write-order watch of this server, or null where there is none. */
export function openWriteOrder(): WriteOrder | null {
  if (cached !== undefined) return cached;
  if (Deno.build.os !== "linux" || Deno.env.get("PERSISTPROC_WRITE_ORDER") === "0") {
    return cached = null;
  }
  try {
    return cached = linuxWriteOrder();
  } catch {
    return cached = null;
  }
}

function linuxWriteOrder(): WriteOrder {
  let lib = null;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      lib = Deno.dlopen(
        name,
        {
          inotify_init1: { parameters: ["i32"], result: "i32" },
          inotify_add_watch: { parameters: ["i32", "buffer", "u32"], result: "i32" },
          inotify_rm_watch: { parameters: ["i32", "i32"], result: "i32" },
          read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
        } as const,
      );
      break;
    } catch { /* the next name */ }
  }
  if (!lib) throw new Error("libc not found");
  const { symbols } = lib;
  const fd = symbols.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw new Error("inotify_init1 failed");
  const buffer = new Uint8Array(new ArrayBuffer(64 * 1024));
  const view = new DataView(buffer.buffer);
  const add = (path: string, mask: number) => {
    const bytes = new TextEncoder().encode(`${path}\0`);
    const name = new Uint8Array(new ArrayBuffer(bytes.length));
    name.set(bytes);
    const id = symbols.inotify_add_watch(fd, name, mask);
    if (id < 0) throw new Error(`Cannot watch "${path}"`);
    return id;
  };
  return {
    watch: (path) => add(path, IN_MODIFY),
    watchFolder: (path) => add(path, IN_MODIFY | IN_ONLYDIR),
    unwatch(id) {
      symbols.inotify_rm_watch(fd, id);
    },
    drain() {
      const ids: number[] = [];
      let overflow = false;
      for (;;) {
        const n = Number(symbols.read(fd, buffer, BigInt(buffer.length)));
        if (n <= 0) break; // empty (EAGAIN) or failed
        for (let at = 0; at + EVENT_HEADER <= n;) {
          const id = view.getInt32(at, true);
          const mask = view.getUint32(at + 4, true);
          if (mask & IN_Q_OVERFLOW) overflow = true;
          else if (mask & IN_MODIFY) ids.push(id);
          at += EVENT_HEADER + view.getUint32(at + 12, true);
        }
      }
      return overflow ? null : ids;
    },
  };
}
