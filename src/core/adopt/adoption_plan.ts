/**
 * Adopting a process that runs outside persistproc, step one: what would be done. The process
 * named by pid, or the one listening on a port, is looked at (command line, working directory,
 * environment, owner, parent), refused when it is not this user's to take (another user's,
 * PID 1, the server, a managed process or one the server started), and described: which tree
 * would be stopped, what would run in its place, under which label, and which port would be
 * waited for. Nothing is stopped here; see ./adopt_process.ts.
 */
import { CannotAdoptError, InvalidArgumentError, ProcessNotFoundError } from "../errors.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import { findPortHolders, listeningPorts } from "../ports/listeners.ts";
import { ProcessTree } from "../process/tree.ts";
import { refreshTree } from "../process/tree_stop.ts";
import {
  type DetailsSource,
  ownUid,
  type ProcessDetails,
  processDetails,
} from "../system/process_details.ts";
import { processStartToken, processTable } from "../system/processes.ts";
import { commandOf, describeLimits, interactiveShell, isLauncher } from "./_launchers.ts";
import type { AdoptRequest } from "./adopt_process.ts";
import type { z } from "zod";
import type { adoptionPlanSchema } from "../wire/results.ts";

/** What to adopt: a pid, or the port its holder listens on. */
type AdoptionRequest = Pick<AdoptRequest, "pid" | "port">;

/** What adopting would do, as every door shows it before asking (see wire/results.ts). */
export type AdoptionPlan = z.infer<typeof adoptionPlanSchema>;

/** A plan, with what carrying it out needs and no door shows. */
interface PreparedAdoption {
  plan: AdoptionPlan;
  /** The start token of `plan.pid`, so a pid reused meanwhile is never stopped. */
  token: string;
  environment: Record<string, string> | null;
}

/** How many launcher levels (npm, sh -c) are climbed at most from the process named. */
const MAX_CLIMB = 4;

/**
 * Looks at the process and says what adopting it would do; throws CannotAdoptError (or
 * ProcessNotFoundError) when it must not or cannot be adopted. `source` forces how the
 * process is read (for tests of the `ps` way on Linux).
 */
export async function prepareAdoption(
  core: Supervision,
  request: AdoptionRequest,
  source?: DetailsSource,
): Promise<PreparedAdoption> {
  const named = await namedPid(request);
  refuseManaged(core, named);
  const details = processDetails(named, source);
  if (details === null) throw new ProcessNotFoundError(`No process with PID ${named}`);
  refuseForeign(details);
  const root = climbLaunchers(details, source);
  if (root.pid !== named) {
    // The launcher's tree is what would be stopped: it must not hold the server or a managed
    // process either (`sh -c "persistproc serve & vite"`).
    refuseManaged(core, root.pid);
    refuseForeign(root);
  }
  if (root.argv === null && root.commandLine === "") {
    throw new CannotAdoptError(`Cannot adopt PID ${root.pid}: its command line cannot be read`);
  }
  if (root.cwd === null) {
    throw new CannotAdoptError(
      `Cannot adopt PID ${root.pid}: its working directory cannot be read`,
    );
  }
  const token = processStartToken(root.pid);
  if (token === null) throw new ProcessNotFoundError(`PID ${root.pid} has ended`);
  const command = commandOf(root);
  const { label, working_directory } = await core.specOf({
    command,
    working_directory: root.cwd,
  });
  const ports = await treePorts(root, token);
  const parent = processDetails(root.ppid, source);
  return {
    plan: {
      pid: root.pid,
      named_pid: named,
      command,
      working_directory,
      label,
      environment_variables: root.environment && Object.keys(root.environment).length,
      ports,
      wait_for_port: request.port ?? ports[0] ?? null,
      terminal: parent ? interactiveShell(parent) : null,
      limits: describeLimits(root),
    },
    token,
    environment: root.environment,
  };
}

/** The pid asked for, or the one listening on the port asked for. */
async function namedPid({ pid, port }: AdoptionRequest): Promise<number> {
  if ((pid === undefined) === (port === undefined)) {
    throw new InvalidArgumentError("adopt takes either a pid or a port");
  }
  if (pid !== undefined) return pid;
  if (!Number.isInteger(port) || port! < 1 || port! > 65_535) {
    throw new InvalidArgumentError(`Invalid port ${port}: expected a whole number from 1 to 65535`);
  }
  const holders = await findPortHolders(port!);
  if (holders === null) {
    throw new CannotAdoptError(`Cannot tell which process listens on port ${port} here`);
  }
  if (holders.length === 0) {
    throw new CannotAdoptError(`Nothing listens on port ${port}: there is nothing to adopt`);
  }
  const holder = holders.find((h) => h.pid !== null);
  if (!holder) {
    throw new CannotAdoptError(
      `Cannot adopt the holder of port ${port}: it is another user's process`,
    );
  }
  return holder.pid!;
}

