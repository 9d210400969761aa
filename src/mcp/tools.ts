/**
 * The three tools, as data: name, description, schemas, annotations and what each does to the
 * hub. Each tool is an adapter: its arguments in, one Hub verb, its words out; the JSON API
 * (src/http/hub_routes.ts) calls the same verbs, so every door behaves alike.
 */
import type { z } from "zod";
import {
  describeConflict,
  type Hub,
  InvalidArgumentError,
  type ProcessInfo,
  type StartResult,
  type StopReport,
  type WaitOptions,
} from "../core/mod.ts";
import type { OutputPage, WaitedOutputPage } from "../core/output/mod.ts";
import type { ReadyOutcome } from "../core/ready/mod.ts";
import { adoptAction } from "./adopt_action.ts";
import type { ClientInfo } from "./client_info.ts";
import {
  compactOutputPage,
  compactProcess,
  compactStopReport,
  compactWait,
  labelNamesPlace,
} from "./compact.ts";
import {
  ctrlInput,
  ctrlOutput,
  listInput,
  listOptions,
  listOutput,
  outputInput,
  outputOutput,
} from "./schemas.ts";

/** What the tools need of the core: the hub (see src/core/hub.ts). */
export type { Hub };

/**
 * What a door passes to a tool besides its arguments: who is calling, and how to reach the
 * caller while the tool works. Every door passes one, so a tool can rely on `client` being
 * decided (null when the caller did not say who it is).
 */
export interface ToolContext {
  /**
   * The calling client's name and version: over MCP from the 2026-07-28 request's `_meta`
   * (`io.modelcontextprotocol/clientInfo`) or, for 2025-era clients, the `initialize` that
   * opened its session (see legacy_sessions.ts), else the User-Agent header. Self-declared:
   * record it, do not trust it.
   */
  client: ClientInfo | null;
  /** Aborted when the caller has gone away: a wait stops early. */
  signal?: AbortSignal;
  /**
   * Set when the caller can ask its user (an MCP client that declared elicitation): the user's
   * answer to the question this call's previous round asked (see ToolResult.askHuman), or null
   * before any was asked.
   */
  human?: { answer: "accept" | "decline" | "cancel" | null };
  /** Set when the caller can receive progress (an MCP progress token): a wait reports here. */
  onProgress?: (progress: { progress: number; total?: number; message: string }) => void;
}

/**
 * A tool's result: the structured content an agent gets (compact, see compact.ts) and a short
 * text rendering of the same facts. (The JSON API answers with the hub verbs' full records.)
 */
export interface ToolResult {
  structured: Record<string, unknown>;
  text: string;
  /**
   * A yes/no question for the user, when `context.human` is set and nothing was done yet: the
   * door asks it and calls the tool again with the answer.
   */
  askHuman?: string;
}

/** One tool of the table. */
export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  outputSchema: z.ZodRawShape;
  annotations: {
    readOnlyHint: boolean;
    destructiveHint: boolean;
    idempotentHint: boolean;
    openWorldHint: boolean;
  };
  run(hub: Hub, args: z.infer<z.ZodObject<Shape>>, context: ToolContext): Promise<ToolResult>;
}

function define<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

function summary(p: ProcessInfo & Partial<StopReport>): string {
  const end = p.status === "running"
    ? ""
    : p.sigkill_needed
    ? ": SIGTERM did not end it, SIGKILL did"
    : p.exit_signal
    ? `, ${p.exit_signal}`
    : p.exit_code !== null
    ? `, exit code ${p.exit_code}`
    : "";
  return `PID ${p.pid} "${p.label}" (${p.status}${end})`;
}

/** Annotations of the tools that only read: list and output. */
const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

