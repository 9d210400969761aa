/**
 * The records the supervisor hands to its doors. Field names are snake_case because they are
 * the wire format shared by the MCP tools, the HTTP API and `--format json`, kept compatible
 * with persistproc 0.2. A record's type is inferred from its zod schema (src/core/wire/), the
 * one source of each wire shape; the choices here are plain lists, so that a module using them
 * does not load zod.
 */
import type { z } from "zod";
import type { errorBodySchema, healthSchema } from "./wire/api_bodies.ts";
import type { listedProcessSchema, processInfoSchema, stopReportSchema } from "./wire/process.ts";
import type {
  processFilterSchema,
  processTargetSchema,
  readyConditionsSchema,
  startRequestSchema,
} from "./wire/requests.ts";

/** Where a managed process can be in its life: every door's status enum comes from here. */
export const PROCESS_STATUSES = ["running", "exited", "stopped", "failed"] as const;

/** Where a managed process is in its life. */
export type ProcessStatus = typeof PROCESS_STATUSES[number];

/** Which captured stream to read. */
export type StreamName = typeof STREAM_NAMES[number];

/** The captured streams that can be read: each alone, or both in arrival order. */
export const STREAM_NAMES = ["stdout", "stderr", "combined"] as const;

/** A snapshot of one managed process, as every door reports it (see wire/process.ts). */
export type ProcessInfo = z.infer<typeof processInfoSchema>;

/** How a caller names a process: a pid, else a label, else a command (+ directory). */
export type ProcessTarget = z.infer<typeof processTargetSchema>;

/** What `list` narrows on: a target's fields, and who started the process. */
export type ProcessFilter = z.infer<typeof processFilterSchema>;

/** Which runs `output` reads: only the latest (re)start's, or all retained (the default). */
export const OUTPUT_RUNS = ["current", "all"] as const;

/** The restart policies: never (default), only after a failure, or always. */
export const AUTORESTART_POLICIES = ["no", "on-failure", "always"] as const;

/** Restart policy of a process. */
export type AutorestartPolicy = typeof AUTORESTART_POLICIES[number];

/**
 * What a start does when the label already runs: refuse, naming its PID (`error`, the
 * default), return the running one as it is (`keep`), or restart it (`restart`).
 */
export type IfRunning = typeof IF_RUNNING[number];

/** The choices of `if_running`, the first the default. */
export const IF_RUNNING = ["error", "keep", "restart"] as const;

/** What to wait for after a start or restart, as callers give it; every condition must hold. */
export type ReadyConditions = z.infer<typeof readyConditionsSchema>;

/** What `start` needs: the command and where, how to treat a running label, and what to wait for. */
export type StartRequest = z.infer<typeof startRequestSchema>;

/** A process as `list` gives it: with the TCP ports its tree listens on. */
export type ListedProcess = z.infer<typeof listedProcessSchema>;

/** One event of a process's life, as followers see it. */
export type ProcessEvent =
  | { type: "line"; stream: "stdout" | "stderr"; time: string; text: string }
  /** The newest frame of a line still being redrawn with `\r`; stored as a line once it ends. */
  | { type: "frame"; stream: "stdout" | "stderr"; time: string; text: string }
  | { type: "start"; process: ProcessInfo }
  | { type: "exit"; process: ProcessInfo; restarting: boolean };

/** What a stop found about the ports its process tree had been listening on. */
export type StopReport = z.infer<typeof stopReportSchema>;

/** A failed JSON API request's body (see wire/api_bodies.ts). */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** What the JSON API's `GET /api/health` answers. */
export type Health = z.infer<typeof healthSchema>;
