// deno-lint-ignore-file no-explicit-any
/**
 * Test helpers: a real persistproc server (main.ts serve) on a free port with a throwaway data
 * dir, disposable so it is shut down, with every process it started, even when a test fails.
 */
import { freePort } from "../src/core/_test_support.ts";
import { fileURLToPath } from "node:url";
import { SERVER_V8_FLAGS } from "../src/cli/permissions.ts";
import {
  Client,
  StreamableHTTPClientTransport,
  type VersionNegotiationMode,
} from "@modelcontextprotocol/client";

/** Absolute path of main.ts. */
export const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** Absolute path of the fixtures folder, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A running server under test. */
export interface TestHub {
  [Symbol.asyncDispose](): Promise<void>;
  port: number;
  dataDir: string;
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  base: string;
  /** The token the server requires (from its data dir unless given); undefined with --no-auth. */
  token: string | undefined;
  /** The Authorization header for the token, to spread into a request's headers. */
  auth: Record<string, string>;
  /** fetch() against the server with the token: `hub.fetch("/api/health")`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Everything the server printed so far. */
  output(): string;
  /** Kills the server with SIGKILL, as a crash would, leaving its children running. */
  crash(): Promise<void>;
  /** Settles when the server's process has ended, with how it ended. */
  ended: Promise<Deno.CommandStatus>;
  /**
   * Calls the JSON API's hub verb that a tool call (`ctrl`, `list`, `output`, with the tool's
   * arguments) maps to, and returns status and body: for ctrl the result with its `action`,
   * for list `{ processes }`, as the tools' records read.
   */
  api(tool: string, args: unknown): Promise<{ status: number; body: any }>;
}

/**
 * The hub verb a tool call maps to (`ctrl` by its action), its body, and how its answer reads
 * as the tool's record.
 */
function verbOfTool(tool: string, args: unknown) {
  const same = (answer: unknown) => answer;
  if (tool === "list") {
    return { verb: "list", body: args, shape: (processes: unknown) => ({ processes }) };
  }
  if (tool === "output") return { verb: "output", body: args, shape: same };
  if (tool !== "ctrl") throw new Error(`No tool "${tool}"`);
  // Not an object, or an action no verb has: sent to start as it is, which refuses it.
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return { verb: "start", body: args, shape: same };
  }
  const { action, ...rest } = args as Record<string, unknown>;
  const shape = (result: object) => ({ action, ...result });
  if (action === "stop" || action === "restart" || action === "adopt") {
    return { verb: action, body: rest, shape };
  }
  if (action !== "start") return { verb: "start", body: args, shape };
  const { command_or_label, ...request } = rest;
  const body = { command: command_or_label, working_directory: "", ...request };
  return { verb: "start", body, shape };
}

/** Finds a port nobody listens on right now. */
export { freePort };

/** A 2025-era `initialize` request from a client of this name and version. */
export function initializeRequest(name: string, version: string, protocolVersion = "2025-06-18") {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name, version } },
  };
}

/** SIGKILLs a process group, if it still exists: the cleanup of a test that started it. */
export function killGroup(pgid: number): void {
  try {
    Deno.kill(-pgid, "SIGKILL");
  } catch { /* already gone */ }
}

/** The process `list` shows under this label (or command), or undefined when there is none. */
export async function listedAs(hub: TestHub, label: string): Promise<any> {
  const { body } = await hub.api("list", { command_or_label: label });
  return body.processes[0];
}

