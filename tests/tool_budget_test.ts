/**
 * End-to-end: what the three tools cost an agent before it calls anything. Every client puts
 * the tools' descriptions and input schemas into the model's context on every turn, so they
 * are kept within a budget, measured on the real tools/list answer.
 */
import assert from "node:assert/strict";
import { connectMcp, hubTest } from "./_hub.ts";

/** Bytes of descriptions plus input schemas (compact JSON) the three tools may take. */
const BUDGET = 6_500;

hubTest("the tools' descriptions and input schemas stay within 6.5 KB", async (hub) => {
  await using client = await connectMcp(hub);
  const { tools } = await client.listTools();
  const sizes = tools.map((tool) => ({
    name: tool.name,
    bytes: new TextEncoder().encode(JSON.stringify(tool.description ?? "")).length +
      new TextEncoder().encode(JSON.stringify(tool.inputSchema)).length,
  }));
  const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
  assert.ok(total <= BUDGET, `${total} bytes: ${JSON.stringify(sizes)}`);
});