/** Refuses the server itself and any process in a managed process's tree. */
function refuseManaged(core: Supervision, pid: number): void {
  if (pid === Deno.pid) {
    throw new CannotAdoptError(`Cannot adopt PID ${pid}: it is the persistproc server itself`);
  }
  for (const process of core.records()) {
    const running = process.status === "running";
    if ((running && process.pid === pid) || core.treeMembers(process.pid).includes(pid)) {
      throw new CannotAdoptError(
        running
          ? `PID ${pid} is already managed as "${process.label}": restart it instead`
          : `PID ${pid} was left running by managed process "${process.label}": stop it instead`,
      );
    }
  }
}

/** Refuses PID 1, another user's process, and the server's ancestors and descendants. */
function refuseForeign(details: ProcessDetails): void {
  const { pid } = details;
  if (pid === 1) throw new CannotAdoptError("Cannot adopt PID 1: it is the system's init process");
  const uid = ownUid();
  if (details.uid === null || (uid !== null && details.uid !== uid)) {
    throw new CannotAdoptError(`Cannot adopt PID ${pid}: it belongs to another user`);
  }
  const parents = new Map((processTable() ?? []).map((entry) => [entry.pid, entry.ppid]));
  if (ancestors(pid, parents).includes(Deno.pid)) {
    throw new CannotAdoptError(`Cannot adopt PID ${pid}: the persistproc server started it`);
  }
  if (ancestors(Deno.pid, parents).includes(pid)) {
    throw new CannotAdoptError(`Cannot adopt PID ${pid}: the persistproc server runs inside it`);
  }
}

/** The parent, grandparent... of `pid`, up to init, from one look at the process table. */
function ancestors(pid: number, parents: ReadonlyMap<number, number>): number[] {
  const found: number[] = [];
  for (let at = parents.get(pid); at !== undefined && at > 1 && found.length < 64;) {
    found.push(at);
    at = parents.get(at);
  }
  return found;
}

/**
 * The launcher that started the process, when it was started through one that exists only to
 * run it in the same folder and process group (`npm run dev` runs `sh -c vite`, which runs
 * node): adopting the launcher runs `npm run dev` again, as the person typed it.
 */
function climbLaunchers(details: ProcessDetails, source?: DetailsSource): ProcessDetails {
  let root = details;
  for (let i = 0; i < MAX_CLIMB; i++) {
    const parent = processDetails(root.ppid, source);
    if (
      !parent || parent.pid <= 1 || parent.pid === Deno.pid || parent.uid !== root.uid ||
      parent.pgid !== root.pgid || parent.sid === parent.pid || parent.cwd !== root.cwd ||
      !isLauncher(parent)
    ) break;
    root = parent;
  }
  return root;
}

/** The ports the tree of `root` listens on now. */
async function treePorts(root: ProcessDetails, token: string): Promise<number[]> {
  const tree = new ProcessTree(root.pid, token);
  // The group counts as the tree's only when the root leads it (a job started from a shell).
  refreshTree(tree, root.pgid === root.pid);
  const groups = new Set(root.pgid === root.pid ? [root.pid] : []);
  const ports = await listeningPorts([root.pid], () => tree.pids, groups);
  return ports.get(root.pid) ?? [];
}

/** The plan in words, as each door shows it before asking (CLI prompt, MCP dialog or reply). */
export function describePlan(plan: AdoptionPlan): string {
  const named = plan.named_pid === plan.pid ? "" : ` (launcher of PID ${plan.named_pid})`;
  const lines = [
    `stop PID ${plan.pid}${named} and its whole tree, then run "${plan.command}" in ${plan.working_directory} under persistproc as "${plan.label}"` +
    (plan.wait_for_port === null ? "" : `, waiting for port ${plan.wait_for_port}`),
  ];
  if (plan.terminal) lines.push(`it was started from ${plan.terminal}, which will see it end`);
  for (const limit of plan.limits) lines.push(`note: ${limit}`);
  return lines.join("\n");
}
