/**
 * What the core's unit tests share: a Supervisor on a temporary data directory, shut down and
 * removed when disposed, a wait for a condition with a deadline (never a bare sleep), and a
 * free port.
 */
import { Supervisor } from "./supervisor/supervisor.ts";
import type { SupervisorOptions } from "./supervisor/supervisor_options.ts";

/** A Supervisor on a fresh temporary data dir (`dir`); disposing it stops all and removes it. */
export async function tempSupervisor(
  options: Omit<SupervisorOptions, "dataDir"> = {},
  prefix = "persistproc-sup-",
): Promise<Supervisor & AsyncDisposable & { dir: string }> {
  const dir = await Deno.makeTempDir({ prefix });
  const sup = new Supervisor({ dataDir: dir, ...options });
  return Object.assign(sup, {
    dir,
    async [Symbol.asyncDispose]() {
      await sup.shutdown();
      // shutdown() is bounded: a tree that outlives its limit on a loaded machine may still
      // be ending (and its output closing) when it returns, so removal is retried a while.
      await until("the data dir's removal", async () => {
        try {
          await Deno.remove(dir, { recursive: true });
          return true;
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) return true;
          return false;
        }
      });
    },
  });
}

/** Polls `probe` every 20 ms until it gives a truthy value, which it returns; fails after `ms`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `fn` with the server log (the logger's console.error) captured; returns what was
 * logged, so a test can assert a failure was logged, or that nothing was.
 */
export async function capturingLog(fn: () => unknown): Promise<string> {
  // deno-lint-ignore no-console
  const original = console.error;
  const printed: string[] = [];
  // deno-lint-ignore no-console
  console.error = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await fn();
  } finally {
    // deno-lint-ignore no-console
    console.error = original;
  }
  return printed.join("\n");
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Mounts a tmpfs of `size` (`6m`) on `dir`: a disk a test can fill. False where it cannot
 * (not root, not Linux). Unmount it with {@link unmount}.
 */
export function mountTmpfs(dir: string, size = "6m"): boolean {
  return mount(dir, "tmpfs", ["-o", `size=${size}`]);
}

/**
 * Mounts a ramfs on `dir`: a file system that can neither set disk aside nor punch holes, nor
 * count its blocks. False where it cannot (not root, not Linux). Unmount it with {@link unmount}.
 */
export function mountRamfs(dir: string): boolean {
  return mount(dir, "ramfs", []);
}

function mount(dir: string, type: string, options: string[]): boolean {
  if (Deno.build.os !== "linux") return false;
  const mounted = new Deno.Command("mount", {
    args: ["-t", type, ...options, type, dir],
    stdout: "null",
    stderr: "null",
  });
  try {
    return mounted.outputSync().success;
  } catch {
    return false;
  }
}

/** Unmounts what {@link mountTmpfs} mounted on `dir`, even while files there are open. */
export function unmount(dir: string): void {
  new Deno.Command("umount", { args: ["-l", dir] }).outputSync();
}

/** Whether a test can mount a tmpfs here (see {@link mountTmpfs}), or a ramfs. */
export function canMountTmpfs(mounts = mountTmpfs): boolean {
  if (Deno.build.os !== "linux") return false;
  const probe = Deno.makeTempDirSync({ prefix: "persistproc-tmpfs-probe-" });
  try {
    if (!mounts(probe)) return false;
    unmount(probe);
    return true;
  } finally {
    Deno.removeSync(probe);
  }
}

/**
 * Runs `fn` on a fresh owner-only folder with a tmpfs of `size` mounted on it (see
 * {@link mountTmpfs}), then unmounts and removes it, whatever `fn` does.
 */
export async function withTmpfs<T>(size: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-tmpfs-" });
  try {
    if (!mountTmpfs(dir, size)) throw new Error(`Cannot mount a tmpfs on "${dir}"`);
    try {
      Deno.chmodSync(dir, 0o700);
      return await fn(dir);
    } finally {
      unmount(dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
export function fillDisk(dir: string): string {
  const path = `${dir}/filler`;
  using file = Deno.openSync(path, { write: true, create: true });
  const block = new Uint8Array(64 * 1024).fill(0x61);
  for (let size = block.length; size > 0;) {
    try {
      file.writeSync(block.subarray(0, size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return path;
}
