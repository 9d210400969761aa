/**
 * What the doors (MCP, HTTP, the composition root, the client, the CLI and the data directory)
 * use of the core's top-level modules, the Supervisor's defaults and its target helpers (without
 * loading the Supervisor); each folder of the core has its own mod.ts. Doors import
 * the core only through these (tasks/check_layers.ts), so that a command loads only the folders
 * it uses.
 */
export {
  AlreadyRunningError,
  describeConflict,
  ERROR_STATUS,
  InvalidArgumentError,
  PersistprocError,
  PortConflictError,
  ShuttingDownError,
} from "./errors.ts";
export type { ErrorCode, PortHolderInfo } from "./errors.ts";
export type {
  EventFeed,
  EventFeedRecord,
  Following,
  FollowingRecord,
  Hub,
  RestartOptions,
  RestartResult,
  StartResult,
  StopOptions,
  StopResult,
  WaitOptions,
} from "./hub.ts";
export { concatBytes } from "./bytes.ts";
export { baseName, joinPath, resolvePath } from "./file_path.ts";
export { logger } from "./logger.ts";
export { nodeOs, nodePath, nodeUtil } from "./node_builtins.ts";
export { BACKOFF_FIRST_MS, BACKOFF_MAX_MS, MAX_AUTORESTARTS } from "./process/autorestart.ts";
export { MAX_ENDED, STOP_GRACE_SECONDS } from "./supervisor/supervisor_defaults.ts";
export { editDistance } from "./supervisor/target_resolution.ts";
export { AUTORESTART_POLICIES, IF_RUNNING, PROCESS_STATUSES, STREAM_NAMES } from "./types.ts";
export type {
  AutorestartPolicy,
  ErrorBody,
  Health,
  IfRunning,
  ListedProcess,
  ProcessEvent,
  ProcessFilter,
  ProcessInfo,
  ProcessStatus,
  ProcessTarget,
  ReadyConditions,
  StartRequest,
  StopReport,
  StreamName,
} from "./types.ts";
export { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, NO_WAIT_LIMIT } from "./wait_timeout.ts";
export { DEFAULT_LINES, DEFAULT_MAX_BYTES, MAX_LINES, MAX_MAX_BYTES } from "./wire/limits.ts";
