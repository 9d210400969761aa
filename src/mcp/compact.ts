/**
 * The records the tools give an agent, in few bytes. Some clients (Claude Code, Codex) hand
 * their model `JSON.stringify(structuredContent)` and nothing else, so every byte here is a
 * byte of the model's context on every call. A field is left out when it is null, empty or
 * its default, or when another field already says it: the command and folder when the label
 * names both, the exit code when the status or signal gives it, who started it when that was
 * the caller itself. The JSON API keeps the full
 * records (the CLI's `--format json` prints them: a script gets every field every time).
 */
import type { z } from "zod";
import type { AdoptionPlan } from "../core/adopt/mod.ts";
import type { WaitedOutputPage } from "../core/output/mod.ts";
import type { ReadyOutcome } from "../core/ready/mod.ts";
import type { ProcessInfo, StopReport } from "../core/mod.ts";
import type {
  adoptionSchema,
  ctrlOutput,
  listedProcessSchema,
  outputOutput,
} from "./output_schemas.ts";

/** What ctrl answers, as its output schema declares it: the builders here are checked against it. */
type CtrlRecord = z.infer<z.ZodObject<typeof ctrlOutput>>;
type ProcessRecord = z.infer<typeof listedProcessSchema>;
type HolderRecord = NonNullable<CtrlRecord["port_conflict"]>;

/**
 * A compact record as a builder writes it: only fields its schema declares, of their types,
 * each also allowed to be null or undefined, which present() leaves out.
 */
type Unsifted<T> = { [K in keyof T]?: T[K] | null };

/** Whether `label` is the one a start without a label gives: "<command> in <directory>". */
export function labelNamesPlace(p: Pick<ProcessInfo, "label" | "working_directory">): boolean {
  return p.label.endsWith(` in ${p.working_directory}`);
}

/** The fields of `record` that carry something: not null, not undefined, not an empty list. */
function present<T>(record: Unsifted<T>): T {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) =>
      value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)
    ),
  ) as T;
}

/** An ISO time to the second (`2026-12-07T15:19:46Z`): what an agent reads of a process's times. */
function toSecond(time: string | null): string | undefined {
  return time === null ? undefined : time.replace(/\.\d+Z$/, "Z");
}

/** What shapes a process record besides the record. */
interface CompactOptions {
  /** Add where its output is stored. */
  logDir?: boolean;
  /** The caller, as `started_by` names it: a process it started leaves started_by out. */
  caller?: string | null;
}

/**
 * One process as an agent reads it. `ports` are its tree's listening ports, when known. An
 * ended process gives the time it ended, not when it started.
 */
export function compactProcess(
  p: ProcessInfo & { ports?: number[] },
  options: CompactOptions = {},
): ProcessRecord {
  const placeInLabel = labelNamesPlace(p) &&
    p.label === `${p.command_line.trim()} in ${p.working_directory}`;
  return present<ProcessRecord>({
    pid: p.pid,
    label: p.label,
    command: placeInLabel ? undefined : p.command_line,
    working_directory: labelNamesPlace(p) ? undefined : p.working_directory,
    status: p.status,
    start_time: p.end_time === null ? toSecond(p.start_time) : undefined,
    end_time: toSecond(p.end_time),
    // "exited" means code 0; a signal n gives 128+n.
    exit_code: p.status === "exited" || p.exit_signal ? undefined : p.exit_code,
    exit_signal: p.exit_signal,
    restarts: p.restarts || undefined,
    started_by: p.started_by === options.caller ? undefined : p.started_by,
    assigned_port: p.assigned_port,
    ports: p.ports,
    restart_at: toSecond(p.restart_at ?? null),
    log_dir: options.logDir ? p.log_dir : undefined,
    log_error: p.log_error,
    log_warning: p.log_warning,
  });
}

/**
 * A process a stop ended, as its reader needs it: which process, how it ended, and when only
 * when that was before the stop was asked for (else it is now). What it was besides (restarts,
 * assigned port, who started it, how its output is stored) the start and list said.
 */
export function compactStopped(p: ProcessInfo, endedBefore: boolean): ProcessRecord {
  const { pid, label, command, working_directory, status, end_time, exit_code, exit_signal } =
    compactProcess(p);
  return present<ProcessRecord>({
    pid,
    label,
    command,
    working_directory,
    status,
    end_time: endedBefore ? end_time : undefined,
    exit_code,
    exit_signal,
  });
}

/** What a stop found of the ports: only the ports freed and those still held, if any. */
export function compactStopReport(
  report: Partial<StopReport> | undefined,
): Pick<CtrlRecord, "freed_ports" | "held_ports" | "sigkill_needed" | "autorestart_cancelled"> {
  if (!report) return {};
  return present<CtrlRecord>({
    freed_ports: report.freed_ports,
    held_ports: report.held_ports?.map((holder) => present<HolderRecord>(holder)),
    sigkill_needed: report.sigkill_needed,
    autorestart_cancelled: report.autorestart_cancelled,
  });
}

/** How a ready wait ended: the result, what it waited, and only the facts that explain it. */
export function compactWait(
  wait: ReadyOutcome | null,
): Pick<
  CtrlRecord,
  | "wait_result"
  | "waited_ms"
  | "not_met"
  | "matched_line"
  | "port_conflict"
  | "stderr_tail"
  | "stdout_tail"
> {
  if (!wait) return {};
  return present<CtrlRecord>({
    wait_result: wait.wait_result,
    waited_ms: wait.waited_ms,
    not_met: wait.not_met,
    matched_line: wait.matched_line,
    port_conflict: wait.port_conflict ? present<HolderRecord>(wait.port_conflict) : null,
    stderr_tail: wait.stderr_tail,
    stdout_tail: wait.stdout_tail,
  });
}

/**
 * A page of output as an agent reads it: the lines as one text (a newline between lines
 * costs less than a list's quotes and commas), and the counts only when they say something.
 * Without grep every line read matches, so matched_lines is the lines shown plus
 * omitted_lines and is left out; with grep it is left out only when every line shown is a
 * match and none is left out.
 */
export function compactOutputPage(
  page: WaitedOutputPage,
  options: { logDir?: string; grep?: boolean } = {},
): z.infer<z.ZodObject<typeof outputOutput>> {
  const everyLineAMatch = page.omitted_lines === 0 && page.matched_lines === page.output.length;
  return present<z.infer<z.ZodObject<typeof outputOutput>>>({
    pid: page.pid,
    label: page.label,
    status: page.status,
    stream: page.stream === "combined" ? undefined : page.stream,
    log_dir: options.logDir,
    wait_result: page.wait_result,
    waited_ms: page.wait_result ? page.waited_ms : undefined,
    matched_line: page.matched_line,
    exit_code: page.exit_signal ? undefined : page.exit_code,
    exit_signal: page.exit_signal,
    output: page.output.join("\n"),
    times: page.times,
    matched_lines: options.grep && !everyLineAMatch ? page.matched_lines : undefined,
    omitted_lines: page.omitted_lines || undefined,
    skipped_lines: page.skipped_lines || undefined,
    search_cut: page.search_cut || undefined,
    next_cursor: page.next_cursor,
  });
}

/**
 * An adoption plan as an agent reads it: what could not be read (its environment, its
 * terminal) or is not done (no port to wait for) is left out, not null.
 */
export function compactAdoption(plan: AdoptionPlan): z.infer<typeof adoptionSchema> {
  // Only nulls: its lists (ports, limits) are said even when empty.
  return Object.fromEntries(Object.entries(plan).filter(([, value]) => value !== null)) as z.infer<
    typeof adoptionSchema
  >;
}
