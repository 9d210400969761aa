import assert from "node:assert/strict";
import { environmentValues, parseGrepEnvironments, parsePsEnvironments } from "./environ.ts";

Deno.test("parseGrepEnvironments reads each file's variable, its value may hold anything", () => {
  const text = "/proc/12/environ:MARK=a b=c\0/proc/345/environ:MARK=\0/proc/7/environ:MARKER=x\0";
  assert.deepEqual([...parseGrepEnvironments(text, "MARK")], [[12, "a b=c"], [345, ""]]);
});

Deno.test("parsePsEnvironments keeps this user's rows, the variable before or after the command", () => {
  const text = [
    "  500   501 /usr/local/bin/deno serve MARK=server", // the caller itself: left out
    "  600   501 MARK=run-a HOME=/Users/me python3 -m http.server", // BSD: before the command
    "  601   501 python3 -m http.server HOME=/root MARK=run-b", // procps: after it
    "  602     0 sleep 5 MARK=run-a", // another user's
    "  603   501 sh -c echo NOTMARK=run-a", // another variable
  ].join("\n");
  assert.deepEqual([...parsePsEnvironments(text, "MARK", 500)], [[600, "run-a"], [601, "run-b"]]);
});

/**
 * A `sleep 30` with PERSISTPROC_TEST_MARK=`value` in its environment, once it runs: the shell
 * that becomes it says so after its exec. Read any sooner and /proc still shows the
 * environment of the forked server (the race that failed once under load).
 */
async function markedSleep(value: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("sh", {
    args: ["-c", "echo running; exec sleep 30"],
    env: { PERSISTPROC_TEST_MARK: value },
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value: said } = await reader.read();
  reader.releaseLock();
  await child.stdout.cancel();
  assert.equal(new TextDecoder().decode(said).trim(), "running");
  return child;
}

for (const source of ["proc", "ps"] as const) {
  Deno.test({
    name: `environmentValues reads a child's variable (${source})`,
    ignore: Deno.build.os === "windows" || (source === "proc" && Deno.build.os !== "linux"),
    async fn() {
      const child = await markedSleep("found-it");
      try {
        const values = environmentValues(
          "PERSISTPROC_TEST_MARK",
          [child.pid, 1, 999_999_9],
          source,
        );
        assert.deepEqual(values && [...values], [[child.pid, "found-it"]]);
        assert.deepEqual(environmentValues("PERSISTPROC_TEST_MARK", [], source), new Map());
      } finally {
        child.kill("SIGKILL");
        await child.status;
      }
    },
  });
}

Deno.test({
  name: "a server that may not read /proc reads environments through one sh and grep",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const child = await markedSleep("narrow");
    const file = await Deno.makeTempFile({ suffix: ".ts" });
    try {
      await Deno.writeTextFile(
        file,
        `import { environmentValues } from ${
          JSON.stringify(new URL("./environ.ts", import.meta.url).href)
        };
        console.log(JSON.stringify([...environmentValues("PERSISTPROC_TEST_MARK", [${child.pid}, 1])!]));`,
      );
      const { stdout, success } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--allow-run", "--allow-read", file],
        stderr: "inherit",
      }).output();
      assert.ok(success);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), [[child.pid, "narrow"]]);
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(file);
    }
  },
});
