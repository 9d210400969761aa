/**
 * Serves the tool table over MCP's Streamable HTTP transport, in both protocol eras, from one
 * per-request server factory: 2026-07-28 requests (each carries its version and client info
 * in `_meta`, no handshake, no session) and, as a fallback, 2025-era requests, statelessly.
 * Nothing outlives a request, so an agent connected before a server restart keeps working
 * after it without reconnecting.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  createMcpHandler,
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  hostHeaderValidationResponse,
  inputRequired,
  inputResponse,
  type jsonSchemaValidator,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  McpServer,
  originValidationResponse,
  type ServerContext,
  type StandardSchemaWithJSON,
} from "@modelcontextprotocol/server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import { z } from "zod";
import { InvalidArgumentError, NO_WAIT_LIMIT } from "../core/mod.ts";
import { ServerPool, type ToolCalls } from "./_server_pool.ts";
import { describeIssues, RejectedArguments } from "./argument_errors.ts";
import { clientFromImplementation, clientFromUserAgent, type ClientInfo } from "./client_info.ts";
import { LegacySessions, SESSION_HEADER, withSession } from "./legacy_sessions.ts";
import { inToolWords, orShuttingDown, reportError } from "./tool_errors.ts";
import { type Hub, type ToolContext, type ToolDefinition, TOOLS } from "./tools.ts";

/** Name and version the server announces to MCP clients. */
interface ServerIdentity {
  name: string;
  version: string;
}

/**
 * What the server tells every agent. `cli` is the command that reaches this server from a shell
 * (`persistproc --port 9000`), so that the commands it suggests reach it too.
 */
const instructions = (cli: string) =>
  "persistproc owns the long-running processes of this machine (dev servers, watchers, databases) and shares them between agents and terminals. Before starting a server, call list: it may already run. Use output to read its logs, ctrl to start, stop or restart it; ctrl adopt takes over one started elsewhere (say, holding a needed port) once the user agrees. " +
  `To be told when a process you started crashes instead of polling: in Claude Code, arm the Monitor tool with \`${cli} events --follow --label LABEL --kind crashed,autorestart_gave_up\` and timeout_ms at its maximum (each line it prints is one event; re-arm it when it expires); in Gemini CLI (once the user set tools.shell.backgroundCompletionBehavior "inject" and experimental.modelSteering true in settings.json), or another agent told when a background shell command ends (Codex is not), run \`${cli} wait LABEL\` in the background: it ends when the process exits, printing how (its exit code and last stderr lines), with the process's exit code. output with wait_for_exit and wait_timeout ${NO_WAIT_LIMIT} waits the same way, with no time limit.`;

/**
 * Each tool's schemas as zod objects, built once: a server is built per request, and wrapping
 * the shapes there would redo that work on every call.
 */
const SCHEMAS = new Map(TOOLS.map((tool) => [tool, schemasOf(tool)]));

function schemasOf(tool: ToolDefinition) {
  return {
    input: refusingUnknownKeys(withCachedJsonSchema(z.object(tool.inputSchema)), tool),
    output: trustingResults(withCachedJsonSchema(z.object(tool.outputSchema))),
  };
}

/**
 * The output schema, rendered in tools/list as it is, but not checked against each result. The
 * SDK parses every result's structured content with it before sending, a parse of the whole
 * answer (ten processes' records in a list) and garbage on every call, for results this
 * server builds itself from its own typed records. Clients check them against the schema
 * they listed (the SDK's client does), and so do the end-to-end tests through it.
 */
function trustingResults<T extends StandardSchemaWithJSON>(schema: T): T {
  const standard = schema["~standard"];
  return { "~standard": { ...standard, validate: (value: unknown) => ({ value }) } } as T;
}

/**
 * The input schema, validating strictly: an argument the tool does not know (a guessed
 * `status` filter on list, a misspelt `wait_for_logs`) is an error naming it, not silently
 * dropped. tools/list still shows the lenient rendering, as `additionalProperties: false`
 * would cost every conversation bytes for what this check already says. Arguments that fail
 * reach runTool as RejectedArguments, which answers in persistproc's words.
 */
