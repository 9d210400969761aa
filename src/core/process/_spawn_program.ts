/**
 * Spawning the program of a spec for a new run: it must be found executable first, and its
 * output capture is prepared before the spawn and abandoned if the spawn fails.
 */
import { CommandNotFoundError } from "../errors.ts";
import type { ProcessOutput } from "../output/process_output.ts";
import type { RunReason } from "../output/output_store.ts";
import { findExecutable } from "./executable.ts";
import { type GatedChild, spawnGated } from "./gated_spawn.ts";
import type { ProcessSpec } from "./process_spec.ts";
import { RUN_DEFAULTS } from "./environment.ts";
import { TREE_MARKER } from "./tree_marker.ts";

/**
 * Spawns the spec's program held at the gate (see ./gated_spawn.ts), with its output wired as
 * `output` plans it, the run's tree `marker` added to the spec's environment and RUN_DEFAULTS
 * under it (the spec's own value of one wins); returns the child and whether its output is
 * piped. Throws CommandNotFoundError when the program cannot be executed.
 */
export function spawnProgram(
  spec: ProcessSpec,
  output: Pick<ProcessOutput, "prepare" | "abandon">,
  reason: RunReason,
  marker: string,
): { spawned: GatedChild; piped: boolean } {
  const program = spec.argv[0];
  const env = { ...RUN_DEFAULTS, ...spec.environment, [TREE_MARKER]: marker };
  if (!findExecutable(program, spec.working_directory, env)) {
    throw new CommandNotFoundError(
      `Cannot run "${program}": command not found or not executable (working directory ${spec.working_directory})`,
    );
  }
  const plan = output.prepare(spec.argv, reason);
  try {
    const spawned = spawnGated({
      argv: plan.argv,
      cwd: spec.working_directory,
      env,
      piped: plan.piped,
    });
    return { spawned, piped: plan.piped };
  } catch (error) {
    output.abandon();
    throw new CommandNotFoundError(`Cannot run "${program}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}
