/**
 * The bounds and defaults of what a caller may send, as plain numbers: the request schemas
 * (requests.ts) enforce them, the core checks them where it is called directly, and the MCP
 * tools' descriptions and the CLI's help interpolate them, so a number is typed once. Zod-free,
 * so that a module needing only a number does not load zod.
 */

/** Linux's largest pid_max: a pid above it names no process (and renders no 2^53 bound). */
export const MAX_PID = 4_194_304;

/** Lines `output` returns when not told, and the most it returns. */
export const DEFAULT_LINES = 100;
export const MAX_LINES = 10_000;

/** `output`'s byte budget: its default (about 4k tokens), least and most. */
export const DEFAULT_MAX_BYTES = 16 * 1024;
export const MIN_MAX_BYTES = 256;
export const MAX_MAX_BYTES = 1 << 20;

/** The most lines `output` shows around each grep match. */
export const MAX_CONTEXT = 20;
