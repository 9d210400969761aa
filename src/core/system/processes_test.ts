import assert from "node:assert/strict";
import { bootId, isSameProcess, parsePsTable, processStartToken } from "./processes.ts";
import { parseProcStat } from "./proc.ts";

Deno.test("parseProcStat reads the fields after a command holding spaces and parentheses", () => {
  const text = "42 (a (b) c) S 1 42 42 34817 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 98765 1 2 3";
  assert.deepEqual(parseProcStat(42, text), {
    pid: 42,
    state: "S",
    ppid: 1,
    pgid: 42,
    sid: 42,
    tty: 34817,
    start: "98765",
  });
  assert.equal(parseProcStat(42, "garbage"), null);
});

Deno.test("parsePsTable reads pid, parent, group, state and start time", () => {
  const text = "    1     0     1 Ss   Sun Nov 29 17:00:01 2026\n" +
    "  812     1   812 Z    Sun Nov 29 17:28:13 2026\n" +
    "  813     1   813 T+   Sun Nov 29 17:28:14 2026\n" +
    "  814   813   813 U    Sun Nov 29 17:28:15 2026\n";
  const entries = parsePsTable(text, (lstart) => `t:${lstart}`);
  assert.deepEqual(
    entries.map(({ pid, ppid, pgid, token }) => [pid, ppid, pgid, token]),
    [
      [1, 0, 1, "t:Sun Nov 29 17:00:01 2026"],
      [812, 1, 812, "t:Sun Nov 29 17:28:13 2026"],
      [813, 1, 813, "t:Sun Nov 29 17:28:14 2026"],
      [814, 813, 813, "t:Sun Nov 29 17:28:15 2026"],
    ],
  );
  const states = entries.map(({ zombie, stopped, blocked }) => ({ zombie, stopped, blocked }));
  assert.deepEqual(states, [
    { zombie: false, stopped: false, blocked: false },
    { zombie: true, stopped: false, blocked: false },
    { zombie: false, stopped: true, blocked: false },
    { zombie: false, stopped: false, blocked: true },
  ]);
});

Deno.test("a start token names the boot, and a pid's token stays its own", () => {
  const token = processStartToken(Deno.pid);
  assert.ok(token);
  if (Deno.build.os === "linux") {
    assert.match(bootId(), /^[0-9a-f-]{36}$/);
    assert.ok(token.startsWith(`${bootId()}/`));
  }
  assert.equal(processStartToken(Deno.pid), token);
  assert.ok(isSameProcess(Deno.pid, token));
  // A token saved before the boot id was part of it still names the same process.
  assert.ok(isSameProcess(Deno.pid, token.slice(token.indexOf("/") + 1)));
  assert.equal(isSameProcess(Deno.pid, `${bootId()}/proc:1`), false);
  assert.equal(isSameProcess(Deno.pid, null), false);
});

Deno.test({
  name: "a server with narrow permissions names a process as one with --allow-all does",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // A server of one kind must adopt what a crashed server of the other kind started.
    const child = new Deno.Command("sleep", { args: ["30"], stdout: "null" }).spawn();
    try {
      const script = `import { processStartToken, processTable } from ${
        JSON.stringify(new URL("./processes.ts", import.meta.url).href)
      };
        const pid = ${child.pid};
        console.log(JSON.stringify([processStartToken(pid),
          processTable()?.find((entry) => entry.pid === pid)?.token]));`;
      const tokens = async (permissions: string[]) => {
        const file = await Deno.makeTempFile({ suffix: ".ts" });
        await Deno.writeTextFile(file, script);
        const { stdout, success } = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--quiet", ...permissions, file],
          stderr: "inherit",
        }).output().finally(() => Deno.remove(file));
        assert.ok(success);
        return JSON.parse(new TextDecoder().decode(stdout));
      };
      const narrow = await tokens(["--allow-run", "--allow-read", "--allow-env"]);
      const wide = await tokens(["--allow-all"]);
      assert.ok(narrow[0], "the narrow server sees the process");
      assert.deepEqual(narrow, [narrow[0], narrow[0]]);
      assert.deepEqual(wide, narrow);
      assert.ok(isSameProcess(child.pid, narrow[0]));
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
});
