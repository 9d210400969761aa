/**
 * What the dashboard's browser tests share: a real hub in a subprocess on a free port with a
 * throwaway data dir, Debian's Chromium driven by playwright-core, and waiting with deadlines.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. */
export const browserMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing (install it with: apt-get install -y chromium)`;

/** The folder of the tests' tiny child programs. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url)).replace(/\/$/, "");

const HUB_SCRIPT = fileURLToPath(new URL("./fixtures/hub.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Polls `condition` until it holds; throws, naming what was awaited, after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A hub running in a subprocess; disposing it shuts it down and removes its data. */
export interface TestHub extends AsyncDisposable {
  base: string;
  dataDir: string;
  /** What the server has printed so far, for failure reports. */
  output(): string;
  /** Calls a tool of the JSON API the way the CLI does. */
  tool(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts the real server on a free port with a fresh data dir and waits until it answers. */
export async function startHub(): Promise<TestHub> {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-dashboard-" });
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", HUB_SCRIPT, String(port), dataDir],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const drain = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }));
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.finally(() => exited = true);

  const hub: TestHub = {
    base,
    dataDir,
    output: () => output,
    async tool(name, args) {
      const response = await fetch(`${base}/api/tools/${name}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(args),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${name} failed: ${JSON.stringify(body)}`);
      return body;
    },
    async [Symbol.asyncDispose]() {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => exited || child.kill("SIGKILL"), 10_000);
      await status;
      clearTimeout(timer);
      await drained.catch(() => {});
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  try {
    await waitFor("the server to answer /api/health", async () => {
      if (exited) throw new Error(`The server exited early:\n${output}`);
      try {
        const response = await fetch(`${base}/api/health`);
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    }, 30_000);
  } catch (error) {
    await hub[Symbol.asyncDispose]();
    throw error;
  }
  return hub;
}

/** Runs `body`; when it fails, prints the server's output before rethrowing. */
export async function reportingHub<T>(hub: TestHub, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}--- end of server output ---`);
    throw error;
  }
}

/** Launches headless Chromium with a fresh profile; disposing it closes the browser. */
export async function openBrowser(extraArgs: string[] = []): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}
