/**
 * Adopting a process that runs outside persistproc, step two, once a person agreed to the plan
 * (./adoption_plan.ts): its whole tree is stopped (SIGTERM, SIGKILL after a stop's grace), and
 * the same command starts in the same folder with the same environment under the default
 * label, waiting for the port it held. Each door asks before it calls this: the CLI with a
 * `[y/N]` prompt, MCP through elicitation or a second call with `confirm: true`.
 */
import { CannotAdoptError } from "../errors.ts";
import type { Hub } from "../hub.ts";
import { ProcessTree } from "../process/tree.ts";
import { stopTree } from "../process/tree_stop.ts";
import { type ControlOutcome, startWhenReady } from "../ready/readiness.ts";
import type { WaitOptions } from "../ready/ready_wait.ts";
import { isSameProcess } from "../system/processes.ts";
import type { AdoptionPlan, PreparedAdoption } from "./adoption_plan.ts";

export { type AdoptionPlan, type AdoptionRequest, prepareAdoption } from "./adoption_plan.ts";

/** How long the adopted tree gets after SIGTERM, as a stop of a managed process does. */
const GRACE_MS = 8_000;

/** What adopting did: the plan carried out, how the old tree ended, and the new start. */
export interface AdoptionOutcome extends ControlOutcome {
  plan: AdoptionPlan;
  /** The signal that ended the old tree (SIGKILL when SIGTERM's grace ran out). */
  stopped_with: "SIGTERM" | "SIGKILL" | null;
}

/**
 * Stops the process's tree and starts its command under persistproc, as prepared. Refuses when
 * the pid no longer names the process looked at; throws CannotAdoptError, starting nothing,
 * when part of the tree survives SIGKILL.
 */
export async function carryOutAdoption(
  hub: Hub,
  { plan, token, environment }: PreparedAdoption,
  startedBy: string | null,
  wait: WaitOptions = {},
): Promise<AdoptionOutcome> {
  if (!isSameProcess(plan.pid, token)) {
    throw new CannotAdoptError(`PID ${plan.pid} ended or changed since it was looked at`);
  }
  const tree = new ProcessTree(plan.pid, token);
  const stopped = await stopTree(tree, { graceMs: GRACE_MS });
  if (stopped.survivors.length > 0) {
    const pids = stopped.survivors.map(({ pid }) => pid).join(", ");
    throw new CannotAdoptError(`Cannot adopt PID ${plan.pid}: PID ${pids} survived SIGKILL`);
  }
  const outcome = await startWhenReady(
    hub,
    {
      command: plan.command,
      working_directory: plan.working_directory,
      ...(environment ? { environment, inherit_environment: false } : {}),
      started_by: startedBy,
    },
    plan.wait_for_port === null ? {} : { wait_for_port: plan.wait_for_port },
    wait,
  );
  return { ...outcome, plan, stopped_with: stopped.signal };
}
