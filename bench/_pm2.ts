/**
 * The peer: pm2, installed from npm into a throwaway folder (never a project dependency), run
 * with its own PM2_HOME, and killed when the benchmark ends, however it ends.
 */
import { join } from "node:path";

/** The pm2 release compared against; pinned so runs stay comparable. */
export const PM2_SPEC = "pm2@7.0.4";

/** One program for {@link Pm2.time} to start and wait for. */
export interface Pm2Run {
  name: string;
  script: string;
  args: string[];
  /** Where pm2 writes the program's stdout and stderr. */
  out: string;
  err: string;
  /** Done once the files hold at least this many bytes. */
  outBytes: number;
  errBytes: number;
}

// Run by node: connects once, then for each program times pm2.start until its files are full.
const DRIVER = `
const [modulePath, json] = process.argv.slice(1);
const pm2 = require(modulePath);
const fs = require("fs");
const size = (path) => { try { return fs.statSync(path).size; } catch { return 0; } };
const call = (fn, ...args) => new Promise((ok, fail) => fn.call(pm2, ...args, (e, r) => e ? fail(e) : ok(r)));
(async () => {
  await call(pm2.connect);
  const times = [];
  for (const run of JSON.parse(json)) {
    const start = performance.now();
    await call(pm2.start, { name: run.name, script: run.script, args: run.args,
      interpreter: "none", autorestart: false, output: run.out, error: run.err });
    // Done when the files are full, or (output lost) when the program has ended and the files
    // have not grown for a while; the time is that of the last growth.
    let last = -1, grewAt = performance.now();
    for (let polls = 1; ; polls++) {
      const now = size(run.out) + size(run.err);
      if (now !== last) [last, grewAt] = [now, performance.now()];
      if (size(run.out) >= run.outBytes && size(run.err) >= run.errBytes) break;
      if (polls % 50 === 0 && performance.now() - grewAt > 500) {
        const [app] = await call(pm2.describe, run.name);
        if (app?.pm2_env?.status !== "online") break;
      }
      await new Promise((ok) => setTimeout(ok, 2));
    }
    times.push(grewAt - start);
    await call(pm2.delete, run.name);
  }
  process.stdout.write(JSON.stringify(times));
  pm2.disconnect();
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** A private pm2; dispose of it to kill its daemon and remove its files. */
export class Pm2 {
  readonly dir: string;
  readonly home: string;
  readonly version: string;
  readonly #module: string;

  private constructor(dir: string, version: string) {
    this.dir = dir;
    this.home = join(dir, "home");
    this.version = version;
    this.#module = join(dir, "node_modules", "pm2");
  }

  /** Installs pm2 into `dir` with npm (`npm i --prefix dir`). */
  static async install(dir: string): Promise<Pm2> {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "package.json"), '{ "private": true }\n');
    await run("npm", [
      "i",
      "--prefix",
      dir,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      PM2_SPEC,
    ], {
      cwd: dir,
    });
    const pkg = JSON.parse(await Deno.readTextFile(join(dir, "node_modules/pm2/package.json")));
    return new Pm2(dir, pkg.version);
  }

  /** The argv of the pm2 command line. */
  command(args: string[]): string[] {
    return ["node", join(this.#module, "bin", "pm2"), ...args];
  }

  /** Runs the pm2 command line (starting the daemon if it is not running); returns stdout. */
  cli(args: string[]): Promise<string> {
    const [program, ...rest] = this.command(args);
    return run(program, rest, { env: this.env });
  }

  /** The environment pm2 runs in: its own home, so the user's pm2 is never touched. */
  get env(): Record<string, string> {
    return { PM2_HOME: this.home };
  }

  /** The daemon's pid, from its pid file. */
  async daemonPid(): Promise<number> {
    return Number((await Deno.readTextFile(join(this.home, "pm2.pid"))).trim());
  }

  /** Starts each program through pm2's API (already connected) and times it until its output is
   * stored; see DRIVER. */
  async time(runs: Pm2Run[]): Promise<number[]> {
    return JSON.parse(
      await run("node", ["-e", DRIVER, this.#module, JSON.stringify(runs)], {
        env: this.env,
      }),
    );
  }

  /** Starts `count` `sleep 1000` processes named `<prefix>-<i>` from one ecosystem file. */
  async startSleepers(count: number, prefix: string, dir: string): Promise<void> {
    const apps = Array.from({ length: count }, (_, i) => ({
      name: `${prefix}-${i}`,
      script: "sleep",
      args: ["1000"],
      interpreter: "none",
      autorestart: false,
    }));
    const ecosystem = join(dir, `${prefix}.ecosystem.json`);
    await Deno.writeTextFile(ecosystem, JSON.stringify({ apps }));
    await this.cli(["start", ecosystem]);
  }

  /** Kills the daemon and every program it runs, then removes the folder. */
  async [Symbol.asyncDispose](): Promise<void> {
    const pid = await this.daemonPid().catch(() => 0);
    await this.cli(["kill"]).catch(() => {});
    if (pid > 0) {
      try {
        Deno.kill(pid, "SIGKILL"); // only if `pm2 kill` left it behind
      } catch { /* gone, as it should be */ }
    }
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

async function run(
  program: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await new Deno.Command(program, {
    args,
    ...options,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!result.success) {
    throw new Error(
      `${program} ${args[0]} failed (${result.code}): ${decoder.decode(result.stderr).trim()}`,
    );
  }
  return decoder.decode(result.stdout);
}
