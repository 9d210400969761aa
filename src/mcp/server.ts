/**
 * Serves the tool table over MCP's Streamable HTTP transport, statelessly: every request gets
 * a fresh server and transport, so no session can go stale and an agent connected before a
 * server restart keeps working after it without reconnecting.
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { logger } from "../core/logger.ts";
import { reportError } from "./tool_errors.ts";
import { type Hub, TOOLS } from "./tools.ts";

/** Name and version the server announces to MCP clients. */
export interface ServerIdentity {
  name: string;
  version: string;
}

const INSTRUCTIONS =
  "persistproc owns the long-running processes of this machine (dev servers, watchers, databases) and shares them between agents and terminals. Before starting a server, call list: it may already run. Use output to read its logs, ctrl to start, stop or restart it.";

/** Builds an MCP server exposing the tool table over the given hub. */
export function createMcpServer(hub: Hub, identity: ServerIdentity): McpServer {
  const server = new McpServer(identity, { instructions: INSTRUCTIONS });
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
      async (args: Record<string, unknown>) => {
        try {
          const result = await tool.run(hub, args as never);
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

/** Answers one HTTP request on the MCP endpoint. */
export async function handleMcpRequest(
  hub: Hub,
  identity: ServerIdentity,
  request: Request,
): Promise<Response> {
  if (request.method !== "POST") {
    // Stateless: there is never a stream to resume (GET) or a session to end (DELETE).
    return new Response(
      JSON.stringify({
        jsonrpc: "2.0",
        error: { code: -32000, message: "Method not allowed: use POST" },
        id: null,
      }),
      { status: 405, headers: { "content-type": "application/json", allow: "POST" } },
    );
  }
  const server = createMcpServer(hub, identity);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    // The JSON response is complete once handleRequest resolves; free the per-request pair.
    await server.close();
  }
}
