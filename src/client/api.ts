/**
 * The HTTP API's request and response bodies, as the client sees them. The tool arguments
 * mirror the MCP tools one to one; the records inside come from the core's wire types.
 */

import type { AdoptionPlan } from "../core/adopt/adoption_plan.ts";
import type { OutputPage, OutputRequest } from "../core/output/query.ts";
import type { OutputWaitRequest, WaitedOutputPage } from "../core/output/output_wait.ts";
import type { ReadyConditions } from "../core/ready/conditions.ts";
import type { IfRunning } from "../core/ready/readiness.ts";
import type { ReadyOutcome } from "../core/ready/ready_wait.ts";
import type { ProcessInfo, ProcessTarget, StopReport } from "../core/types.ts";

export type { WaitedOutputPage };

/** The wait fields of an `output` call. */
export type OutputWaitFields = Pick<
  OutputWaitRequest,
  "wait_for_log" | "wait_for_exit" | "wait_timeout"
>;

export type { IfRunning, OutputPage, OutputRequest, ProcessTarget, ReadyConditions, ReadyOutcome };

/** What `GET /api/health` answers: who is listening, and where it keeps its data. */
export interface Health {
  name: string;
  version: string;
  pid: number;
  port: number;
  data_dir: string;
}

/** Arguments of the `ctrl` tool: start a command, or stop/restart a target. */
export interface CtrlArgs extends ProcessTarget, ReadyConditions {
  action: "start" | "stop" | "restart";
  environment?: Record<string, string>;
  /** False: the process gets exactly `environment`, nothing of the server's. */
  inherit_environment?: boolean;
  force?: boolean;
  label?: string;
  /** start: what to do when the label already runs. */
  if_running?: IfRunning;
  /** start: the variable in which to pass an assigned port, e.g. "PORT". */
  assign_port?: string;
}

/** What the `ctrl` tool answers: the process it acted on, after the action. */
export interface CtrlResult extends ProcessInfo {
  action: CtrlArgs["action"];
  /** TCP ports the process's tree listens on. */
  ports: number[];
  /** stop, restart: the ports the (old) tree had held that are free now. */
  freed_ports?: StopReport["freed_ports"];
  /** stop, restart: the ports the (old) tree had held that are still held, and by whom. */
  held_ports?: StopReport["held_ports"];
  /** stop, restart: SIGTERM did not end the (old) tree, SIGKILL did. */
  sigkill_needed?: true;
  /** stop: the process was waiting for autorestart, which is cancelled. */
  autorestart_cancelled?: true;
  /** start with `if_running: "keep"`: the running process was returned. */
  already_running?: boolean;
}

/** `ctrl` with wait_for_* conditions also says how the wait ended. */
export type WaitedCtrlResult = CtrlResult & Partial<ReadyOutcome>;

/** Arguments of ctrl's adopt action: the process (pid, or the holder of port), and consent. */
export interface AdoptArgs {
  pid?: number;
  port?: number;
  /** The user agreed to the plan a first call returned. */
  confirm?: boolean;
}

/**
 * What ctrl's adopt action answers: the plan and `adopted: false` until consent is given;
 * then the process started in its place, with its ports and the wait for the port it held.
 */
export type AdoptResult =
  | { action: "adopt"; adopted: false; adoption: AdoptionPlan }
  | (
    & { action: "adopt"; adopted: true; adoption: AdoptionPlan; ports: number[] }
    & ProcessInfo
    & Partial<ReadyOutcome>
  );

/** What the `list` tool answers. */
export interface ListResult {
  processes: (ProcessInfo & { ports: number[] })[];
}
