/**
 * What explains a program that exited or never became ready: the newest lines of each stream
 * since its start and, when it could not get its port, who holds that port.
 */
import { stripAnsi } from "../output/ansi.ts";
import { OutputReader } from "../output/output_reader.ts";
import { addressInUse, conflictFromOutput, foreignHolder } from "../ports/conflict.ts";
import type { PortHolderInfo } from "../errors.ts";
import type { z } from "zod";
import type { notReadyReportSchema } from "../wire/results.ts";
import type { Hub } from "../hub.ts";
import type { WaitResult } from "../wait_engine.ts";
import type { ProcessInfo, ProcessTarget } from "../types.ts";

/** Lines of each stream returned when the program exited or never became ready. */
const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 500;
/** Lines of each stream searched for a report of a port in use. */
const SCAN_LINES = 200;

/** Why a wait ended without the program ready: its output tails and any port conflict. */
type NotReadyReport = z.infer<typeof notReadyReportSchema>;

/**
 * The output tails of the run `started` describes and, if the program could not get its port
 * (`port`, when one was waited for), who holds it. `result` is how the wait ended.
 */
export async function explainNotReady(
  processes: readonly ProcessInfo[],
  started: ProcessInfo,
  port: number | undefined,
  result: Exclude<WaitResult, "ready">,
): Promise<NotReadyReport> {
  // Read further back than the tails show: a report of a port in use comes before the stack
  // trace that follows it, and must be found, and shown, however long that trace is.
  const recent = linesSinceStart(started);
  const stderr = recent.stderr.map((line) => line.slice(0, TAIL_LINE_CHARS));
  const stdout = recent.stdout.map((line) => line.slice(0, TAIL_LINE_CHARS));
  let portConflict = await conflictFromOutput(
    [...stdout, ...stderr],
    { port, commandLine: started.command_line },
    processes,
    started.pid,
  );
  const report = addressInUse([...stdout, ...stderr])?.line;
  const stderrTail = tailWith(stderr, report);
  const stdoutTail = tailWith(stdout, report);
  if (!portConflict && port !== undefined && result === "timeout") {
    const holder = await foreignHolder(port, processes, started.pid);
    // A holder outside the tree counts as a conflict only when it is another managed process:
    // an unmanaged one (a container proxy, a daemon the program forked) made the port ready.
    if (holder?.label) portConflict = holder;
  }
  return { stderr_tail: stderrTail, stdout_tail: stdoutTail, port_conflict: portConflict };
}

/**
 * Who holds the port a process could not get, when its output since its latest start reports
 * an address in use (it died of it, say); null when it reports nothing of the kind or the port
 * is free again.
 */
export async function portConflictOf(
  hub: Hub,
  target: ProcessTarget,
): Promise<PortHolderInfo | null> {
  const info = await hub.get(target);
  const { stdout, stderr } = linesSinceStart(info);
  return await conflictFromOutput(
    [...stdout, ...stderr],
    { commandLine: info.command_line },
    await hub.list(),
    info.pid,
  );
}

/**
 * The newest SCAN_LINES lines of each stream that the run `info` describes printed, escapes
 * stripped: where a report of a port in use is looked for.
 */
function linesSinceStart(info: ProcessInfo): Record<"stdout" | "stderr", string[]> {
  const reader = new OutputReader(info.log_dir);
  const since = new Date(info.start_time).getTime();
  const lines = (stream: "stdout" | "stderr") =>
    reader.newest(stream, SCAN_LINES, { since }).flatMap((entry) =>
      entry.kind === "line" ? [stripAnsi(entry.text)] : []
    );
  return { stdout: lines("stdout"), stderr: lines("stderr") };
}

/** The last TAIL_LINES lines, beginning with `line` (then `...`) when it is older than those. */
function tailWith(lines: string[], line: string | undefined): string[] {
  const tail = lines.slice(-TAIL_LINES);
  const at = line === undefined ? -1 : lines.lastIndexOf(line);
  if (at === -1 || at >= lines.length - tail.length) return tail;
  return [line!, "...", ...lines.slice(-(TAIL_LINES - 2))];
}
