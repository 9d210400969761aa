import assert from "node:assert/strict";
import { closeInheritedOnExec } from "./close_on_exec.ts";

const linux = Deno.build.os === "linux";

/**
 * Opens a file on descriptor `fd` without close-on-exec, as a shell's `exec 1500>file` would;
 * returns its closer.
 */
function openOn(fd: number, path: string): () => void {
  const libc = Deno.dlopen(
    "libc.so.6",
    {
      open: { parameters: ["buffer", "i32"], result: "i32" },
      dup2: { parameters: ["i32", "i32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
    } as const,
  );
  Deno.writeTextFileSync(path, "");
  const O_WRONLY = 1;
  const opened = libc.symbols.open(new TextEncoder().encode(`${path}\0`), O_WRONLY);
  assert.ok(opened >= 0, `open ${path}`);
  assert.equal(libc.symbols.dup2(opened, fd), fd);
  libc.symbols.close(opened);
  return () => {
    libc.symbols.close(fd);
    libc.close();
  };
}

/** Whether descriptor `fd` of this process is close-on-exec (O_CLOEXEC in its fdinfo flags). */
function closesOnExec(fd: number): boolean {
  const flags = /^flags:\s+(\d+)$/m.exec(Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`))![1];
  return (parseInt(flags, 8) & 0o2000000) !== 0;
}

for (const listed of [false, true]) {
  Deno.test({
    name: `closeInheritedOnExec() marks a descriptor above 1023 (${
      listed ? "listed from /proc/self/fd" : "close_range"
    })`,
    ignore: !linux,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "persistproc-cloexec-" });
      const close = openOn(1500, `${dir}/lock`);
      try {
        assert.equal(closesOnExec(1500), false);
        const result = closeInheritedOnExec({ listed });
        assert.ok("marked" in result, JSON.stringify(result));
        assert.equal(closesOnExec(1500), true);
      } finally {
        close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
