/**
 * The environment a managed process runs with. It is computed once, when the process is
 * started, and kept whole: every restart, by this server or a later one, reuses exactly it,
 * with the run's own tree marker added at each launch (see ./tree_marker.ts).
 */
import { InvalidArgumentError } from "../errors.ts";
import { TREE_MARKER } from "./tree_marker.ts";

/**
 * Checks that every name can be passed to a program: non-empty, without `=` or NUL (either
 * would make the name unrepresentable in `NAME=value`), and values without NUL. Throws a
 * InvalidArgumentError naming the first bad variable.
 */
export function validateEnvironment(environment: Record<string, string>): void {
  for (const [name, value] of Object.entries(environment)) {
    if (name === "" || name.includes("=") || name.includes("\0")) {
      throw new InvalidArgumentError(
        `Invalid environment variable name ${
          JSON.stringify(name)
        }: a name must be non-empty and contain no "=" or NUL character`,
      );
    }
    if (typeof value !== "string" || value.includes("\0")) {
      throw new InvalidArgumentError(
        `Invalid value of environment variable "${name}": a value must be a string without NUL characters`,
      );
    }
  }
}

/**
 * Variables every run gets unless its environment sets them: what a program needs so that its
 * output is heard while it runs. Python buffers stdout in blocks when it is not a terminal, so
 * a server's "Serving HTTP on ..." would wait in its buffer while the port already listens.
 */
export const RUN_DEFAULTS: Readonly<Record<string, string>> = { PYTHONUNBUFFERED: "1" };

/** How a start asks for its environment. */
interface EnvironmentRequest {
  /** Variables the caller gives. */
  environment?: Record<string, string>;
  /** True (default): on top of `baseline`. False: exactly `environment`, nothing else. */
  inherit?: boolean;
}

/**
 * The whole environment of a process being started: `baseline` plus the caller's variables,
 * or the caller's variables alone, minus every name in `hidden` (secrets of the server, such
 * as its token, that must never reach a child). Throws InvalidArgumentError for a bad variable.
 */
export function startEnvironment(
  request: EnvironmentRequest,
  baseline: Record<string, string>,
  hidden: readonly string[] = [],
): Record<string, string> {
  const given = request.environment ?? {};
  validateEnvironment(given);
  const environment = request.inherit === false ? { ...given } : { ...baseline, ...given };
  for (const name of hidden) delete environment[name];
  // A caller inside another managed process passes that run's marker on: each run gets its own.
  delete environment[TREE_MARKER];
  return environment;
}
