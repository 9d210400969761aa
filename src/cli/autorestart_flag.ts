/**
 * The `--autorestart` flag of `start` and `run`: the policy the MCP tool's `autorestart` takes.
 */

import { AUTORESTART_POLICIES, type AutorestartPolicy } from "../core/mod.ts";
import { UsageError } from "./args.ts";

/** The flag, in a command's flag spec. */
export const AUTORESTART_FLAG = { autorestart: { type: "string" } } as const;

/** The flag's lines for a command's help. */
export const AUTORESTART_HELP =
  `  --autorestart POLICY          no (default), on-failure or always: start it again when it
                                ends by itself (0.5 s later, doubling to 30 s while it keeps
                                failing quickly; it gives up after 10 such failures)`;

/** The policy the flag asks for, undefined when it is not given. */
export function autorestartPolicy(value: string | undefined): AutorestartPolicy | undefined {
  if (value === undefined) return undefined;
  if (!AUTORESTART_POLICIES.includes(value as AutorestartPolicy)) {
    throw new UsageError(`Invalid --autorestart "${value}": expected no, on-failure or always`);
  }
  return value as AutorestartPolicy;
}
