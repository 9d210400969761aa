/**
 * The floor of an MCP round trip on this machine: an endpoint that answers every call with a
 * canned result, doing no work of its own. Run as its own process, like the real server:
 * `deno run --allow-net --allow-read bench/_canned_mcp.ts PORT RESULT_JSON_FILE`.
 */
const [port, resultFile] = Deno.args;
const canned = JSON.parse(await Deno.readTextFile(resultFile));

Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, async (request) => {
  const message = request.method === "POST" ? await request.json() : null;
  if (message?.id === undefined) return new Response(null, { status: 202 }); // notification
  const result = message.method === "initialize"
    ? {
      protocolVersion: message.params.protocolVersion,
      capabilities: { tools: {} },
      serverInfo: { name: "canned", version: "0" },
    }
    : canned;
  return Response.json({ jsonrpc: "2.0", id: message.id, result });
});
