/**
 * What a crash event says of the program's last stderr lines, in at most {@link TAIL_BYTES}: the
 * line that names the error, when there is one (`Error: listen EADDRINUSE ...`, `TypeError:`,
 * `ModuleNotFoundError:`, `panic:`), then as many of the last lines after it as fit, stack
 * frames left out; else the last lines. A Node crash prints its error above a stack trace and
 * the error's fields, more than fit: the last lines alone would show those and not the error.
 */

/** The most of a crash's last stderr lines an event carries, in bytes. */
export const TAIL_BYTES = 300;
/** The most of the error's own line, so that the end of the output has room too. */
const HEADLINE_BYTES = 200;
/** Where lines were left out between the error's line and the last ones. */
const GAP = "…";

/**
 * A line that names what went wrong, as runtimes begin it: a name ending in Error or
 * Exception (`Error:`, `TypeError:`, `java.io.IOException:`, `error[E0425]:`), `panic`,
 * `fatal`, `Traceback`, or Rust's `thread 'main' panicked`.
 */
const HEADLINE =
  /^\s*(?:[\w.$]*(?:error|exception)\b|panic\b|fatal\b|traceback\b|thread '.*' panicked)/i;
/** A stack frame: `    at f (file.js:1:2)` (JavaScript, Java), `  File "x.py", line 3`. */
const FRAME = /^\s+(?:at |File ")/;

/** The tail of `lines` (a run's last stderr lines, oldest first); see the module comment. */
export function crashTail(lines: readonly string[]): string {
  const kept = lines.map((line) => line.trimEnd()).filter((line) => line.trim() !== "");
  const at = kept.findLastIndex((line) => HEADLINE.test(line));
  if (at === -1) return lastWithin(kept, TAIL_BYTES).join("\n");
  const headline = cutBytes(kept[at].trim(), HEADLINE_BYTES);
  const after = kept.slice(at + 1).filter((line) => !FRAME.test(line));
  const room = TAIL_BYTES - bytes(headline) - 1;
  const whole = lastWithin(after, room);
  if (whole.length === after.length) return [headline, ...after].join("\n");
  const end = lastWithin(after, room - bytes(GAP) - 1);
  return [headline, GAP, ...end].join("\n");
}

/**
 * The last lines that fit in `max` bytes with a newline between each; when not even the last
 * fits, its end, after an ellipsis.
 */
function lastWithin(lines: readonly string[], max: number): string[] {
  const kept: string[] = [];
  let size = -1;
  for (const line of lines.toReversed()) {
    size += bytes(line) + 1;
    if (size > max) {
      if (kept.length === 0 && max > bytes(GAP)) {
        kept.push(GAP + cutBytes(line, -(max - bytes(GAP))));
      }
      break;
    }
    kept.unshift(line);
  }
  return kept;
}

function bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The first `max` bytes of text (the last, when `max` is negative), on a character boundary;
 * the first bytes end with an ellipsis when cut.
 */
export function cutBytes(text: string, max: number): string {
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= Math.abs(max)) return text;
  if (max > 0) {
    const part = encoded.subarray(0, max - bytes(GAP));
    return new TextDecoder().decode(part).replace(/\uFFFD+$/, "") + GAP;
  }
  return new TextDecoder().decode(encoded.subarray(encoded.length + max)).replace(/^\uFFFD+/, "");
}
