/**
 * Output cursors: opaque strings that say where in which process's output a reader stopped.
 * The server keeps no reader state, so two agents reading one log never disturb each other,
 * and a cursor outlives server restarts as long as the output does.
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Position } from "./output_reader.ts";

const VERSION = "2";

/** Encodes the position after the last line a reader got, tied to the log and stream read. */
export function encodeCursor(logId: string, position: Position): string {
  const { stdout, stderr } = position;
  const text = [VERSION, hash(logId), stdout.byte, stdout.line, stderr.byte, stderr.line].join(":");
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes a cursor given back by a caller. A cursor that is malformed, or was made for another
 * process's log or another stream, is an InvalidArgumentError telling the caller what to do instead.
 */
export function decodeCursor(cursor: string, logId: string): Position {
  let text = "";
  try {
    text = atob(cursor.trim().replaceAll("-", "+").replaceAll("_", "/"));
  } catch { /* reported below */ }
  const [version, id, ...numbers] = text.split(":");
  const values = numbers.map(Number);
  if (
    version !== VERSION || !/^[0-9a-f]{8}$/.test(id ?? "") || values.length !== 4 ||
    !values.every((n) => Number.isSafeInteger(n) && n >= 0)
  ) {
    throw new InvalidArgumentError(
      `Invalid cursor "${cursor.slice(0, 80)}": pass next_cursor back exactly as returned`,
    );
  }
  if (id !== hash(logId)) {
    throw new InvalidArgumentError(
      "This cursor belongs to another process or stream; use the next_cursor of the same process and stream, or omit cursor",
    );
  }
  return {
    stdout: { byte: values[0], line: values[1] },
    stderr: { byte: values[2], line: values[3] },
  };
}

/** FNV-1a: enough to tell one log from another, and opaque. */
function hash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
