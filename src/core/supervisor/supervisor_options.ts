/** The settings a supervisor is given by whoever runs it, and their defaults. */
import { DEFAULT_LOG_MAX_BYTES } from "../output/output_store.ts";
import { DEFAULT_FLOOD_LIMIT, type FloodLimit } from "../events/_flood_gate.ts";
import { MAX_AUTORESTARTS } from "../process/autorestart.ts";
import { MAX_ENDED, STOP_GRACE_SECONDS } from "./supervisor_defaults.ts";

/** Settings the supervisor is given by whoever runs it. */
export interface SupervisorOptions {
  /** Where logs are written (`<dataDir>/logs/...`). */
  dataDir: string;
  /** SIGTERM-to-SIGKILL grace of a stop, in ms (default {@link STOP_GRACE_SECONDS} s). */
  stopGraceMs?: number;
  /** The same grace during shutdown, shorter so shutdown finishes in seconds (default 3000). */
  shutdownGraceMs?: number;
  /** How long a tree gets to vanish after SIGKILL before its survivors are reported (5000). */
  killWaitMs?: number;
  /** How many ended processes stay listed (default {@link MAX_ENDED}); older ones are pruned with their logs. */
  maxEnded?: number;
  /** Cap of each log file before it rotates (default {@link DEFAULT_LOG_MAX_BYTES}). */
  logMaxBytes?: number;
  /**
   * What a start that inherits (an MCP or dashboard start) adds the caller's variables to:
   * the server's own environment unless told otherwise.
   */
  baseEnvironment?: Record<string, string>;
  /** Variables no child ever gets, whatever the caller sends (the server's token). */
  hiddenVariables?: string[];
  /** How many like events of one process pass at once before they are merged. */
  eventFloodLimit?: FloodLimit;
  /** Quick failures in a row after which autorestart gives up (default {@link MAX_AUTORESTARTS}). */
  maxAutorestarts?: number;
}

/** The options with every default filled in. */
export function withDefaults(options: SupervisorOptions): Required<SupervisorOptions> {
  return {
    stopGraceMs: STOP_GRACE_SECONDS * 1_000,
    shutdownGraceMs: 3_000,
    killWaitMs: 5_000,
    maxEnded: MAX_ENDED,
    logMaxBytes: DEFAULT_LOG_MAX_BYTES,
    baseEnvironment: Deno.env.toObject(),
    hiddenVariables: [],
    eventFloodLimit: DEFAULT_FLOOD_LIMIT,
    maxAutorestarts: MAX_AUTORESTARTS,
    ...options,
  };
}
