/**
 * End-to-end: what an agent's model reads of a result is small, measured as the bytes of
 * `JSON.stringify(structuredContent)` through the MCP SDK's 2.x client (2026-07-28) and its 1.x
 * client (2025-11-25), which both check each result against the output schema the server lists.
 */
import assert from "node:assert/strict";
import { connectLegacyMcp } from "./_doors.ts";
import { connectMcp, hubTest } from "./_hub.ts";
import { measureResultBytes, type ResultBytes, TARGETS } from "./_result_bytes.ts";

function assertWithinTargets(bytes: ResultBytes): void {
  const shown = JSON.stringify(bytes);
  assert.ok(bytes.start <= TARGETS.ctrl, `ctrl start: ${shown}`);
  assert.ok(bytes.stop <= TARGETS.ctrl, `ctrl stop: ${shown}`);
  assert.ok(bytes.list <= TARGETS.list, `list: ${shown}`);
  const allowed = TARGETS.outputFactor * bytes.lineBytes + TARGETS.outputHeader;
  assert.ok(bytes.output <= allowed, `output: ${shown}`);
}

hubTest("a 2.x client's results stay within the byte targets", async (hub) => {
  await using client = await connectMcp(hub);
  assertWithinTargets(await measureResultBytes(client, hub));
});

hubTest("a 1.x client's results stay within the byte targets", async (hub) => {
  await using client = await connectLegacyMcp(hub);
  assertWithinTargets(await measureResultBytes(client, hub));
});
