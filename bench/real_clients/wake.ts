/**
 * The wake scenario: does a real client wake its model when a process it started crashes? Per
 * client, a fresh server, the stand-in model of wake_stand_in.ts, and the client once, either
 * non-interactively (`-p`, `exec`) or interactively in a private tmux server. The model starts
 * `node crash.mjs` (label "api", which exits 1 about ten seconds later), arms the client's waker
 * with the command the server's MCP instructions give, and ends its turn; the report says whether
 * a later request reached the model, how long after the crash, and the exact text it carried.
 * See README.md beside this file. Not part of the test suite.
 *
 *   deno run -A bench/real_clients/wake.ts --clients <dir>
 *     [--only claude-monitor,claude-bash,gemini,codex] [--interactive] [--crash-after MS]
 *     [--keep] [--out wake.json]
 */
import { parseArgs } from "node:util";
import { SERVER_V8_FLAGS } from "../../src/cli/permissions.ts";
import { MAIN, startHub } from "../../tests/_hub.ts";
import { PROMPT, wakeClients } from "./wake_clients.ts";
import { WakeStandIn } from "./wake_stand_in.ts";
import { report, type WakeRun } from "./wake_report.ts";

/** The program the model starts: up, then a crash with a line on stderr after `ms` (10 s unless
 * `--crash-after` says); it notes the crash's time in `crashed_at`, to measure from. */
const crashMjs = (ms: number) =>
  `import { writeFileSync } from "node:fs";
console.log("listening on http://127.0.0.1:3000");
setTimeout(() => {
  writeFileSync("crashed_at", String(Date.now()));
  console.error("Error: listen EADDRINUSE :3000");
  process.exit(1);
}, ${ms});
`;

/** How long to wait, after the crash, for a client to wake its model. */
const HEAR_WITHIN_MS = 120_000;

/** A `persistproc` on PATH for the client's shell: this checkout's main.ts, with the usual cache. */
function persistprocOnPath(home: string): string {
  const bin = `${home}/bin`;
  Deno.mkdirSync(bin, { recursive: true });
  const denoDir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
  Deno.writeTextFileSync(
    `${bin}/persistproc`,
    `#!/bin/sh\nDENO_DIR='${denoDir}' exec '${Deno.execPath()}' run -A --quiet ${SERVER_V8_FLAGS} '${MAIN}' "$@"\n`,
    { mode: 0o755 },
  );
  // A login shell (Codex's) resets PATH from /etc/profile, then reads these.
  for (const profile of [".profile", ".bash_profile"]) {
    Deno.writeTextFileSync(`${home}/${profile}`, `export PATH='${bin}':"$PATH"\n`);
  }
  return bin;
}

