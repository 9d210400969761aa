/**
 * What an agent's model reads of a result: the bytes of `JSON.stringify(structuredContent)`,
 * which is all Claude Code and Codex give their model. One session over MCP (the 2.x SDK on
 * 2026-07-28): a start, a list of 20 processes with 1 running, a page of 40 short lines, a
 * stop (tests/_result_bytes.ts, which the test keeping these targets runs too). Sizes do not
 * change with the machine, so the smoke run measures the same session.
 */
import { measureResultBytes, TARGETS } from "../tests/_result_bytes.ts";
import type { Measure, Result } from "./_context.ts";
import { benchHub, connectMcp } from "./_hub.ts";

/** See the module comment. */
export const resultBytes: Measure = async () => {
  await using hub = await benchHub();
  await using client = await connectMcp(hub);
  const bytes = await measureResultBytes(client, hub);
  const row = (measure: string, value: number, limit: number, target: string): Result => ({
    measure: `MCP result bytes: ${measure}`,
    unit: "B",
    persistproc: value,
    target,
    met: value <= limit,
  });
  const outputLimit = TARGETS.outputFactor * bytes.lineBytes + TARGETS.outputHeader;
  return [
    row("ctrl start", bytes.start, TARGETS.ctrl, `≤ ${TARGETS.ctrl} B`),
    row("ctrl stop", bytes.stop, TARGETS.ctrl, `≤ ${TARGETS.ctrl} B`),
    row("list of 20, 1 running", bytes.list, TARGETS.list, `≤ ${TARGETS.list} B`),
    row(
      `output of 40 lines (${bytes.lineBytes} B of lines)`,
      bytes.output,
      outputLimit,
      `≤ ${TARGETS.outputFactor} × lines + ${TARGETS.outputHeader} B`,
    ),
  ];
};