const ctrl = define({
  name: "ctrl",
  title: "Start, stop or restart a process",
  description:
    "Start, stop, restart or adopt a long-running process (dev server, watcher, database) shared by every agent and terminal. With wait_for_*, start/restart return once ready, exited (exit code, last output) or timed out, naming who holds a needed port.",
  inputSchema: ctrlInput,
  outputSchema: ctrlOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async run(hub, args, context) {
    if (args.action === "adopt") {
      const helpers = { startedBy: startedBy(context.client), wait: waitOptions(context), summary };
      return await adoptAction(hub, args, context, helpers);
    }
    for (const field of ["port", "confirm"] as const) {
      if (args[field] !== undefined) {
        throw new InvalidArgumentError(`${field} applies to adopt, not ${args.action}`);
      }
    }
    const target = {
      pid: args.pid,
      command_or_label: args.command_or_label,
      working_directory: args.working_directory,
    };
    const conditions = {
      wait_for_port: args.wait_for_port,
      wait_for_log: args.wait_for_log,
      wait_for_url: args.wait_for_url,
      wait_timeout: args.wait_timeout,
    };
    const wait = waitOptions(context);
    let result: StartResult;
    let endedBefore = false;
    const startOnly = {
      if_running: args.if_running,
      assign_port: args.assign_port,
      notify_on_log: args.notify_on_log,
    };
    for (const [field, value] of Object.entries(startOnly)) {
      if (args.action !== "start" && value !== undefined) {
        throw new InvalidArgumentError(`${field} applies to start, not ${args.action}`);
      }
    }
    if (args.action === "start") {
      if (args.pid !== undefined) {
        throw new InvalidArgumentError("start takes the command in command_or_label, not a pid");
      }
      if (!args.command_or_label) {
        throw new InvalidArgumentError("start needs command_or_label: the command to run");
      }
      result = await hub.start({
        command: args.command_or_label,
        working_directory: args.working_directory ?? "",
        environment: args.environment,
        inherit_environment: args.inherit_environment,
        label: args.label,
        autorestart: args.autorestart,
        started_by: startedBy(context.client),
        if_running: args.if_running,
        assign_port: args.assign_port,
        notify_on_log: args.notify_on_log,
        ...conditions,
      }, wait);
    } else if (args.action === "stop") {
      const waits = Object.entries(conditions).filter(([, value]) => value !== undefined);
      if (waits.length > 0) {
        throw new InvalidArgumentError(`${waits[0][0]} applies to start and restart, not stop`);
      }
      const asked = Date.now();
      result = { ...await hub.stop(target, { force: args.force }), ports: [] };
      // Ended before this stop was asked for: nothing was stopped now.
      endedBefore = result.end_time !== null && Date.parse(result.end_time) < asked;
    } else {
      const restart = { force: args.force, by: startedBy(context.client), ...conditions };
      result = await hub.restart(target, restart, wait);
    }
    const { ports, already_running } = result;
    const waited = result.wait_result === undefined ? null : result as ReadyOutcome;
    const released = [
      ...(result.freed_ports ?? []).map((port) => `port ${port} freed`),
      ...(result.held_ports ?? []).map((held) =>
        `port ${held.port} still held by ${held.command ?? "a process"}${
          held.pid === null ? "" : ` (PID ${held.pid})`
        }`
      ),
    ];
    const verb = already_running
      ? "already running:"
      : result.autorestart_cancelled
      ? "was waiting to be restarted; autorestart cancelled:"
      : endedBefore
      ? "was not running (nothing to stop):"
      : { start: "started", stop: "stopped", restart: "restarted" }[args.action];
    return {
      structured: {
        ...compactProcess(result, { caller: startedBy(context.client) }),
        ...(already_running ? { already_running } : {}),
        ...(result.port_note ? { port_note: result.port_note } : {}),
        ...compactStopReport(result),
        ...compactWait(waited),
      },
      text: [
        `${verb} ${summary(result)}${waited ? `; ${waitSummary(waited)}` : ""}${
          ports.length ? `; listening on ${ports.join(", ")}` : ""
        }${released.length ? `; ${released.join(", ")}` : ""}`,
        ...(result.port_note ? [result.port_note] : []),
        ...(waited ? waitDetails(waited) : []),
      ].join("\n"),
    };
  },
});

/** A wait's abort signal, and its progress as MCP progress notifications when asked for. */
function waitOptions(context: ToolContext): WaitOptions {
  return {
    signal: context.signal,
    onProgress: context.onProgress &&
      ((p) =>
        context.onProgress!({
          progress: Math.floor(p.elapsed_ms / 1000),
          total: Number.isFinite(p.timeout_ms) ? Math.round(p.timeout_ms / 1000) : undefined,
          message: `waiting for ${p.pending.join(", ") || "the process"}`,
        })),
  };
}

