/**
 * Hands the C heap's free memory back to the system: glibc's `malloc_trim(0)`, through libc
 * over FFI. glibc keeps the memory that V8's compiler zones, the parser and Deno's own
 * buffers freed, in every thread's arena, and returns little of it by itself; loading a large
 * module graph leaves megabytes of it resident. Trimming after the idle collection returned
 * 2-3 MiB of the server's resident set after its first MCP requests (measured, bench/memory.ts).
 *
 * Linux with glibc only: elsewhere (macOS, Windows, musl, which has no `malloc_trim`), and
 * without `--allow-ffi`, {@link trimMalloc} does nothing.
 */

type Trim = () => void;

let trim: Trim | null | undefined;

/** Opens `malloc_trim` once; null where there is none to open. */
function opened(): Trim | null {
  if (trim !== undefined) return trim;
  trim = null;
  if (Deno.build.os !== "linux") return trim;
  // Asked, never prompted for: a server without the permission simply does not trim.
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return trim;
  try {
    const lib = Deno.dlopen(
      "libc.so.6", // glibc's soname; musl's libc is named otherwise and lacks the call
      { malloc_trim: { parameters: ["usize"], result: "i32" } } as const,
    );
    trim = () => void lib.symbols.malloc_trim(0n);
  } catch { /* no FFI permission, or not glibc: nothing to trim with */ }
  return trim;
}

/** Returns free C-heap memory to the system where glibc allows it; else does nothing. */
export function trimMalloc(): void {
  opened()?.();
}
