/**
 * Test helpers for the CLI: run `main.ts` as a user would, either to completion or as a
 * long-running follower to signal, and inside tmux when it needs a terminal. Every process
 * they start is disposable.
 */
import { fileURLToPath } from "node:url";
import { quoteArg } from "../src/core/process/shell_quote.ts";
import { MAIN, waitFor } from "./_hub.ts";

/** The repository root: the CLI runs here, so fixtures are `tests/fixtures/...`. */
export const REPO = fileURLToPath(new URL("../", import.meta.url));

/** Where the CLI finds its server. */
export interface CliTarget {
  port: number;
  dataDir: string;
}

/** How a CLI run ended and what it printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment that points the CLI at `hub`, without colour. */
function cliEnv(hub: CliTarget): Record<string, string> {
  return {
    PERSISTPROC_PORT: String(hub.port),
    PERSISTPROC_DATA_DIR: hub.dataDir,
    NO_COLOR: "1",
  };
}

/** Where and how a long-running CLI runs: the repository root unless `cwd` says otherwise. */
export interface CliOptions {
  cwd?: string;
  /** Variables added to the CLI's environment. */
  env?: Record<string, string>;
  /**
   * A program that runs the CLI, with its arguments (`["timeout", "30"]`); it must pass
   * SIGTERM on, which disposal sends before SIGKILL.
   */
  runner?: string[];
}

/**
 * Runs `persistproc ARGS...` from `cwd` (the repository root unless told) until it exits (at
 * most 60 s), with the test's environment plus `env`.
 */
export async function cli(
  hub: CliTarget,
  args: string[],
  env: Record<string, string> = {},
  cwd = REPO,
): Promise<CliResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 60_000);
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...args],
      cwd,
      env: { ...cliEnv(hub), ...env },
      stdin: "null",
      signal: abort.signal,
    }).output();
    const decoder = new TextDecoder();
    return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** A CLI run that keeps going (following a process): watch its output, signal it. */
export class CliProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #collecting: Promise<unknown>;
  readonly #runner: boolean;
  #stdout = "";
  #stderr = "";

  /** Starts `persistproc ARGS...` without a terminal (stdin is /dev/null). */
  constructor(hub: CliTarget, args: string[], options: CliOptions = {}) {
    const [program, ...before] = [...options.runner ?? [], Deno.execPath()];
    this.#runner = options.runner !== undefined;
    this.#child = new Deno.Command(program, {
      args: [...before, "run", "-A", MAIN, ...args],
      cwd: options.cwd ?? REPO,
      env: { ...cliEnv(hub), ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>, into: "out" | "err") => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        if (into === "out") this.#stdout += text;
        else this.#stderr += text;
      }
    };
    this.#collecting = Promise.all([
      collect(this.#child.stdout, "out"),
      collect(this.#child.stderr, "err"),
    ]);
  }

  /** Waits until stdout or stderr matches `pattern`; returns the match. */
  waitForOutput(pattern: RegExp, stream: "stdout" | "stderr"): Promise<RegExpExecArray> {
    return waitFor(
      `${stream} to match ${pattern}; so far:\n${this.#stdout}\n${this.#stderr}`,
      () => pattern.exec(stream === "stdout" ? this.#stdout : this.#stderr),
    );
  }

  /** Sends a signal to the CLI. */
  kill(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** Waits for the CLI to exit (at most 20 s) and returns how it ended. */
  async result(): Promise<CliResult> {
    let exited: Deno.CommandStatus | undefined;
    this.#child.status.then((status) => exited = status);
    const status = await waitFor(
      `the CLI to exit; so far:\n${this.#stdout}\n${this.#stderr}`,
      () => exited,
      20_000,
    );
    await this.#collecting;
    return { code: status.code, stdout: this.#stdout, stderr: this.#stderr };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#runner) {
      // SIGKILL would end the runner only, leaving the CLI under it running: it passes SIGTERM on.
      try {
        this.#child.kill("SIGTERM");
      } catch { /* it has exited, as it should have */ }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#child.status,
        new Promise((resolve) => timer = setTimeout(resolve, 5_000)),
      ]);
      clearTimeout(timer);
    }
    try {
      this.#child.kill("SIGKILL");
    } catch { /* it has exited, as it should have */ }
    await this.#child.status;
    await this.#collecting;
  }
}

/** Whether tmux can be run here. */
export async function hasTmux(): Promise<boolean> {
  try {
    return (await new Deno.Command("tmux", { args: ["-V"] }).output()).success;
  } catch {
    return false;
  }
}

/**
 * The CLI in a tmux session on its own tmux server, so that it has a real terminal. The
 * pane's shell prints `[exit N]` when the CLI ends and then waits, keeping the screen.
 */
export class TmuxSession implements AsyncDisposable {
  readonly #socket = `persistproc-test-${crypto.randomUUID().slice(0, 8)}`;

  /** Starts `persistproc --port P --data-dir D ARGS...` in a new session. */
  static async start(
    hub: CliTarget,
    args: string[],
    options: CliOptions = {},
  ): Promise<TmuxSession> {
    const session = new TmuxSession();
    const argv = [Deno.execPath(), "run", "-A", MAIN, "--port", String(hub.port)];
    argv.push("--data-dir", hub.dataDir, ...args);
    const script = `${argv.map(quoteArg).join(" ")}; echo "[exit $?]"; sleep 600`;
    const cwd = options.cwd ?? REPO;
    await session.#tmux(
      ["new-session", "-d", "-s", "cli", "-x", "200", "-y", "50", "-c", cwd, script],
    );
    return session;
  }

  /**
   * An interactive bash (no profile, no rc) in `cwd`, in a new session, for a test to type
   * commands into as a person would (see typeLine).
   */
  static async shell(cwd: string): Promise<TmuxSession> {
    const session = new TmuxSession();
    const shell = "exec bash --noprofile --norc";
    await session.#tmux([
      "new-session",
      "-d",
      "-s",
      "cli",
      "-x",
      "200",
      "-y",
      "50",
      "-c",
      cwd,
      shell,
    ]);
    return session;
  }

  /** Types a line and presses Enter. */
  async typeLine(text: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", "cli", "-l", text]);
    await this.sendKeys("Enter");
  }

  /** The pane's text, scrollback included. */
  screen(): Promise<string> {
    return this.#tmux(["capture-pane", "-p", "-J", "-S", "-1000", "-t", "cli"]);
  }

  /** Presses keys, in tmux's names (`C-c`, `Enter`, `y`). */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.#tmux(["send-keys", "-t", "cli", ...keys]);
  }

  /** Waits until the screen matches `pattern` (for up to `timeoutMs`); returns the match. */
  async waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray> {
    let last = "";
    try {
      return await waitFor(`the screen to match ${pattern}`, async () => {
        last = await this.screen();
        return pattern.exec(last);
      }, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen:\n${last}`);
    }
  }

  async #tmux(args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, "-f", "/dev/null", ...args],
      env: { TERM: "xterm-256color" },
      stdin: "null",
    }).output();
    const decoder = new TextDecoder();
    if (!output.success) {
      throw new Error(`tmux ${args[0]} failed: ${decoder.decode(output.stderr)}`);
    }
    return decoder.decode(output.stdout);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#tmux(["kill-server"]).catch(() => {});
  }
}
