/**
 * Labels are data, not terminal commands: a label with a control character is refused, and
 * user data shown on a terminal (a default label holds its command line, which may span lines)
 * has its control characters written as escapes.
 */
import { InvalidArgumentError } from "../errors.ts";

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides:
 * what a terminal obeys (clear the screen, set the title, start a forged row of `ls`) rather
 * than shows.
 */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e" };

/** The label, when it holds no control character; else an InvalidArgumentError saying so. */
export function checkLabel(label: string): string {
  if (escapeControls(label) !== label) {
    throw new InvalidArgumentError(
      `Invalid label "${
        escapeControls(label)
      }": control characters (escape sequences, newlines, tabs) are not allowed in a label`,
    );
  }
  return label;
}

/**
 * The text with every control character written as an escape (`\e`, `\n`, `\u202e`), as a
 * terminal should show user data.
 */
export function escapeControls(text: string): string {
  return text.replace(
    CONTROLS,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
