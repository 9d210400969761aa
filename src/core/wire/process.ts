/**
 * The process records every door reports, as zod schemas: the core's types are inferred from
 * them (src/core/types.ts), the MCP tools' compact output schemas are derived from them
 * (src/mcp/schemas.ts), and the JSON API answers with them. Field names are snake_case: the
 * wire format shared by the MCP tools, the HTTP API and `--format json`, kept compatible with
 * persistproc 0.2. Records leave their numbers unbounded here (a bound belongs to what a caller
 * sends, see requests.ts), so the output schemas render as plain numbers.
 */
import { z } from "zod";
import { PROCESS_STATUSES } from "../types.ts";

/** Where a managed process is in its life. */
export const processStatusSchema = z.enum(PROCESS_STATUSES);

/** A snapshot of one managed process, as every door reports it. */
export const processInfoSchema = z.object({
  pid: z.number(),
  label: z.string(),
  /** The command as given by the caller. */
  command_line: z.string(),
  /** The argv actually executed (`["/bin/sh", "-c", ...]` for shell commands). */
  command: z.array(z.string()),
  working_directory: z.string(),
  status: processStatusSchema,
  start_time: z.string(),
  end_time: z.string().nullable(),
  exit_code: z.number().nullable(),
  /** The signal that ended the process, e.g. `"SIGKILL"`, or null. */
  exit_signal: z.string().nullable(),
  /** How many times this entry was restarted. */
  restarts: z.number(),
  /**
   * Who started it: an MCP client's `name/version`, `cli` or `dashboard` (as the caller named
   * itself); null when unknown. Restarts, by anyone, keep it.
   */
  started_by: z.string().nullable(),
  /** The TCP port assigned to it with `assign_port` (passed in that variable), or null. */
  assigned_port: z.number().nullable(),
  /** The directory holding the process's stored output. */
  log_dir: z.string(),
  /** Set when the server's shutdown is what stopped it (not a stop request, not a crash). */
  ended_by_shutdown: z.literal(true).optional(),
  /** Why output cannot be stored right now (it is retried), when that is so. */
  log_error: z.string().optional(),
  /** Why disk use is bounded by rotation rather than hole punching, when that is so. */
  log_warning: z.string().optional(),
  /** In `list`: while autorestart backs off, when it will start the process again. */
  restart_at: z.string().nullable().optional(),
});

/** The TCP ports a process's tree listens on (once ended: what it left running). */
export const portsSchema = z.array(z.number());

/** A process as `list` gives it: with the TCP ports its tree listens on. */
export const listedProcessSchema = processInfoSchema.extend({ ports: portsSchema });

/** What `persistproc list --format json` prints: every process the filter matched. */
export const listResultSchema = z.object({ processes: z.array(listedProcessSchema) });

/** A process that holds a port, as a port conflict or a stop report names it. */
export const portHolderSchema = z.object({
  port: z.number(),
  /** Null when the OS does not show the holder (another user's process). */
  pid: z.number().nullable(),
  command: z.string().nullable(),
  /** The label when the holder belongs to a managed process's tree. */
  label: z.string().nullable(),
});

/** What a stop found about the ports its process tree had been listening on. */
export const stopReportSchema = z.object({
  /** Ports the tree listened on before the stop that are now free. */
  freed_ports: z.array(z.number()),
  /** Ports the tree listened on that are still held after it, and by whom. */
  held_ports: z.array(portHolderSchema),
  /**
   * Only when so: SIGTERM did not end the tree within the grace period, and SIGKILL did. (A
   * shell running the program may still have ended on SIGTERM, as `exit_signal` then says.)
   */
  sigkill_needed: z.literal(true).optional(),
  /** Only when so: the process had ended and was waiting for autorestart, which will not come. */
  autorestart_cancelled: z.literal(true).optional(),
});
