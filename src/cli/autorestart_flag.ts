/**
 * The `--autorestart` flag of `start` and `run`: the policy the MCP tool's `autorestart` takes.
 */

import {
  AUTORESTART_POLICIES,
  type AutorestartPolicy,
  BACKOFF_FIRST_MS,
  BACKOFF_MAX_MS,
  MAX_AUTORESTARTS,
} from "../core/mod.ts";
import { UsageError } from "./args.ts";

/** The flag, in a command's flag spec. */
export const AUTORESTART_FLAG = { autorestart: { type: "string" } } as const;

/** The autorestart backoff's first and longest delays, in seconds, as the help says them. */
export const FIRST_S = BACKOFF_FIRST_MS / 1000;
export const MAX_S = BACKOFF_MAX_MS / 1000;

/** The flag's lines for a command's help. */
export const AUTORESTART_HELP =
  `  --autorestart POLICY          no (default), on-failure or always: start it again when it
                                ends by itself (${FIRST_S} s later, doubling to ${MAX_S} s while it keeps
                                failing quickly; it gives up after ${MAX_AUTORESTARTS} such failures)`;

/** The policy the flag asks for, undefined when it is not given. */
export function autorestartPolicy(value: string | undefined): AutorestartPolicy | undefined {
  if (value === undefined) return undefined;
  if (!AUTORESTART_POLICIES.includes(value as AutorestartPolicy)) {
    throw new UsageError(`Invalid --autorestart "${value}": expected no, on-failure or always`);
  }
  return value as AutorestartPolicy;
}
