/**
 * The output tool: a page of a process's stored output, after a wait when asked, as compact
 * fields and as the lines under a one-line header.
 */
import type { OutputPage, WaitedOutputPage } from "../core/output/mod.ts";
import { escapeControls } from "../core/process/mod.ts";
import { compactOutputPage } from "./compact.ts";
import { outputInput } from "./input_schemas.ts";
import { outputOutput } from "./output_schemas.ts";
import { define, READ_ONLY, waitOptions } from "./tool.ts";

/** The output tool; see the module comment. */
export const output = define({
  name: "output",
  title: "Read a process's output",
  description:
    "Read a process's output (running or ended): the newest lines, what came since a cursor, or grep matches over the whole log; stderr marked [err], colours stripped. wait_for_log/wait_for_exit first wait (edit, wait, read in one call).",
  inputSchema: outputInput,
  outputSchema: outputOutput,
  annotations: READ_ONLY,
  async run(hub, { log_dir, ...args }, context) {
    const page = await hub.output(args, waitOptions(context));
    const logDir = log_dir ? (await hub.get({ pid: page.pid })).log_dir : undefined;
    const wait = page.wait_result ? `; ${outputWaitSummary(page)}` : "";
    const structured = compactOutputPage(page, { logDir, grep: args.grep !== undefined });
    return {
      structured,
      text: [
        outputHeader(
          page,
          structured.matched_lines,
          `${wait}${logDir ? `; log_dir: ${logDir}` : ""}`,
        ),
        ...stampedLines(page),
      ].join("\n"),
    };
  },
});

/** How an output wait ended, in words. */
function outputWaitSummary(page: WaitedOutputPage): string {
  const seconds = `${((page.waited_ms ?? 0) / 1000).toFixed(1)} s`;
  if (page.wait_result === "ready") return `matched after ${seconds}: ${page.matched_line}`;
  if (page.wait_result === "timeout") return `nothing matched in ${seconds}`;
  const how = page.exit_signal ??
    (page.exit_code === null ? "exit unknown" : `exit code ${page.exit_code}`);
  return `exited (${how}) after ${seconds}`;
}

/**
 * The one line above an output page's lines: whose, what span, how many matched grep (when
 * the structured result says it), what was left out, and where next.
 */
function outputHeader(page: OutputPage, matched: number | undefined, suffix: string): string {
  const notes = [
    matched !== undefined && `${matched} matched grep`,
    page.omitted_lines > 0 && `${page.omitted_lines} more not shown`,
    page.skipped_lines > 0 && `${page.skipped_lines} dropped by the disk cap`,
    page.search_cut && "search cut at its time budget",
  ].filter(Boolean);
  return `# "${
    escapeControls(page.label)
  }" PID ${page.pid} ${page.status}, ${page.stream}: ${page.output.length} line(s)${
    notes.length ? `; ${notes.join("; ")}` : ""
  }${suffix}; next_cursor: ${page.next_cursor}`;
}

function stampedLines(page: OutputPage): string[] {
  const times = page.times;
  return times
    ? page.output.map((line, i) => times[i] ? `${times[i]} ${line}` : line)
    : page.output;
}
