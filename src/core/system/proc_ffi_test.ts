import assert from "node:assert/strict";
import { ffiListDir, ffiReadFile } from "./proc_ffi.ts";
import {
  forceProcWay,
  listProcPids,
  type ProcWay,
  readAllProcStats,
  readCommandLine,
  readProcFile,
  readProcStat,
  readTcpTables,
  socketInodes,
} from "./proc.ts";

const linux = Deno.build.os === "linux";
const knownLayout = linux && (Deno.build.arch === "x86_64" || Deno.build.arch === "aarch64");

function withWay<T>(way: ProcWay, read: () => T): T {
  forceProcWay(way);
  try {
    return read();
  } finally {
    forceProcWay(undefined);
  }
}

Deno.test({
  name: "Deno, libc over FFI and cat read the same start of a process and the same boot id",
  ignore: !knownLayout,
  async fn() {
    await using child = new Deno.Command("sleep", { args: ["30"], stdin: "null" }).spawn();
    for (const pid of [Deno.pid, child.pid]) {
      const [deno, ffi, cat] = (["deno", "ffi", "cat"] as const).map((way) =>
        withWay(way, () => readProcStat(pid))
      );
      assert.ok(deno?.start, `pid ${pid} read by Deno`);
      assert.deepEqual(ffi, deno);
      assert.deepEqual(cat, deno);
    }
    const path = "/proc/sys/kernel/random/boot_id";
    assert.equal(withWay("ffi", () => readProcFile(path)), readProcFile(path));
    child.kill();
    await child.status;
  },
});

Deno.test({
  name: "FFI lists every pid Deno lists before and after it, and cat reads their stats alike",
  ignore: !knownLayout,
  fn() {
    const before = new Set(listProcPids());
    const ffi = withWay("ffi", () => listProcPids())!;
    const cat = withWay("cat", () => readAllProcStats())!;
    const after = new Set(listProcPids());
    const stable = [...before].filter((pid) => after.has(pid));
    assert.ok(stable.includes(Deno.pid) && stable.includes(1));
    assert.deepEqual(stable.filter((pid) => !ffi.includes(pid)), []);
    const catStarts = new Map(cat.map((stat) => [stat.pid, stat.start]));
    const ffiStats = withWay("ffi", () => readAllProcStats())!;
    for (const stat of ffiStats) {
      if (stable.includes(stat.pid) && catStarts.has(stat.pid)) {
        assert.equal(catStarts.get(stat.pid), stat.start, `start of pid ${stat.pid}`);
      }
    }
    assert.equal(withWay("cat", () => listProcPids()), null, "cat lists no directory");
  },
});

Deno.test({
  name: "FFI says null for a process that is gone",
  ignore: !knownLayout,
  fn() {
    assert.equal(ffiReadFile("/proc/0/stat"), null);
    assert.equal(ffiListDir("/proc/0/fd"), null);
    assert.equal(withWay("ffi", () => readProcStat(0)), null);
  },
});

Deno.test({
  name: "FFI finds the same listening sockets, command line and TCP table as Deno",
  ignore: !knownLayout,
  fn() {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const deno = socketInodes(Deno.pid);
    assert.ok(deno.length > 0, `socket ${listener.addr.transport} open`);
    assert.deepEqual(withWay("ffi", () => socketInodes(Deno.pid)), deno);
    assert.equal(
      withWay("ffi", () => readCommandLine(Deno.pid, 300)),
      readCommandLine(Deno.pid, 300),
    );
    const tcp = withWay("ffi", () => readTcpTables());
    assert.ok(tcp?.[0].startsWith(readTcpTables()![0].split("\n")[0]), "same header");
  },
});
