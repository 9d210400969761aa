import assert from "node:assert/strict";
import { until } from "../_test_support.ts";
import { parsePsEnvironment, processDetails } from "./process_details.ts";

/** A sleeping Python the test owns, in its own folder, with a variable whose value holds a space. */
async function sleeper() {
  const dir = Deno.realPathSync(await Deno.makeTempDir({ prefix: "persistproc-details-" }));
  const child = new Deno.Command("python3", {
    args: ["-c", "import time; time.sleep(30)"],
    cwd: dir,
    env: { DETAILS_MARKER: "two words" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    pid: child.pid,
    dir,
    async [Symbol.asyncDispose]() {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test({
  name: "processDetails reads arguments, folder and environment from /proc, and the same by ps",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using child = await sleeper();
    // A python3 on PATH may be a shim that execs the real one: wait for that.
    const proc = await until("python to run", () => {
      const details = processDetails(child.pid, "proc");
      return details?.argv?.length === 3 && details;
    });
    assert.deepEqual(proc.argv?.slice(1), ["-c", "import time; time.sleep(30)"]);
    assert.equal(proc.cwd, child.dir);
    assert.equal(proc.environment?.DETAILS_MARKER, "two words");
    assert.equal(proc.uid, Deno.uid());
    assert.equal(proc.ppid, Deno.pid);
    assert.deepEqual(proc.limits, []);
    // The macOS way, forced here so that it keeps working: ps and lsof.
    const ps = processDetails(child.pid, "ps")!;
    assert.equal(ps.argv, null);
    assert.equal(ps.commandLine, `${proc.argv![0]} -c import time; time.sleep(30)`);
    assert.equal(ps.cwd, child.dir);
    assert.equal(ps.environment?.DETAILS_MARKER, "two words");
    assert.equal(ps.uid, Deno.uid());
    assert.equal(ps.pgid, proc.pgid);
    assert.match(ps.limits.join("\n"), /ps joins its arguments with spaces/);
    assert.equal(processDetails(2 ** 22 + 1, "proc"), null);
    assert.equal(processDetails(2 ** 22 + 1, "ps"), null);
  },
});

Deno.test("parsePsEnvironment takes the variables after (procps, macOS) or before the command", () => {
  const after = parsePsEnvironment("node vite", "node vite PATH=/bin A=b c LANG=C");
  assert.deepEqual(after, { PATH: "/bin", A: "b c", LANG: "C" });
  const before = parsePsEnvironment("node vite", "PATH=/bin A=1 node vite");
  assert.deepEqual(before, { PATH: "/bin", A: "1" });
  assert.equal(parsePsEnvironment("node vite", "something else"), null);
});
