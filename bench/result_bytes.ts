/**
 * What an agent's model reads of a result: the bytes of `JSON.stringify(structuredContent)`,
 * which is all Claude Code and Codex give their model. One session over MCP: a start, a list of
 * 20 processes with 1 running, a page of 40 short lines, a stop (tests/_result_bytes.ts, which
 * the test keeping these targets runs too), measured through the MCP SDK's 2.x client
 * (2026-07-28, as Claude Code speaks) and through its 1.x client (the 2025 handshake, as Codex
 * and Gemini CLI speak), each on a fresh server. Sizes do not change with the machine, so the
 * smoke run measures the same session.
 */
import { connectAs, MCP_CLIENTS } from "../tests/_doors.ts";
import { measureResultBytes, TARGETS } from "../tests/_result_bytes.ts";
import type { Measure, Result } from "./_context.ts";
import { benchHub } from "./_bench_hub.ts";

/** See the module comment. */
export const resultBytes: Measure = async () => {
  const results: Result[] = [];
  for (const name of MCP_CLIENTS) {
    await using hub = await benchHub();
    await using client = await connectAs(hub, name);
    const bytes = await measureResultBytes(client, hub);
    const row = (measure: string, value: number, limit: number, target: string): Result => ({
      measure: `MCP result bytes (${name.slice(4)} client): ${measure}`,
      unit: "B",
      persistproc: value,
      target,
      met: value <= limit,
    });
    const outputLimit = TARGETS.outputFactor * bytes.lineBytes + TARGETS.outputHeader;
    results.push(
      row("ctrl start", bytes.start, TARGETS.ctrl, `≤ ${TARGETS.ctrl} B`),
      row("ctrl stop", bytes.stop, TARGETS.ctrl, `≤ ${TARGETS.ctrl} B`),
      row("list of 20, 1 running", bytes.list, TARGETS.list, `≤ ${TARGETS.list} B`),
      row(
        `output of 40 lines (${bytes.lineBytes} B of lines)`,
        bytes.output,
        outputLimit,
        `≤ ${TARGETS.outputFactor} × lines + ${TARGETS.outputHeader} B`,
      ),
    );
  }
  return results;
};
