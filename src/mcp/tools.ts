/**
 * The three tools, as data: name, description, schemas, annotations and what each does to the
 * hub. The MCP server and the HTTP API both serve this one table, so every door behaves alike.
 */
import type { z } from "zod";
import type { Supervisor } from "../core/supervisor.ts";
import type { ProcessInfo } from "../core/types.ts";
import {
  ctrlInput,
  ctrlOutput,
  listInput,
  listOutput,
  outputInput,
  outputOutput,
} from "./schemas.ts";

/** What the tools need of the core. */
export type Hub = Pick<Supervisor, "start" | "stop" | "restart" | "list" | "output">;

/** A tool's result: the structured content and a short text rendering of it. */
export interface ToolResult {
  structured: Record<string, unknown>;
  text: string;
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
  run(hub: Hub, args: z.infer<z.ZodObject<Shape>>): Promise<ToolResult>;
}

function define<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

function summary(p: ProcessInfo): string {
  const end = p.status === "running"
    ? ""
    : p.exit_signal
    ? `, ${p.exit_signal}`
    : p.exit_code !== null
    ? `, exit code ${p.exit_code}`
    : "";
  return `PID ${p.pid} "${p.label}" (${p.status}${end})`;
}

const ctrl = define({
  name: "ctrl",
  title: "Start, stop or restart a process",
  description:
    "Start, stop or restart a long-running process (dev server, watcher, database) that persistproc owns, so every agent and terminal shares it. Start refuses a second copy of a running label and names its PID: restart that one instead. Stop ends the whole process tree.",
  inputSchema: ctrlInput,
  outputSchema: ctrlOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async run(hub, args) {
    const target = {
      pid: args.pid,
      command_or_label: args.command_or_label,
      working_directory: args.working_directory,
    };
    let info: ProcessInfo;
    if (args.action === "start") {
      if (args.pid !== undefined) {
        throw new TypeError("start takes the command in command_or_label, not a pid");
      }
      if (!args.command_or_label) {
        throw new TypeError("start needs command_or_label: the command to run");
      }
      info = await hub.start({
        command: args.command_or_label,
        working_directory: args.working_directory ?? "",
        environment: args.environment,
        label: args.label,
        autorestart: args.autorestart,
      });
    } else if (args.action === "stop") {
      info = await hub.stop(target, { force: args.force });
    } else {
      info = await hub.restart(target, { force: args.force });
    }
    const verb = { start: "started", stop: "stopped", restart: "restarted" }[args.action];
    return {
      structured: {
        action: args.action,
        pid: info.pid,
        label: info.label,
        status: info.status,
        exit_code: info.exit_code,
        exit_signal: info.exit_signal,
        log_stdout: info.log_stdout,
        log_stderr: info.log_stderr,
        log_combined: info.log_combined,
        process: info,
      },
      text: `${verb} ${summary(info)}; log: ${info.log_combined}`,
    };
  },
});

const list = define({
  name: "list",
  title: "List managed processes",
  description:
    "List the processes persistproc manages (running and recently ended) with PID, label, status, exit code and log paths. Check here before starting a dev server: it may already be running.",
  inputSchema: listInput,
  outputSchema: listOutput,
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run(hub, args) {
    const processes = hub.list(args);
    const text = processes.length === 0
      ? "No managed processes"
      : processes.map((p) => `${summary(p)} in ${p.working_directory}`).join("\n");
    return Promise.resolve({ structured: { processes }, text });
  },
});

const output = define({
  name: "output",
  title: "Read a process's output",
  description:
    "Read the newest captured output lines of a managed process (running or ended), by PID, label or command; optionally only one stream or a time window. Use it to see errors instead of asking the user to copy them.",
  inputSchema: outputInput,
  outputSchema: outputOutput,
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run(hub, args) {
    const result = hub.output(args);
    const head =
      `${result.output.length} line(s) of ${result.stream} from PID ${result.pid} "${result.label}" (${result.status})`;
    return Promise.resolve({
      structured: { ...result },
      text: [head, ...result.output].join("\n"),
    });
  },
});

/** The tool table, in the order agents see it. */
export const TOOLS: readonly ToolDefinition[] = [ctrl, list, output];