function refusingUnknownKeys<T extends StandardSchemaWithJSON>(schema: T, tool: ToolDefinition): T {
  const standard = schema["~standard"];
  const known = new Set(Object.keys(tool.inputSchema));
  const validate = (value: unknown) => {
    const unknown = value && typeof value === "object" && !Array.isArray(value)
      ? Object.keys(value).filter((key) => !known.has(key))
      : [];
    const rejected = (message: string) => ({ value: new RejectedArguments(message) });
    if (unknown.length > 0) {
      return rejected(
        `Unknown parameter${unknown.length > 1 ? "s" : ""} ${
          unknown.map((key) => `"${key}"`).join(", ")
        } for ${tool.name}; it takes ${[...known].join(", ")}`,
      );
    }
    const checked = (result: Awaited<ReturnType<typeof standard.validate>>) =>
      result.issues ? rejected(describeIssues(result.issues, value)) : result;
    const result = standard.validate(value);
    return result instanceof Promise ? result.then(checked) : checked(result);
  };
  return { "~standard": { ...standard, validate } } as T;
}

/**
 * The schema, with its JSON Schema rendering computed once. The SDK renders a tool's schemas
 * on every `tools/call` (the input for the HTTP entry's parameter checks, the output for the
 * result) and caches them on the server instance, which here lives for one request: rendering
 * was a fifth of the server's time under load (measured).
 */
function withCachedJsonSchema<T extends StandardSchemaWithJSON>(schema: T): T {
  const standard = schema["~standard"];
  const rendered = new Map<string, Record<string, unknown>>();
  const render = (io: "input" | "output") => (options: { target: string }) => {
    const key = `${io} ${options.target}`;
    let json = rendered.get(key);
    if (!json) rendered.set(key, json = standard.jsonSchema[io](options as never));
    return json;
  };
  return {
    "~standard": { ...standard, jsonSchema: { input: render("input"), output: render("output") } },
  } as T;
}

/**
 * One JSON-schema validator for every request, built when first asked for: a server is built
 * per request, and without one each would build its own Ajv instance (a quarter of the work of
 * a request under load, measured with the 1.x SDK). The tools validate with their zod schemas,
 * so it is rarely needed at all.
 */
const SHARED_VALIDATOR: jsonSchemaValidator = {
  getValidator(schema) {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator(schema);
  },
};
let ajv: AjvJsonSchemaValidator | undefined;

/**
 * Builds an MCP server exposing a tool table (the three tools unless told) over the hub. Its
 * tool calls report their start and end to `calls` when given (see _server_pool.ts), and are
 * answered "the server is shutting down" once `closing` aborts. A 2025-era caller is named
 * by the handshake that opened its session in `sessions`, when it did.
 */
function createMcpServer(
  hub: Hub,
  identity: ServerIdentity,
  options: {
    tools?: readonly ToolDefinition[];
    calls?: ToolCalls;
    closing?: AbortSignal;
    sessions?: LegacySessions;
    cli?: string;
  } = {},
): McpServer {
  const { tools = TOOLS, calls, closing, sessions, cli = "persistproc" } = options;
  const server = new McpServer(identity, {
    instructions: instructions(cli),
    jsonSchemaValidator: SHARED_VALIDATOR,
  });
  for (const tool of tools) {
    const { input, output } = SCHEMAS.get(tool) ?? schemasOf(tool);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: input,
        outputSchema: output,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args, ctx) => runTool(tool, hub, args, ctx, { calls, closing, sessions }),
    );
  }
  return server;
}

/** Runs a tool and shapes its result: structured content plus text, or an `isError` message. */
async function runTool(
  tool: ToolDefinition,
  hub: Hub,
  args: unknown,
  ctx: ServerContext,
  { calls, closing, sessions }: {
    calls?: ToolCalls;
    closing?: AbortSignal;
    sessions?: LegacySessions;
  },
) {
  calls?.started();
  try {
    if (args instanceof RejectedArguments) throw new InvalidArgumentError(args.message);
    const result = await orShuttingDown(
      tool.run(hub, args as never, toolContext(ctx, sessions)),
      closing,
    );
    if (result.askHuman !== undefined) return askHuman(result.askHuman);
    return {
      content: [{ type: "text" as const, text: result.text }],
      structuredContent: result.structured,
    };
  } catch (error) {
    const reported = reportError(error, `Tool ${tool.name}`);
    return { content: [{ type: "text" as const, text: inToolWords(reported) }], isError: true };
  } finally {
    calls?.ended();
  }
}

/** The key of the one question a tool asks its caller's user (see ToolResult.askHuman). */
const QUESTION = "persistproc_confirm";

/**
 * Asks the user through the client (a 2026-07-28 elicitation, answered by the client calling
 * the tool again with the answer): a yes/no form with the tool's question.
 */