async function runOne(
  target: string,
  dir: string,
  interactive: boolean,
  crashAfter: number,
  keep = false,
): Promise<WakeRun> {
  const client = wakeClients[target];
  if (!client) throw new TypeError(`No wake target "${target}"`);
  const [vProgram, ...vArgs] = client.version(dir);
  const version = new TextDecoder().decode(
    (await new Deno.Command(vProgram, { args: vArgs, stderr: "null" }).output()).stdout,
  ).trim();
  const folder = Deno.realPathSync(await Deno.makeTempDir({ prefix: "wake-work-" }));
  const home = Deno.realPathSync(await Deno.makeTempDir({ prefix: "wake-home-" }));
  Deno.writeTextFileSync(`${folder}/crash.mjs`, crashMjs(crashAfter));
  await using hub = await startHub([]);
  const cli = `persistproc --port ${hub.port} --data-dir ${hub.dataDir}`;
  const standIn = new WakeStandIn(folder, client.waker, cli);
  await using model = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, standIn.handle);
  const { argv, env } = client.setup({
    dir,
    home,
    folder,
    hub,
    interactive,
    model: `http://127.0.0.1:${model.addr.port}`,
  });
  const fullEnv: Record<string, string> = {
    ...env,
    HOME: home,
    NO_COLOR: "1",
    PATH: `${persistprocOnPath(home)}:${Deno.env.get("PATH")}`,
  };
  const socket = `wake21-${crypto.randomUUID().slice(0, 8)}`;
  let clientExit = "running at the deadline (killed)";
  let screen: string | undefined;
  const crashedAt = () => {
    try {
      return Number(Deno.readTextFileSync(`${folder}/crashed_at`));
    } catch {
      return undefined;
    }
  };
  const heardOrLate = () => {
    const at = crashedAt();
    if (at === undefined) return false;
    if (Date.now() > at + HEAR_WITHIN_MS) return true;
    // A few seconds past the first wake, to see what else arrives.
    const woke = standIn.requests.find((r) => r.at > at);
    return woke !== undefined && Date.now() > woke.at + 5_000;
  };
  const deadline = Date.now() + crashAfter + HEAR_WITHIN_MS + 90_000;
  try {
    if (interactive) {
      // Through env(1): tmux's own -e does not override PATH (it keeps its client's).
      const envArgs = Object.entries(fullEnv).map(([k, v]) => `${k}=${v}`);
      await run(
        "tmux",
        ["-L", socket, "new-session", "-d", "-s", "wake", "-x", "200", "-y", "50"]
          .concat("-c", folder, "--", "env", ...envArgs, ...argv),
      );
      // Typed once the client is up, and again while it asks its model before its MCP servers
      // are connected (a prompt on the command line would go before them).
      await delay(8_000);
      for (let typed = 0; typed < 4 && standIn.requests.length === 0; typed++) {
        const early = standIn.beforeMcp;
        await run("tmux", ["-L", socket, "send-keys", "-t", "wake", "-l", PROMPT]);
        await delay(500);
        await run("tmux", ["-L", socket, "send-keys", "-t", "wake", "Enter"]);
        const until = Date.now() + 15_000;
        while (!standIn.requests.length && standIn.beforeMcp === early && Date.now() < until) {
          await delay(250);
        }
        await delay(3_000);
      }
      while (!heardOrLate() && Date.now() < deadline) await delay(250);
      screen = await run("tmux", ["-L", socket, "capture-pane", "-p", "-t", "wake"]);
    } else {
      const child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: folder,
        env: fullEnv,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const output = child.output();
      let done = false;
      output.then(() => done = true, () => done = true);
      while (!done && !heardOrLate() && Date.now() < deadline) await delay(250);
      // Its npm wrapper's child (Claude Code's native binary) holds the pipes too: kill the tree.
      if (!done) await killTree(child.pid);
      const out = await output;
      if (done) clientExit = `exited ${out.code} at +${msAfter(crashedAt(), Date.now())}`;
      screen = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    }
  } finally {
    if (interactive) {
      // The client outlives a hang-up (Gemini CLI does): kill its tree, then the tmux server.
      const pane = await run("tmux", ["-L", socket, "display", "-p", "-t", "wake", "#{pane_pid}"])
        .catch(() => "");
      if (Number(pane)) await killTree(Number(pane));
      await run("tmux", ["-L", socket, "kill-server"]).catch(() => "");
    }
  }
  const leftRunning = await killLeftovers([hub.dataDir, home]);
  const at = crashedAt();
  const armed = standIn.armed;
  const result: WakeRun = {
    target,
    version,
    interactive,
    armedWith: armed?.args,
    cliFrom: armed?.cliFrom,
    armedBeforeCrashMs: armed && at ? at - armed.at : undefined,
    wakerDefinition: standIn.wakerDefinition,
    toolNames: standIn.toolNames,
    instructions: standIn.instructions,
    after: standIn.requests.filter((r) => at !== undefined && r.at > at).map((r) => ({
      ms: r.at - at!,
      last: r.last,
      crashTexts: r.crashTexts,
    })),
    before: standIn.requests.filter((r) => at === undefined || r.at <= at).map((r) => r.last),
    clientExit,
    leftRunning,
    screen,
    side: standIn.side,
  };
  if (keep) Deno.stderr.writeSync(new TextEncoder().encode(`kept ${home} and ${folder}\n`));
  else {
    await Deno.remove(home, { recursive: true }).catch(() => {});
    await Deno.remove(folder, { recursive: true }).catch(() => {});
    // Claude Code keeps its background tasks' output under /tmp/claude-UID/<folder, dashed>.
    const tasks = `/tmp/claude-${Deno.uid()}/${folder.replaceAll("/", "-")}`;
    await Deno.remove(tasks, { recursive: true }).catch(() => {});
  }
  return result;
}

function msAfter(at: number | undefined, now: number): string {
  return at === undefined ? "(before the crash)" : `${now - at} ms after the crash`;
}

/** Kills (by pid) what still runs with one of `marks` (the server's data dir, the client's home)
 * in its command line, but the server, and says what: a follower or daemon the client left. */
async function killLeftovers(marks: string[]): Promise<string[]> {
  const ps = await run("ps", ["-eo", "pid=,args="]);
  const left = ps.split("\n").filter((line) =>
    marks.some((mark) => line.includes(mark)) && !line.includes(" serve ") &&
    !line.includes("ps -eo")
  );
  for (const line of left) {
    try {
      Deno.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
    } catch { /* already gone */ }
  }
  return left.map((line) => line.trim().replace(/^\d+\s+/, "").slice(0, 200));
}

/** Kills a process and every descendant (by pid), children first found, then all at once. */
async function killTree(pid: number): Promise<void> {
  const rows = (await run("ps", ["-eo", "pid=,ppid="])).trim().split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of rows) if (parent === tree[i]) tree.push(child);
  }
  for (const member of tree) {
    try {
      Deno.kill(member, "SIGKILL");
    } catch { /* already gone */ }
  }
}

async function run(program: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${program} ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      clients: { type: "string" },
      only: { type: "string", default: "claude-monitor,claude-bash,gemini,codex" },
      interactive: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      "crash-after": { type: "string", default: "10000" },
      out: { type: "string" },
    },
  });
  if (!values.clients) throw new TypeError("--clients <dir> is required (see README.md)");
  const runs: WakeRun[] = [];
  for (const target of values.only.split(",")) {
    const result = await runOne(
      target,
      values.clients,
      values.interactive,
      Number(values["crash-after"]),
      values.keep,
    );
    runs.push(result);
    Deno.stdout.writeSync(new TextEncoder().encode(`\n${report(result)}\n`));
    if (values.out) Deno.writeTextFileSync(values.out, JSON.stringify(runs, null, 2));
  }
}
