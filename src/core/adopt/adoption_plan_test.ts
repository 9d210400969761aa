import assert from "node:assert/strict";
import { tempSupervisor, until } from "../_test_support.ts";
import { CannotAdoptError } from "../errors.ts";
import { processDetails } from "../system/process_details.ts";
import { defaultLabel } from "../supervisor/_new_process.ts";
import type { StartRequest } from "../types.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import { describePlan, prepareAdoption } from "./adoption_plan.ts";

/**
 * What a plan asks of the Supervisor's inside, for a test that forces the way a process is
 * read (the adopt verb always reads it the platform's way): no managed process, default labels.
 */
const NOTHING_MANAGED = {
  specOf: (request: StartRequest) =>
    Promise.resolve({
      label: defaultLabel(request, request.working_directory),
      working_directory: request.working_directory,
    }),
  records: () => [],
  treeMembers: () => [],
} as unknown as Supervision;

/**
 * A sleeping Python started outside this process's tree (its shell parent exits at once, so
 * it is orphaned): a child of the test would be refused as one the server started.
 */
async function outsider() {
  const dir = Deno.realPathSync(await Deno.makeTempDir({ prefix: "persistproc-plan-" }));
  const { stdout } = await new Deno.Command("sh", {
    args: ["-c", 'python3 -c "import time; time.sleep(30)" </dev/null >/dev/null 2>&1 & echo $!'],
    cwd: dir,
    env: { PLAN_MARKER: "1" },
  }).output();
  const pid = Number(new TextDecoder().decode(stdout).trim());
  // A python3 on PATH may be a shim that execs the real one: wait for that.
  await until("python to run", () => processDetails(pid)?.argv?.length === 3);
  return {
    pid,
    dir,
    async [Symbol.asyncDispose]() {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
      await until("python to end", () => processDetails(pid) === null);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test({
  name: "prepareAdoption plans the same run from /proc and, forced, from ps and lsof",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using outside = await outsider();
    const proc = await prepareAdoption(NOTHING_MANAGED, { pid: outside.pid });
    assert.equal(proc.plan.pid, outside.pid);
    assert.match(proc.plan.command, /-c 'import time; time\.sleep\(30\)'$/);
    assert.equal(proc.plan.working_directory, outside.dir);
    assert.equal(proc.plan.label, `${proc.plan.command} in ${outside.dir}`);
    assert.equal(proc.environment?.PLAN_MARKER, "1");
    assert.deepEqual(proc.plan.limits, []);
    assert.equal(proc.plan.terminal, null);
    const ps = await prepareAdoption(NOTHING_MANAGED, { pid: outside.pid }, "ps");
    assert.match(ps.plan.command, /-c import time; time\.sleep\(30\)$/);
    assert.equal(ps.plan.working_directory, outside.dir);
    assert.equal(ps.environment?.PLAN_MARKER, "1");
    // What ps cannot tell is said, as the plan every door shows: "note: ..." lines.
    assert.deepEqual(ps.plan.limits, [
      "ps joins its arguments with spaces: an argument holding a space is split",
      "ps shows the environment on one line: a value holding ' NAME=' is cut",
    ]);
  },
});

Deno.test("prepareAdoption refuses PID 1, the server itself, its parent and a managed process", async () => {
  await using sup = await tempSupervisor();
  const refused = (pid: number, pattern: RegExp) =>
    assert.rejects(sup.adopt({ pid }), (error: Error) => {
      assert.ok(error instanceof CannotAdoptError, String(error));
      assert.match(error.message, pattern);
      return true;
    });
  await refused(1, /PID 1: it is the system's init process/);
  await refused(Deno.pid, /it is the persistproc server itself/);
  const parent = processDetails(Deno.pid)!.ppid;
  if (parent > 1) await refused(parent, /the persistproc server runs inside it/);
  const managed = await sup.start({ command: "sleep 30", working_directory: sup.dir, label: "m" });
  await refused(managed.pid, /already managed as "m": restart it instead/);
  await assert.rejects(sup.adopt({}), /adopt takes either a pid or a port/);
  await assert.rejects(sup.adopt({ port: 70_000 }), /Invalid port 70000/);
});

Deno.test({
  name: "prepareAdoption refuses a process whose launcher also runs the server",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // `sh -c "persistproc serve & vite"`: adopting vite would climb to the sh and stop its
    // whole tree, the server with it. A Deno in the server's place plans the sleep beside it.
    const plan = new URL("./adoption_plan.ts", import.meta.url).href;
    const server = `
      const { prepareAdoption } = await import(${JSON.stringify(plan)});
      const core = { records: () => [], treeMembers: () => [], specOf: () => { throw new Error("planned"); } };
      await prepareAdoption(core, { pid: Number(Deno.args[0]) }).then(
        () => console.log("planned"),
        (error) => console.log(error.message),
      );`;
    const child = new Deno.Command("sh", {
      args: ["-c", 'sleep 30 & "$0" eval "$1" "$!"; kill $!', Deno.execPath(), server],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const { stdout } = await child.output();
    assert.match(
      new TextDecoder().decode(stdout),
      /^Cannot adopt PID \d+: the persistproc server runs inside it$/m,
    );
  },
});

/**
 * Asserts that adopting `argv`, run as a child of this process (the server here), is refused
 * with `why`, once `ready` holds of it.
 */
async function assertRefused(
  argv: string[],
  why: string,
  ready: (pid: number) => boolean = () => true,
): Promise<void> {
  await using sup = await tempSupervisor();
  const child = new Deno.Command(argv[0], { args: argv.slice(1), stdin: "null" }).spawn();
  try {
    await until(`${argv.join(" ")} to run`, () => ready(child.pid));
    await assert.rejects(
      sup.adopt({ pid: child.pid }),
      new RegExp(`^CannotAdoptError: Cannot adopt PID ${child.pid}: ${why}$`),
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

Deno.test("prepareAdoption refuses a process the server started that it does not manage", async () => {
  await assertRefused(["sleep", "30"], "the persistproc server started it");
});

Deno.test({
  name: "prepareAdoption refuses another user's process",
  // Only root can start a process as another user; setpriv is util-linux's.
  ignore: Deno.build.os !== "linux" || Deno.uid() !== 0,
  async fn() {
    await assertRefused(
      ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "30"],
      "it belongs to another user",
      (pid) => processDetails(pid)?.uid === 65534,
    );
  },
});

Deno.test("describePlan says what is stopped and run, who will see it end, and what could not be read", () => {
  const text = describePlan({
    pid: 40,
    named_pid: 42,
    command: "npm run dev",
    working_directory: "/src/app",
    label: "npm run dev",
    environment_variables: null,
    ports: [5173],
    wait_for_port: 5173,
    terminal: "PID 39 zsh in a terminal",
    limits: [
      "its environment cannot be read",
      "it would run with the server's environment instead",
    ],
  });
  assert.equal(
    text,
    'stop PID 40 (launcher of PID 42) and its whole tree, then run "npm run dev" in /src/app under persistproc as "npm run dev", waiting for port 5173\n' +
      "it was started from PID 39 zsh in a terminal, which will see it end\n" +
      "note: its environment cannot be read\n" +
      "note: it would run with the server's environment instead",
  );
});
