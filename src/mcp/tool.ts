/**
 * What every tool of the table is: its definition (name, description, schemas, annotations and
 * what it does to the hub), what a door passes it besides its arguments, and what it answers;
 * with the few helpers all three tools share (who calls, how a wait reports, one process in
 * words).
 */
import type { z } from "zod";
import type { Hub, ProcessInfo, StopReport, WaitOptions } from "../core/mod.ts";
import { escapeControls } from "../core/process/mod.ts";
import type { ClientInfo } from "./client_info.ts";
import type { compactProcess } from "./compact.ts";

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

export function define<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/**
 * One process in words: `PID 41 "web" (failed, exit code 1)`. A default label (its command line)
 * shows its control characters as escapes, as on a terminal: a line of the text is one process.
 */
export function summary(p: ProcessInfo & Partial<StopReport>): string {
  const end = p.status === "running"
    ? ""
    : p.sigkill_needed
    ? ": SIGTERM did not end it, SIGKILL did"
    : p.exit_signal
    ? `, ${p.exit_signal}`
    : p.exit_code !== null
    ? `, exit code ${p.exit_code}`
    : "";
  return `PID ${p.pid} "${escapeControls(p.label)}" (${p.status}${end})`;
}

/**
 * What a process's text says of it besides its summary and ports, from its compact record, so
 * a client that gives its model the text (Gemini CLI) learns what one giving the structured
 * content learns (its times aside): ` in /src/app; runs npm run dev; assigned port 23885`.
 */
export function recordNotes(record: ReturnType<typeof compactProcess>): string {
  const notes = [
    record.command !== undefined && `runs ${record.command}`,
    // An assigned port it listens on is said with the ports (listeningWords).
    record.assigned_port !== undefined && !record.ports?.includes(record.assigned_port) &&
    `assigned port ${record.assigned_port}`,
    record.restarts !== undefined && `restarts: ${record.restarts}`,
    record.restart_at !== undefined && `next restart at ${record.restart_at}`,
    record.started_by !== undefined && `started by ${record.started_by}`,
    record.log_error !== undefined && `output not stored: ${record.log_error}`,
    record.log_warning !== undefined && record.log_warning,
  ].filter((note) => note !== false);
  const where = record.working_directory === undefined ? "" : ` in ${record.working_directory}`;
  // User data (a command, a folder, a client's name) with its control characters as escapes.
  return escapeControls(where + notes.map((note) => `; ${note}`).join(""));
}

/**
 * Where a process's tree listens, in words: `; listening on 23885 (assigned)`, or for what an
 * ended launcher left running `; left running, listening on 5432`.
 */
export function listeningWords(record: ReturnType<typeof compactProcess>): string {
  const ports = record.ports ?? [];
  if (ports.length === 0) return "";
  const words = ports.map((port) => `${port}${port === record.assigned_port ? " (assigned)" : ""}`);
  return `; ${record.status === "running" ? "" : "left running, "}listening on ${words.join(", ")}`;
}

/** Annotations of the tools that only read: list and output. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** A wait's abort signal, and its progress as MCP progress notifications when asked for. */
export function waitOptions(context: ToolContext): WaitOptions {
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

/** How `started_by` names a client: `name/version`, or the name alone; null when unknown. */
export function startedBy(client: ClientInfo | null): string | null {
  if (!client) return null;
  return client.version ? `${client.name}/${client.version}` : client.name;
}
