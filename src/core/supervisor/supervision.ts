/**
 * What the Hub's composite verbs (start and restart with their waits, output with its wait)
 * need of the Supervisor in the same process: its registry's entries themselves, so that a
 * verb resolves its target once and then works on the entry it found, never asking the Hub
 * again. Only the Supervisor makes one; no door sees it.
 */
import type { StopOptions } from "../hub.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { ProcessSpec } from "../process/process_spec.ts";
import type {
  AutorestartPolicy,
  ProcessFilter,
  ProcessInfo,
  ProcessTarget,
  StartRequest,
  StopReport,
} from "../types.ts";

/** The Supervisor's inside, as the composite verbs use it; see the module comment. */
export interface Supervision {
  /** What a start request launches: its label, real directory, argv and environment. */
  specOf(request: StartRequest): Promise<ProcessSpec>;
  /**
   * Launches `spec` under its label; refuses a label that runs (AlreadyRunningError).
   * Resolves with the entry, running.
   */
  launch(spec: ProcessSpec, autorestart?: AutorestartPolicy): Promise<ManagedProcess>;
  /**
   * Stops the entry's run, if any, and launches it again as it was; resolves with what the
   * stop found of its ports (each list only when not empty).
   */
  restart(entry: ManagedProcess, options: StopOptions): Promise<Partial<StopReport>>;
  /** The one entry a target names (NotFoundError). */
  resolve(target: ProcessTarget): ManagedProcess;
  /** The entry registered under a label, if any. */
  byLabel(label: string): ManagedProcess | undefined;
  /** The records of the entries matching the filter (all when empty), oldest start first. */
  records(filter?: ProcessFilter): ProcessInfo[];
  /** The pids of a process's tree: the program and every descendant seen. */
  treeMembers(pid: number): number[];
  /** Records a `ready` event: a wait found the entry ready, having met `met`. */
  noteReady(entry: ManagedProcess, met: string[]): void;
}
