/**
 * Removes terminal escape sequences (colours, cursor moves, hyperlinks) from captured text, so
 * an agent reads and searches what a person would see. The log files keep the raw bytes.
 */

// CSI (`ESC [ ... final`, also the 8-bit `\x9b`), OSC (`ESC ] ... BEL|ESC \`), and the
// two-byte escapes such as `ESC 7`. Matching control characters is the point here.
const ESCAPES =
  // deno-lint-ignore no-control-regex
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]/g;

/** Returns the text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes("\x1b") || text.includes("\x9b") ? text.replace(ESCAPES, "") : text;
}
