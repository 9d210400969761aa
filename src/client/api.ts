/**
 * The HTTP API's bodies as the client's callers (the CLI) see them: the Hub's own records (see
 * src/core/hub.ts), the server's health, and the CLI's start/stop/restart call, which takes
 * its action as a word the way the MCP tool does.
 */

import type { z } from "zod";
import type {
  Health,
  IfRunning,
  ProcessTarget,
  ReadyConditions,
  StartRequest,
  StartResult,
} from "../core/mod.ts";
import type {
  OutputPage,
  OutputRequest,
  OutputWaitRequest,
  WaitedOutputPage,
} from "../core/output/mod.ts";
import type { ReadyOutcome } from "../core/ready/mod.ts";
import type { listResultSchema } from "../core/wire/mod.ts";

export type {
  Health,
  IfRunning,
  OutputPage,
  OutputRequest,
  ProcessTarget,
  ReadyConditions,
  ReadyOutcome,
  WaitedOutputPage,
};

/** The wait fields of an `output` call. */
export type OutputWaitFields = Pick<
  OutputWaitRequest,
  "wait_for_log" | "wait_for_exit" | "wait_timeout"
>;

/** A start, stop or restart as the CLI asks for it: start a command, or stop/restart a target. */
export interface CtrlArgs extends
  ProcessTarget,
  ReadyConditions,
  Pick<
    StartRequest,
    | "environment"
    | "inherit_environment"
    | "label"
    | "if_running"
    | "assign_port"
    | "autorestart"
    | "notify_on_log"
  > {
  action: "start" | "stop" | "restart";
  force?: boolean;
}

/** What a start, stop or restart answers, with its action: as the `ctrl` tool's result. */
type CtrlResult = StartResult & { action: CtrlArgs["action"] };

/** A start or restart with wait_for_* conditions also says how the wait ended. */
export type WaitedCtrlResult = CtrlResult & Partial<ReadyOutcome>;

/** What `persistproc list --format json` prints, as the `list` tool answers. */
export type ListResult = z.infer<typeof listResultSchema>;
