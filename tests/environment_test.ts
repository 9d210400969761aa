// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: which environment a managed process gets, and that it is kept whole across
 * restarts and servers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { SERVER_V8_FLAGS } from "../src/cli/permissions.ts";
import { freePort, killGroup, MAIN, startHub, type TestHub, waitFor } from "./_hub.ts";

const PRINT = 'echo "db=[$DATABASE_URL] v=[$V] s=[$SERVER_VAR]"; sleep 60';

async function firstLine(hub: { api: TestHub["api"] }, pid: number): Promise<string> {
  return await waitFor(`output of ${pid}`, async () => {
    const { body } = await hub.api("output", { pid, stream: "stdout" });
    return body.output?.[0];
  });
}

Deno.test("an autostarted server does not pass the environment of the call that started it", async () => {
  const target = { port: freePort(), dataDir: await Deno.makeTempDir({ prefix: "persistproc-" }) };
  const api = async (verb: string, args: unknown) => {
    // The token the autostarted server shares with the CLI, from the data dir.
    const token = (await Deno.readTextFile(join(target.dataDir, "token"))).trim();
    const response = await fetch(`http://127.0.0.1:${target.port}/api/hub/${verb}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(args),
    });
    return { status: response.status, body: await response.json() as any };
  };
  await using _server = {
    async [Symbol.asyncDispose]() {
      await cli(target, ["shutdown"]);
      await Deno.remove(target.dataDir, { recursive: true });
    },
  };
  try {
    // A start autostarts the server (a read-only command such as list would not).
    const listed = await cli(target, ["start", "true"], { DATABASE_URL: "prod" });
    assert.equal(listed.code, 0, listed.stderr);
    // The CLI's own call: exactly its caller's environment.
    const run = await cli(target, ["run", "sh", "-c", 'echo "db=[$DATABASE_URL] v=[$V]"'], {
      V: "mine",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "db=[] v=[mine]\n");
    // An agent's start: the server's clean baseline plus what it asks for.
    const started = await api("start", {
      command: PRINT,
      working_directory: target.dataDir,
      environment: { V: "agent" },
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(await firstLine({ api }, started.body.pid), "db=[] v=[agent] s=[]");
  } catch (error) {
    const log = await Deno.readTextFile(join(target.dataDir, "server.log")).catch(() => "");
    // deno-lint-ignore no-console
    console.error(`--- server.log ---\n${log}`);
    throw error;
  }
});

Deno.test("a restart under another server reuses exactly the environment the process started with", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const pids: number[] = [];
  try {
    await using first = await startHub([], { dataDir, env: { SERVER_VAR: "first" } });
    const started = await cli(first, ["start", "--label", "env", "sh", "-c", PRINT], { V: "one" });
    assert.equal(started.code, 0, started.stderr);
    const pid = (await first.api("list", {})).body.processes[0].pid;
    pids.push(pid);
    assert.equal(await firstLine(first, pid), "db=[] v=[one] s=[]");
    const state = Deno.statSync(join(dataDir, "state.json"));
    assert.equal(state.mode! & 0o077, 0, "state.json, holding environments, is owner-only");
    await first.crash();
    await using second = await startHub([], {
      dataDir,
      port: first.port,
      env: { SERVER_VAR: "second", V: "two" },
    });
    const restarted = await second.api("ctrl", { action: "restart", command_or_label: "env" });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    pids.push(restarted.body.pid);
    const lines = await waitFor("the restarted run's line", async () => {
      const { body } = await second.api("output", { pid: restarted.body.pid, stream: "stdout" });
      const printed = body.output.filter((line: string) => !line.startsWith("--- run "));
      return printed.length >= 2 && printed;
    });
    assert.deepEqual(lines, ["db=[] v=[one] s=[]", "db=[] v=[one] s=[]"]);
  } finally {
    pids.forEach(killGroup);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a bad variable name is refused clearly, and the state file keeps being saved", async () => {
  await using hub = await startHub(["--token", "s3cret"], { token: "s3cret" });
  for (const name of ["", "A=B", "A\u0000B"]) {
    const refused = await hub.api("ctrl", {
      action: "start",
      command_or_label: "sleep 60",
      working_directory: hub.dataDir,
      environment: { [name]: "x" },
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /Invalid environment variable name/);
  }
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: "sleep 60",
    working_directory: hub.dataDir,
    label: "after",
    environment: { PERSISTPROC_TOKEN: "s3cret", OK: "1" },
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const state = await Deno.readTextFile(join(hub.dataDir, "state.json"));
  assert.match(state, /"label":"after"/);
  assert.doesNotMatch(state, /s3cret/, "the token is never stored");
});

Deno.test({
  name:
    "a managed program does not inherit what the server inherited (a CI step's lock file, on fd 7 and fd 1500)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "persistproc-fd-" });
    const lock = join(dir, "step.lock");
    try {
      // As `flock step.lock persistproc serve` would: descriptor 7 is open on the lock file;
      // and as a shell that numbers its own from 1500 up would.
      await using hub = await startHub([], {
        program: [
          "bash",
          "-c",
          'exec 7>>"$0" 1500>>"$0"; exec "$@"',
          lock,
          Deno.execPath(),
          "run",
          "-A",
          SERVER_V8_FLAGS,
          MAIN,
        ],
      });
      const { pid: serverPid } = await (await hub.fetch("/api/health")).json();
      assert.equal(await Deno.readLink(`/proc/${serverPid}/fd/7`), lock, "the server has it");
      assert.equal(await Deno.readLink(`/proc/${serverPid}/fd/1500`), lock, "on 1500 too");
      const { body } = await hub.api("ctrl", {
        action: "start",
        command_or_label: "sleep 100",
        working_directory: dir,
      });
      const open = [];
      for await (const entry of Deno.readDir(`/proc/${body.pid}/fd`)) {
        open.push(await Deno.readLink(`/proc/${body.pid}/fd/${entry.name}`).catch(() => "?"));
      }
      assert.ok(!open.includes(lock), `the program holds ${open.join(", ")}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
