/**
 * The Supervisor's defaults that the doors name in their words (tools' descriptions, the CLI's
 * help), apart from its options so that a CLI command reads them without loading the Supervisor.
 */

/** How long a stop waits after SIGTERM before SIGKILL, unless told: named in the doors' words. */
export const STOP_GRACE_SECONDS = 8;

/** How many ended processes are kept (and listed), unless told. */
export const MAX_ENDED = 50;
