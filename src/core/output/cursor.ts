/**
 * Output cursors: opaque strings that say where in which log a reader stopped. The server
 * keeps no reader state, so two agents reading one log never disturb each other, and a cursor
 * outlives server restarts as long as the log does.
 */
import type { LogPosition } from "./log_start.ts";

const VERSION = "1";

/** Encodes the position after the last line a reader got, tied to the log it belongs to. */
export function encodeCursor(logPath: string, position: LogPosition): string {
  const text = [VERSION, logId(logPath), position.byte, position.line].join(":");
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes a cursor given back by a caller. A cursor that is malformed, or was made for another
 * process's log or another stream, is a RangeError telling the caller what to do instead.
 */
export function decodeCursor(cursor: string, logPath: string): LogPosition {
  let text = "";
  try {
    text = atob(cursor.trim().replaceAll("-", "+").replaceAll("_", "/"));
  } catch { /* reported below */ }
  const [version, id, byte, line] = text.split(":");
  const position = { byte: Number(byte), line: Number(line) };
  if (
    version !== VERSION || !/^[0-9a-f]{8}$/.test(id ?? "") ||
    !Number.isSafeInteger(position.byte) || position.byte < 0 ||
    !Number.isSafeInteger(position.line) || position.line < 0
  ) {
    throw new RangeError(
      `Invalid cursor "${cursor.slice(0, 80)}": pass next_cursor back exactly as returned`,
    );
  }
  if (id !== logId(logPath)) {
    throw new RangeError(
      "This cursor belongs to another process or stream; use the next_cursor of the same process and stream, or omit cursor",
    );
  }
  return position;
}

/** FNV-1a of the log's path: enough to tell one log from another, and opaque. */
function logId(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    hash ^= path.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
