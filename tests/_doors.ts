// deno-lint-ignore-file no-explicit-any
/**
 * The three doors a user reaches persistproc through, so an end-to-end test runs one check
 * through each: an MCP client of the SDK's 2.x line (2026-07-28, as Claude Code speaks), one
 * of its 1.x line (the 2025 handshake, as Gemini CLI and Codex speak) and the CLI. A door
 * answers in what its user reads: the words, the pid acted on, an output page's lines.
 */
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { cli, REPO } from "./_cli.ts";
import { connectMcp, linesOf, type TestHub } from "./_hub.ts";

/** What both SDK lines' clients offer: call a tool, list the tools. */
export interface AnyClient {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  listTools(): Promise<{ tools: { name: string; outputSchema?: unknown }[] }>;
}

/** How {@link connectLegacyMcp} connects. */
export interface LegacyConnectOptions {
  /** Endpoint path, `/mcp` unless told otherwise. */
  path?: "/mcp" | "/mcp/";
  /** The name and version its `initialize` gives. */
  as?: { name: string; version: string };
  /** The User-Agent header, when the client sends one of its runtime's (`node`). */
  userAgent?: string;
}

/** An MCP client of the SDK's 1.x line on its own handshake (2025-11-25), disposable. */
export async function connectLegacyMcp(
  hub: Pick<TestHub, "base" | "auth">,
  options: LegacyConnectOptions = {},
): Promise<LegacyClient & AsyncDisposable> {
  const client = new LegacyClient(options.as ?? { name: "persistproc-test-1x", version: "0.0.0" });
  const headers = {
    ...hub.auth,
    ...(options.userAgent ? { "user-agent": options.userAgent } : {}),
  };
  await client.connect(
    new LegacyTransport(new URL(`${hub.base}${options.path ?? "/mcp"}`), {
      requestInit: { headers },
    }),
  );
  return Object.assign(client, {
    async [Symbol.asyncDispose]() {
      await client.close();
    },
  });
}

/** The two MCP clients, by the name a failing assertion shows. */
export const MCP_CLIENTS = ["MCP 2.x", "MCP 1.x"] as const;

/** Connects the MCP client `name` names (one of {@link MCP_CLIENTS}) to `hub`. */
export function connectAs(
  hub: Pick<TestHub, "base" | "auth">,
  name: typeof MCP_CLIENTS[number],
): Promise<AnyClient & AsyncDisposable> {
  return name === "MCP 2.x" ? connectMcp(hub) : connectLegacyMcp(hub);
}

/** Runs `body` once with each MCP client connected to `hub`, the 2.x one first. */
export async function forEachMcpClient(
  hub: Pick<TestHub, "base" | "auth">,
  body: (client: AnyClient, name: typeof MCP_CLIENTS[number]) => Promise<void>,
): Promise<void> {
  for (const name of MCP_CLIENTS) {
    await using client = await connectAs(hub, name);
    await body(client, name);
  }
}

/** A tool's result as a test reads it. */
export interface ToolAnswer {
  isError: boolean;
  /** The text content, which a client such as Gemini CLI gives its model. */
  text: string;
  /** The structured content, which Claude Code and Codex give their model. */
  structured: any;
}

/** Calls a tool and answers its result as a test reads it. */
export async function callTool(
  client: AnyClient,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args }) as any;
  return {
    isError: result.isError === true,
    text: result.content.map((c: { text: string }) => c.text).join("\n"),
    structured: result.structuredContent,
  };
}

/** What a door answered, as its user reads it. */
export interface DoorAnswer {
  ok: boolean;
  /** Everything the user reads: the tool's text, or what the CLI printed on stdout and stderr. */
  text: string;
  /** The process acted on (for a restart, its new run), when the door said it. */
  pid?: number;
  /** For output: the lines read. */
  lines: string[];
}

/** How a door's start runs: where, and the few start options the tests use. */
export interface DoorStart {
  cwd: string;
  label?: string;
  assign_port?: string;
  wait_for_port?: number;
}

/** One door, with the verbs the tests drive through it in that door's own words. */
export interface Door {
  readonly name: typeof MCP_CLIENTS[number] | "CLI";
  /** `ctrl start` of COMMAND; the CLI passes it whole, as one argument run by a shell. */
  start(command: string, options: DoorStart): Promise<DoorAnswer>;
  /**
   * stop, restart or output of TARGET (a label or command) without a folder: over MCP with
   * no working_directory, from the CLI in the repository, where no process was started.
   */
  act(verb: "stop" | "restart" | "output", target: string, grep?: string): Promise<DoorAnswer>;
  /** `list` (MCP, with `args`) or `ls` (CLI, with `argv`): the text a user reads. */
  list(args: Record<string, unknown>, argv: string[]): Promise<DoorAnswer>;
}

function mcpDoor(client: AnyClient, name: typeof MCP_CLIENTS[number]): Door {
  const answer = (got: ToolAnswer, output = false): DoorAnswer => ({
    ok: !got.isError,
    text: got.text,
    pid: got.structured?.pid,
    lines: output && !got.isError ? linesOf(got.structured) : [],
  });
  return {
    name,
    async start(command, { cwd, ...options }) {
      const args = { action: "start", command_or_label: command, working_directory: cwd };
      return answer(await callTool(client, "ctrl", { ...args, ...options }));
    },
    async act(verb, target, grep) {
      if (verb === "output") {
        return answer(await callTool(client, "output", { command_or_label: target, grep }), true);
      }
      return answer(await callTool(client, "ctrl", { action: verb, command_or_label: target }));
    },
    async list(args) {
      return answer(await callTool(client, "list", args));
    },
  };
}

function cliDoor(hub: TestHub): Door {
  const run = async (argv: string[], cwd = REPO, output = false): Promise<DoorAnswer> => {
    const { code, stdout, stderr } = await cli(hub, argv, {}, cwd);
    const pid = /\(PID (\d+)\)/.exec(stdout);
    return {
      ok: code === 0,
      text: stdout + stderr,
      pid: pid ? Number(pid[1]) : undefined,
      lines: output && code === 0 ? stdout.split("\n").slice(0, -1) : [],
    };
  };
  return {
    name: "CLI",
    start(command, { cwd, label, assign_port, wait_for_port }) {
      const flags = [
        ...(label ? ["--label", label] : []),
        ...(assign_port ? ["--assign-port", assign_port] : []),
        ...(wait_for_port ? ["--wait-for-port", String(wait_for_port)] : []),
      ];
      return run(["start", ...flags, command], cwd);
    },
    act(verb, target, grep) {
      return run([verb, ...(grep ? ["--grep", grep] : []), target], REPO, verb === "output");
    },
    list(_args, argv) {
      return run(["ls", ...argv]);
    },
  };
}

/** Runs `body` once through each door to `hub`: MCP 2.x, MCP 1.x, then the CLI. */
export async function forEachDoor(
  hub: TestHub,
  body: (door: Door) => Promise<void>,
): Promise<void> {
  await forEachMcpClient(hub, (client, name) => body(mcpDoor(client, name)));
  await body(cliDoor(hub));
}
