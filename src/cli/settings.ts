/**
 * The global flags every command accepts, and how they resolve: flag, else environment
 * variable, else default.
 */

import { readToken } from "../data_dir/access_token.ts";
import { defaultDataDir } from "../data_dir/paths.ts";
import { type FlagValues, UsageError } from "./args.ts";
import { quoteArg } from "../core/process/mod.ts";
import { resolvePath } from "../core/mod.ts";

/**
 * The environment `run` and `start` give the processes they start: the caller's own, less
 * the hub's token, which a started program has no business holding (nor the state file).
 */
export function callerEnvironment(env = Deno.env.toObject()): Record<string, string> {
  const { PERSISTPROC_TOKEN: _token, ...rest } = env;
  return rest;
}

/** The port a server listens on unless told otherwise. */
export const DEFAULT_PORT = 8947;

/** Flags accepted before the command and after every subcommand. */
export const GLOBAL_FLAGS = {
  port: { type: "string" },
  "data-dir": { type: "string" },
  format: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** What the global flags resolve to. */
export interface Settings {
  port: number;
  dataDir: string;
  format: "text" | "json";
  /**
   * A token given explicitly (`--token`, `PERSISTPROC_TOKEN`); without one, the CLI uses the
   * data dir's token file (see {@link clientToken}).
   */
  token?: string;
}

/** The token the CLI sends: the one given, else the data dir's, else none yet. */
export function clientToken(settings: Settings): string | undefined {
  return settings.token ?? readToken(settings.dataDir) ?? undefined;
}

/**
 * Resolves the global flags against the environment (`PERSISTPROC_PORT`,
 * `PERSISTPROC_DATA_DIR`, `PERSISTPROC_FORMAT`) and defaults. Bad values are usage errors.
 */
export function resolveSettings(
  flags: FlagValues<typeof GLOBAL_FLAGS>,
  env: Record<string, string | undefined>,
): Settings {
  const port = flags.port ?? env.PERSISTPROC_PORT ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new UsageError(`Invalid port "${port}": expected a number from 1 to 65535`);
  }
  const format = flags.format ?? env.PERSISTPROC_FORMAT ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError(`Invalid format "${format}": expected "text" or "json"`);
  }
  const dataDir = flags["data-dir"] ?? env.PERSISTPROC_DATA_DIR ??
    defaultDataDir(env, Deno.build.os, env.HOME ?? env.USERPROFILE);
  const token = flags.token ?? env.PERSISTPROC_TOKEN;
  return { port: Number(port), dataDir: resolvePath(dataDir), format, token: token || undefined };
}

/**
 * The global flags a suggested command needs to reach this server: ` --port N` off the default
 * port, and ` --data-dir DIR` off the default data directory, where the CLI finds the token.
 */
export function reachFlags(settings: Settings): string {
  const port = settings.port === DEFAULT_PORT ? "" : ` --port ${settings.port}`;
  return isDefaultDataDir(settings.dataDir)
    ? port
    : `${port} --data-dir ${quoteArg(settings.dataDir)}`;
}

function isDefaultDataDir(dataDir: string): boolean {
  const env = Deno.env.toObject();
  try {
    return resolvePath(defaultDataDir(env, Deno.build.os, env.HOME ?? env.USERPROFILE)) === dataDir;
  } catch {
    return false; // No default (no HOME): the directory was given, so name it.
  }
}
