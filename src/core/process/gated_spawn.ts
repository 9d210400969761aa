/**
 * Spawning a managed program held back at a gate: the child reads one line from a pipe the
 * server writes once the state file names the child, then becomes the program (same pid). A
 * server killed before that closes the pipe, and the child exits without running anything, so
 * no SIGKILL of the server can leave a program running that no state file lists. Windows has
 * no /bin/sh and its children do not outlive the server: there the program runs at once.
 */

const GATE = 'IFS= read -r _ || exit 111; exec "$@" </dev/null';

/** What to spawn and how. */
interface SpawnPlan {
  argv: readonly string[];
  cwd: string;
  /** The whole environment: nothing of the server's is added. */
  env: Record<string, string>;
  /** Whether stdout and stderr are pipes to read (else they go where `argv` sends them). */
  piped: boolean;
}

/** A spawned child and its gate. */
export interface GatedChild {
  child: Deno.ChildProcess;
  /** Lets the program run; resolves once the gate is written. */
  open(): Promise<void>;
  /** Kills the child before its program ran. */
  abort(): void;
}

/**
 * Spawns `plan` in its own session and process group (so the whole tree can be signalled),
 * stdin `/dev/null`, held at the gate until `open()`.
 */
export function spawnGated(plan: SpawnPlan): GatedChild {
  const gated = Deno.build.os !== "windows";
  const argv = gated ? ["/bin/sh", "-c", GATE, "persistproc", ...plan.argv] : [...plan.argv];
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: plan.cwd,
    env: plan.env,
    clearEnv: true,
    stdin: gated ? "piped" : "null",
    stdout: plan.piped ? "piped" : "null",
    stderr: plan.piped ? "piped" : "null",
    detached: true,
  }).spawn();
  const gate = gated ? child.stdin.getWriter() : null;
  return {
    child,
    async open() {
      await gate?.write(new Uint8Array([10])).then(() => gate.close()).catch(() => {});
    },
    abort() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone already */ }
      gate?.close().catch(() => {});
    },
  };
}