function askHuman(message: string) {
  return inputRequired({
    inputRequests: {
      [QUESTION]: inputRequired.elicit({
        message,
        requestedSchema: {
          type: "object",
          properties: { agree: { type: "boolean", title: "Agree", description: message } },
          required: ["agree"],
        },
      }),
    },
  });
}

/**
 * What the user answered to the question, when the client can ask its user at all: it
 * declared elicitation in a 2026-07-28 request. A 2025-era client is not asked: a stateless
 * server cannot receive the answer to a question it sends it.
 */
function humanOf(ctx: ServerContext): ToolContext["human"] {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as
    | { elicitation?: unknown }
    | undefined;
  if (!capabilities?.elicitation) return undefined;
  const view = inputResponse(ctx.mcpReq.inputResponses, QUESTION);
  if (view.kind !== "elicit") return { answer: null };
  if (view.action !== "accept") return { answer: view.action };
  return { answer: view.content?.agree === true ? "accept" : "decline" };
}

/**
 * Who called, the caller's abort signal (a 2026-07-28 exchange is aborted when its client
 * disconnects), and progress notifications when the client sent a token: they turn the reply
 * into an event stream, so the progress of a long wait arrives before the result.
 */
function toolContext(ctx: ServerContext, sessions?: LegacySessions): ToolContext {
  const token = ctx.mcpReq._meta?.progressToken;
  return {
    client: callerOf(ctx, sessions),
    signal: ctx.mcpReq.signal,
    human: humanOf(ctx),
    onProgress: token === undefined ? undefined : (progress) => {
      ctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, ...progress },
      }).catch(() => {}); // the client went away; the tool's own result tells the rest
    },
  };
}

/**
 * The client info a 2026-07-28 request carries in its `_meta` envelope; else (a 2025-era
 * request) what the client said in the handshake that opened its session; else, as a last
 * resort, the User-Agent header.
 */
function callerOf(ctx: ServerContext, sessions?: LegacySessions): ClientInfo | null {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const headers = ctx.http?.req?.headers;
  return clientFromImplementation(envelope?.[CLIENT_INFO_META_KEY]) ??
    sessions?.clientOf(headers?.get(SESSION_HEADER)) ??
    clientFromUserAgent(headers?.get("user-agent") ?? null);
}

/** Settings of {@link createMcpDoor}. */
interface McpDoorOptions {
  /** Accept any Host and Origin here: the server listens beyond loopback, behind a token. */
  anyHost?: boolean;
  /** The tool table served; the three tools unless told. */
  tools?: readonly ToolDefinition[];
  /** Aborted when the server begins shutting down: calls still running are answered so. */
  closing?: AbortSignal;
  /** The command that reaches this server from a shell; `persistproc` unless told. */
  cli?: string;
}

/**
 * Returns the MCP endpoint's request handler. A request whose Host is not loopback (DNS
 * rebinding) or whose Origin is a foreign page is refused before anything is read, with a
 * JSON-RPC error as MCP clients expect. (The HTTP guard in front of the door checks the same,
 * and the token; these checks keep the door safe wherever it is mounted.) Bodies are capped
 * at 4 MiB. `parsedBody` is the request's JSON body when the caller has already read it.
 */
export function createMcpDoor(
  hub: Hub,
  identity: ServerIdentity,
  options: McpDoorOptions = {},
): (request: Request, parsedBody?: unknown) => Promise<Response> {
  const { tools, closing, cli } = options;
  const sessions = new LegacySessions();
  const pool = new ServerPool((calls) =>
    createMcpServer(hub, identity, { tools, calls, closing, cli })
  );
  const handler = createMcpHandler(
    ({ era }) =>
      era === "modern"
        ? pool.take()
        : createMcpServer(hub, identity, { tools, closing, sessions, cli }),
    { maxRequestBodySize: DEFAULT_MAX_REQUEST_BODY_SIZE },
  );
  const hosts = localhostAllowedHostnames();
  const origins = localhostAllowedOrigins();
  return async (request, parsedBody) => {
    const refused = options.anyHost ? undefined : hostHeaderValidationResponse(request, hosts) ??
      originValidationResponse(request, origins);
    if (refused) return refused;
    const response = await handler.fetch(
      request,
      parsedBody === undefined ? undefined : { parsedBody },
    );
    // A 2025-era handshake: hand out a session id, by which its later requests name the client.
    const session = response.ok && !response.headers.has(SESSION_HEADER)
      ? sessions.open(parsedBody)
      : null;
    return session ? withSession(response, session) : response;
  };
}