/** Whether a process with this pid exists (a zombie counts): signalling a gone pid throws. */
export function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on the loopback port. */
export async function listens(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `<dataDir>/state.json` as a server saves it, with one record: a running program
 * logging to `<dataDir>/logs/old`, with `fields` over it. Returns the file's path.
 */
export function writeSavedRecord(dataDir: string, fields: Record<string, unknown>): string {
  const path = `${dataDir}/state.json`;
  const record = {
    label: "old server",
    command_line: "node server.js",
    argv: ["node", "server.js"],
    working_directory: dataDir,
    environment: {},
    autorestart: "no",
    pid: 999_999,
    pid_token: null,
    status: "running",
    start_time: "2026-01-01T00:00:00.000Z",
    end_time: null,
    exit_code: null,
    exit_signal: null,
    restarts: 0,
    log_dir: `${dataDir}/logs/old`,
    ...fields,
  };
  Deno.writeTextFileSync(path, JSON.stringify({ version: 1, processes: [record] }));
  return path;
}

/**
 * The events of a follow stream (`GET /api/hub/follow`), its backlog first, up to the
 * process's final exit (one no restart follows); the stream is then left. Lines are parsed
 * once it is over, so the reader keeps up with a flood as a plain read of the body would.
 */
export async function followedUntilExit(response: Response): Promise<any[]> {
  const rows: string[] = [];
  let rest = "";
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (let over = false; !over;) {
      const { value, done } = await reader.read();
      if (done) break;
      const lines = (rest + value).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        rows.push(line);
        over ||= line.startsWith('{"type":"exit"') && !JSON.parse(line).restarting;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return rows.filter(Boolean).flatMap((row) => {
    const record = JSON.parse(row);
    return record.type === "following" ? record.backlog : [record];
  });
}

/** Polls `probe` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  what: string,
  probe: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts `main.ts serve` (or `where.program`, e.g. a compiled binary, with `serve`) and waits
 * until it answers. `main.ts` runs with the V8 setting every installed server gets, so the
 * tests and the benchmarks see the server users run. Its token is `where.token` (pass it with `--token` in `extraArgs`), else
 * the one it creates in its data dir, or none with `--no-auth`.
 */
export async function startHub(
  extraArgs: string[] = [],
  where: {
    port?: number;
    dataDir?: string;
    program?: string[];
    token?: string;
    /** Variables added to the server's environment. */
    env?: Record<string, string>;
  } = {},
): Promise<TestHub> {
  const port = where.port ?? freePort();
  const dataDir = where.dataDir ?? await Deno.makeTempDir({ prefix: "persistproc-test-" });
  const [program, ...programArgs] = where.program ??
    [Deno.execPath(), "run", "-A", SERVER_V8_FLAGS, MAIN];
  const child = new Deno.Command(program, {
    args: [
      ...programArgs,
      "serve",
      "--quiet",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      ...extraArgs,
    ],
    env: where.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let printed = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) printed += decoder.decode(chunk, { stream: true });
  };
  const collecting = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const base = `http://127.0.0.1:${port}`;
  const auth: Record<string, string> = {};
  const api = async (tool: string, args: unknown) => {
    const { verb, body, shape } = verbOfTool(tool, args);
    const response = await fetch(`${base}/api/hub/${verb}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    return { status: response.status, body: response.ok ? shape(answer) : answer };
  };
  const hub: TestHub = {
    port,
    dataDir,
    base,
    token: undefined,
    auth,
    fetch: (path, init = {}) =>
      fetch(base + path, { ...init, headers: { ...auth, ...init.headers as object } }),
    output: () => printed,
    api,
    ended: child.status,
    async crash() {
      crashed = true;
      child.kill("SIGKILL");
      await child.status;
    },
    [Symbol.asyncDispose]() {
      return disposing ??= dispose();
    },
  };
  let disposing: Promise<void> | undefined;
  let crashed = false;
  async function dispose() {
    let pids: number[] = [];
    try {
      const { body } = await api("list", {});
      pids = body.processes.filter((p: any) => p.status === "running").map((p: any) => p.pid);
      const response = await fetch(`${base}/api/shutdown`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: "{}",
      });
      await response.body?.cancel();
    } catch { /* the server may already be gone */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = crashed || await Promise.race([
      child.status.then(() => true),
      new Promise<false>((r) => timer = setTimeout(() => r(false), 10_000)),
    ]);
    clearTimeout(timer);
    if (!exited) child.kill("SIGKILL");
    await child.status;
    for (const pid of pids) killGroup(pid); // a last resort: never leave a child behind
    await collecting;
    if (!where.dataDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  try {
    const noAuth = extraArgs.includes("--no-auth");
    await waitFor("the server to answer", async () => {
      const status = await Promise.race([child.status, Promise.resolve(null)]);
      if (status) throw new Error(`server exited early:\n${printed}`);
      const response = await fetch(`${base}/api/health`);
      await response.body?.cancel();
      return response.status === (noAuth ? 200 : 401);
    });
    if (!noAuth) {
      // Written before the server listens, owner-only; the CLI reads it the same way.
      hub.token = where.token ?? Deno.readTextFileSync(`${dataDir}/token`).trim();
      auth.authorization = `Bearer ${hub.token}`;
      const health = await fetch(`${base}/api/health`, { headers: auth });
      await health.body?.cancel();
      if (!health.ok) throw new Error(`health with the token answered ${health.status}`);
    }
  } catch (error) {
    await hub[Symbol.asyncDispose]();
    throw error;
  }
  return hub;
}

/**
 * Runs a test body with a fresh server; on failure prints what the server printed. The body
 * gets the test's context too, so steps share the one server. With `skipped`, the test is
 * ignored, its name saying why.
 */
export function hubTest(
  name: string,
  body: (hub: TestHub, t: Deno.TestContext) => Promise<void>,
  skipped: string | null = null,
): void {
  const ignore = skipped !== null;
  Deno.test({ name: ignore ? `${name} (skipped: ${skipped})` : name, ignore }, async (t) => {
    await using hub = await startHub();
    try {
      await body(hub, t);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(`--- server output (${name}) ---\n${hub.output()}`);
      throw error;
    }
  });
}

/** The protocol revision the test clients speak unless told otherwise. */
export const MODERN_PROTOCOL = "2026-07-28";

/** How {@link connectMcp} connects. */
export interface McpConnectOptions {
  /**
   * Version negotiation: pinned to 2026-07-28 (the default), `"auto"` (probe with
   * `server/discover`, fall back to `initialize`) or `"legacy"` (the 2025 handshake only).
   */
  mode?: VersionNegotiationMode;
  /** Endpoint path, `/mcp/` unless told otherwise. */
  path?: "/mcp" | "/mcp/";
  /**
   * The client's name and version: in each 2026-07-28 request's `_meta`, and in the
   * User-Agent header, where a 2025-era server learns who calls.
   */
  as?: { name: string; version: string };
  /** The User-Agent header, when it is not `name/version` (a runtime's, as many clients send). */
  userAgent?: string;
  /**
   * The client's user, when it has one: the client then declares elicitation and answers
   * each question with what this returns.
   */
  user?: (message: string) => { action: "accept" | "decline" | "cancel"; content?: object };
}

/**
 * An MCP client (SDK 2.x) connected to the server with its real Streamable HTTP transport,
 * sending the server's token.
 */
export async function connectMcp(
  hub: Pick<TestHub, "base" | "auth">,
  options: McpConnectOptions = {},
): Promise<Client & AsyncDisposable> {
  const as = options.as ?? { name: "persistproc-test", version: "0.0.0" };
  const client = new Client(as, {
    versionNegotiation: { mode: options.mode ?? { pin: MODERN_PROTOCOL } },
    ...(options.user ? { capabilities: { elicitation: { form: {} } } } : {}),
  });
  const user = options.user;
  if (user) {
    client.setRequestHandler(
      "elicitation/create",
      (request) => Promise.resolve(user((request.params as { message: string }).message) as never),
    );
  }
  const url = new URL(`${hub.base}${options.path ?? "/mcp/"}`);
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: {
        headers: { "user-agent": options.userAgent ?? `${as.name}/${as.version}`, ...hub.auth },
      },
    }),
  );
  return Object.assign(client, {
    async [Symbol.asyncDispose]() {
      await client.close();
    },
  });
}

/** The lines of an `output` tool result's structured content (its lines come as one text). */
export function linesOf(structured: any): string[] {
  return structured.output === "" ? [] : structured.output.split("\n");
}