/** How an output wait ended, in words. */
function outputWaitSummary(page: WaitedOutputPage): string {
  const seconds = `${((page.waited_ms ?? 0) / 1000).toFixed(1)} s`;
  if (page.wait_result === "ready") return `matched after ${seconds}: ${page.matched_line}`;
  if (page.wait_result === "timeout") return `nothing matched in ${seconds}`;
  const how = page.exit_signal ??
    (page.exit_code === null ? "exit unknown" : `exit code ${page.exit_code}`);
  return `exited (${how}) after ${seconds}`;
}

/** How `started_by` names a client: `name/version`, or the name alone; null when unknown. */
function startedBy(client: ClientInfo | null): string | null {
  if (!client) return null;
  return client.version ? `${client.name}/${client.version}` : client.name;
}

function waitSummary(wait: ReadyOutcome): string {
  const seconds = `${(wait.waited_ms / 1000).toFixed(1)} s`;
  if (wait.ready) {
    return `ready after ${seconds}${wait.matched_line ? ` (log: ${wait.matched_line})` : ""}`;
  }
  const notMet = wait.not_met.length ? `; not met: ${wait.not_met.join(", ")}` : "";
  return wait.wait_result === "exited"
    ? `exited before it was ready, after ${seconds}${notMet}`
    : `not ready after ${seconds}${notMet}`;
}

function waitDetails(wait: ReadyOutcome): string[] {
  const lines: string[] = [];
  if (wait.port_conflict) {
    lines.push(describeConflict(wait.port_conflict));
  }
  if (wait.stderr_tail.length) lines.push("stderr (last lines):", ...indent(wait.stderr_tail));
  if (wait.stdout_tail.length) lines.push("stdout (last lines):", ...indent(wait.stdout_tail));
  return lines;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

const list = define({
  name: "list",
  title: "List managed processes",
  description:
    "List managed processes, running and recently ended, with their TCP ports. Check here before starting a dev server: it may be running.",
  inputSchema: { ...listInput, ...listOptions },
  outputSchema: listOutput,
  annotations: READ_ONLY,
  async run(hub, { log_dir, ...filter }, context) {
    const processes = await hub.list(filter);
    const text = processes.length === 0
      ? `No managed processes${
        filter.status ? ` with status ${[filter.status].flat().join(" or ")}` : ""
      }`
      : processes.map((p) =>
        `${summary(p)}${labelNamesPlace(p) ? "" : ` in ${p.working_directory}`}${
          p.ports.length
            ? `; ${p.status === "running" ? "" : "left running, "}listening on ${
              p.ports.join(", ")
            }`
            : ""
        }`
      ).join("\n");
    return {
      structured: {
        processes: processes.map((p) =>
          compactProcess(p, { logDir: log_dir, caller: startedBy(context.client) })
        ),
      },
      text: log_dir
        ? `${text}\n${processes.map((p) => `log_dir of PID ${p.pid}: ${p.log_dir}`).join("\n")}`
        : text,
    };
  },
});

const output = define({
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
    return {
      structured: compactOutputPage(page, logDir),
      text: [
        outputHeader(page, `${wait}${logDir ? `; log_dir: ${logDir}` : ""}`),
        ...stampedLines(page),
      ].join("\n"),
    };
  },
});

/** The one line above an output page's lines: whose, what span, what was left out, and where next. */
function outputHeader(page: OutputPage, suffix = ""): string {
  const notes = [
    page.omitted_lines > 0 && `${page.omitted_lines} more not shown`,
    page.skipped_lines > 0 && `${page.skipped_lines} dropped by the disk cap`,
    page.search_cut && "search cut at its time budget",
  ].filter(Boolean);
  return `# "${page.label}" PID ${page.pid} ${page.status}, ${page.stream}: ${page.output.length} line(s)${
    notes.length ? `; ${notes.join("; ")}` : ""
  }${suffix}; next_cursor: ${page.next_cursor}`;
}

function stampedLines(page: OutputPage): string[] {
  const times = page.times;
  return times
    ? page.output.map((line, i) => times[i] ? `${times[i]} ${line}` : line)
    : page.output;
}

/** The tool table, in the order agents see it. */
export const TOOLS: readonly ToolDefinition[] = [ctrl, list, output];
