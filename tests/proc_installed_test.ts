/**
 * A server with the installed permissions (src/cli/permissions.ts: no --allow-all, so Deno
 * refuses it /proc) reads /proc through libc over FFI where dirent's layout is known, and
 * through `cat` elsewhere. Here, not beside proc_ffi.ts, since core may not import the CLI's
 * permission list.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { PERMISSIONS } from "../src/cli/permissions.ts";

const linux = Deno.build.os === "linux";
const knownLayout = linux && (Deno.build.arch === "x86_64" || Deno.build.arch === "aarch64");

Deno.test({
  name: "a server with the installed permissions (not --allow-all) reads /proc over FFI",
  ignore: !linux,
  async fn() {
    const proc = new URL("../src/core/system/proc.ts", import.meta.url).href;
    const script = await Deno.makeTempFile({ suffix: ".ts" });
    try {
      await Deno.writeTextFile(
        script,
        `import { listProcPids, procWay, readProcStat } from ${JSON.stringify(proc)};\n` +
          `console.log(JSON.stringify({ way: procWay(), stat: readProcStat(Deno.pid), ` +
          `listed: listProcPids()?.includes(Deno.pid) ?? null, pid: Deno.pid }));\n`,
      );
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-config", ...PERMISSIONS, script],
        cwd: fileURLToPath(new URL("../src/core/system/", import.meta.url)),
        stdin: "null",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const seen = JSON.parse(text);
      assert.equal(seen.way, knownLayout ? "ffi" : "cat");
      assert.equal(seen.stat.pid, seen.pid);
      assert.equal(seen.listed, knownLayout ? true : null);
    } finally {
      await Deno.remove(script);
    }
  },
});
