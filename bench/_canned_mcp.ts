/**
 * The floor of an MCP round trip on this machine: an endpoint that answers every call with a
 * canned result, doing no work of its own, in either protocol era. Run as its own process, like the real server:
 * `deno run --allow-net --allow-read bench/_canned_mcp.ts PORT RESULT_JSON_FILE`.
 */
const [port, resultFile] = Deno.args;
const canned = JSON.parse(await Deno.readTextFile(resultFile));

/** What the endpoint says of itself: `initialize` (2025 era) or `server/discover` (2026-07-28). */
function describe(message: { method: string; params: Record<string, never> }) {
  const serverInfo = { name: "canned", version: "0" };
  if (message.method === "initialize") {
    return {
      protocolVersion: message.params.protocolVersion,
      capabilities: { tools: {} },
      serverInfo,
    };
  }
  return {
    supportedVersions: [message.params._meta["io.modelcontextprotocol/protocolVersion"]],
    capabilities: { tools: {} },
    resultType: "complete",
    _meta: { "io.modelcontextprotocol/serverInfo": serverInfo },
  };
}

Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, async (request) => {
  const message = request.method === "POST" ? await request.json() : null;
  if (message?.id === undefined) return new Response(null, { status: 202 }); // notification
  const result = ["initialize", "server/discover"].includes(message.method)
    ? describe(message)
    : { resultType: "complete", ...canned }; // 2026-07-28 results must say they are complete
  return Response.json({ jsonrpc: "2.0", id: message.id, result });
});
