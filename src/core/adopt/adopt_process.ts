/**
 * The adopt verb: take over a process that runs outside persistproc. Without `confirm` it
 * only says what adopting would do (./adoption_plan.ts); each door asks a person before it
 * calls again with `confirm`: the CLI with a `[y/N]` prompt, MCP through elicitation or a
 * second call with `confirm: true`, which is refused unless that process's plan was shown
 * first. Then the whole tree is stopped (SIGTERM, SIGKILL after a
 * stop's grace), and the same command starts in the same folder with the same environment
 * under the default label, waiting for the port it held.
 */
import { CannotAdoptError } from "../errors.ts";
import type { WaitOptions } from "../hub.ts";
import { ProcessTree } from "../process/tree.ts";
import { stopTree } from "../process/tree_stop.ts";
import { startWhenReady } from "../ready/readiness.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import { isSameProcess } from "../system/processes.ts";
import { STOP_GRACE_SECONDS } from "../supervisor/supervisor_defaults.ts";
import { type AdoptionPlan, prepareAdoption } from "./adoption_plan.ts";
import type { z } from "zod";
import type { adoptRequestSchema } from "../wire/requests.ts";
import type { adoptResultSchema } from "../wire/results.ts";

export type { AdoptionPlan };

/**
 * The processes (pid and start token) whose plans were shown in the last SHOWN_FOR_MS, so a
 * confirm carries out only a plan a person could have seen. Kept per server, in memory: a
 * plan shown before a restart is shown again.
 */
const shownPlans = new Map<string, number>();
const SHOWN_FOR_MS = 15 * 60_000;

/** How long the adopted tree gets after SIGTERM, as a stop of a managed process does. */
const GRACE_MS = STOP_GRACE_SECONDS * 1_000;

/** What the adopt verb takes: the process (a pid, or the holder of a port), and consent. */
export type AdoptRequest = z.infer<typeof adoptRequestSchema>;

/**
 * What the adopt verb answers: the plan and `adopted: false` until consent is given; then the
 * process started in its place and how the old tree ended (see wire/results.ts).
 */
export type AdoptResult = z.infer<typeof adoptResultSchema>;

/**
 * Looks at the process and, with `confirm`, stops its tree and starts its command under
 * persistproc. Refuses when the pid no longer names the process looked at; throws
 * CannotAdoptError, starting nothing, when part of the tree survives SIGKILL.
 */
export async function adoptProcess(
  core: Supervision,
  request: AdoptRequest,
  wait: WaitOptions = {},
): Promise<AdoptResult> {
  const { plan, token, environment } = await prepareAdoption(core, request);
  const shown = `${plan.pid} ${token}`;
  const now = Date.now();
  for (const [key, at] of shownPlans) if (now - at > SHOWN_FOR_MS) shownPlans.delete(key);
  if (!request.confirm) {
    shownPlans.set(shown, now);
    return { adopted: false, adoption: plan };
  }
  // Consent is to a plan someone saw: not a confirm sent first, nor a process that took the
  // port (or the pid) while the person was being asked.
  if (!shownPlans.delete(shown)) {
    throw new CannotAdoptError(
      `PID ${plan.pid} was not shown for adoption: call adopt without confirm, show its plan to the user, and confirm only if they agree`,
    );
  }
  if (!isSameProcess(plan.pid, token)) {
    throw new CannotAdoptError(`PID ${plan.pid} ended or changed since it was looked at`);
  }
  const tree = new ProcessTree(plan.pid, token);
  const stopped = await stopTree(tree, { graceMs: GRACE_MS });
  if (stopped.survivors.length > 0) {
    const pids = stopped.survivors.map(({ pid }) => pid).join(", ");
    throw new CannotAdoptError(`Cannot adopt PID ${plan.pid}: PID ${pids} survived SIGKILL`);
  }
  const started = await startWhenReady(core, {
    command: plan.command,
    working_directory: plan.working_directory,
    ...(environment ? { environment, inherit_environment: false } : {}),
    started_by: request.started_by ?? null,
    ...(plan.wait_for_port === null
      ? {}
      : { wait_for_port: plan.wait_for_port, wait_timeout: request.wait_timeout }),
  }, wait);
  return { ...started, adopted: true, adoption: plan, stopped_with: stopped.signal };
}
