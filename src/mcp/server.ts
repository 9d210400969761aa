/**
 * Serves the tool table over MCP's Streamable HTTP transport, statelessly: every request gets
 * a fresh server and transport, so no session can go stale and an agent connected before a
 * server restart keeps working after it without reconnecting.
 */
// @ts-types="@modelcontextprotocol/sdk/validation/ajv"
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/shared/protocol"
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/server/requestBody"
import {
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  readRequestBody,
  requestBodyTooLargeMessage,
} from "@modelcontextprotocol/sdk/server/requestBody.js";
import { logger } from "../core/logger.ts";
import { clientFromUserAgent } from "./client_info.ts";
import { reportError } from "./tool_errors.ts";
import { type Hub, type ToolContext, TOOLS } from "./tools.ts";

/** Name and version the server announces to MCP clients. */
export interface ServerIdentity {
  name: string;
  version: string;
}

const INSTRUCTIONS =
  "persistproc owns the long-running processes of this machine (dev servers, watchers, databases) and shares them between agents and terminals. Before starting a server, call list: it may already run. Use output to read its logs, ctrl to start, stop or restart it.";

/**
 * One JSON-schema validator for every request: a stateless server is built per request, and
 * building a validator each time was a quarter of the server's work under load (measured).
 */
const SHARED_VALIDATOR = new AjvJsonSchemaValidator();

/**
 * Builds an MCP server exposing the tool table over the given hub. `signal` tells a waiting
 * tool that its caller has gone away.
 */
export function createMcpServer(
  hub: Hub,
  identity: ServerIdentity,
  signal?: AbortSignal,
): McpServer {
  const server = new McpServer(identity, {
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: SHARED_VALIDATOR,
  });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra: RequestExtra) => {
        try {
          const result = await tool.run(hub, args as never, toolContext(extra, signal));
          return {
            content: [{ type: "text" as const, text: result.text }],
            structuredContent: result.structured,
          };
        } catch (error) {
          const reported = reportError(error);
          if (reported.code === "internal") logger.error(`Tool ${tool.name} failed`, error);
          return { content: [{ type: "text" as const, text: reported.message }], isError: true };
        }
      },
    );
  }
  return server;
}

type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Who called (this stateless server never sees a tool caller's handshake, so the User-Agent
 * header names it), the caller's abort signal, and progress notifications when the client
 * sent a token.
 */
function toolContext(extra: RequestExtra, signal?: AbortSignal): ToolContext {
  const token = extra._meta?.progressToken;
  const userAgent = extra.requestInfo?.headers["user-agent"];
  return {
    client: clientFromUserAgent(typeof userAgent === "string" ? userAgent : null),
    signal: signal ? AbortSignal.any([extra.signal, signal]) : extra.signal,
    onProgress: token === undefined ? undefined : (progress) => {
      extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, ...progress },
      }).catch(() => {}); // the client went away; the tool's own result tells the rest
    },
  };
}

/** A JSON-RPC error reply without an id, as the transport itself sends them. */
function rpcError(status: number, message: string, code = -32000): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/** Whether a JSON-RPC body holds a tool call whose caller asked for progress notifications. */
function wantsProgress(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).some((message) =>
    message?.method === "tools/call" && message?.params?._meta?.progressToken !== undefined
  );
}

/**
 * Answers one HTTP request on the MCP endpoint. Replies are plain JSON, except for a tool call
 * that carries a progress token: that one is answered as a server-sent event stream, so the
 * progress of a long wait reaches the client before the result does.
 */
export async function handleMcpRequest(
  hub: Hub,
  identity: ServerIdentity,
  request: Request,
): Promise<Response> {
  if (request.method !== "POST") {
    // Stateless: there is never a stream to resume (GET) or a session to end (DELETE).
    const refused = rpcError(405, "Method not allowed: use POST");
    refused.headers.set("allow", "POST");
    return refused;
  }
  // Read here (with the transport's own size cap) to see whether progress is wanted.
  const read = await readRequestBody(request);
  if (read.tooLarge) {
    return rpcError(413, requestBodyTooLargeMessage(DEFAULT_MAX_REQUEST_BODY_SIZE));
  }
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    return rpcError(400, "Parse error: Invalid JSON", -32700);
  }
  const streaming = wantsProgress(body);
  // An event stream's cancel is how we learn that its client went away: a wait then ends early.
  // (Plain JSON replies end when the tool does; a wait is bounded by its timeout anyway.)
  const gone = new AbortController();
  const server = createMcpServer(hub, identity, streaming ? gone.signal : undefined);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: !streaming,
  });
  await server.connect(transport);
  let response: Response;
  try {
    response = await transport.handleRequest(request, { parsedBody: body });
  } catch (error) {
    await server.close();
    throw error;
  }
  if (!streaming || !response.body) {
    // A JSON response is complete once handleRequest resolves; free the per-request pair.
    await server.close();
    return response;
  }
  // An event stream ends once the tool has answered; free the pair then, or when the client
  // goes away first.
  const close = () => void server.close().catch(() => {});
  const source = response.body.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.read();
      if (done) {
        controller.close();
        close();
      } else controller.enqueue(value);
    },
    async cancel(reason) {
      gone.abort();
      await source.cancel(reason);
      close();
    },
  });
  return new Response(stream, { status: response.status, headers: response.headers });
}
