/**
 * Everything the CLI prints goes through here: results to stdout, notices and errors to
 * stderr. Writes are synchronous so that output and exit codes never race.
 */

import { nodeUtil } from "../core/mod.ts";
import { escapeControls } from "../core/process/mod.ts";

const encoder = new TextEncoder();
let stdoutGone = false;

/** Writes text to a file, retrying short writes. */
function writeAll(file: { writeSync(bytes: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
}

/**
 * Prints a line (or lines) to stdout. Once the reader has gone away (`persistproc ls | head
 * -1`), further output is dropped: nobody is left to read it, and failing would hide the
 * command's real outcome.
 */
export function printOut(text: string): void {
  if (stdoutGone) return;
  try {
    writeAll(Deno.stdout, text + "\n");
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    stdoutGone = true;
  }
}

/** Whether stdout's reader has gone away, so that nothing printed there is read any more. */
export function stdoutIsGone(): boolean {
  return stdoutGone;
}

/** Prints a line to stderr: notices, prompts' answers, a followed process's stderr. */
export function printErr(text: string): void {
  try {
    writeAll(Deno.stderr, text + "\n");
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/**
 * Draws `text` over the current line of stdout or stderr (a terminal), without a newline: a
 * progress line redrawn in place. It is cut to the terminal's width so that it never wraps,
 * which would leave the old frames on the screen. Empty text clears the line.
 */
export function printFrame(stream: "stdout" | "stderr", text: string): void {
  const file = stream === "stdout" ? Deno.stdout : Deno.stderr;
  let columns = 80;
  try {
    // A terminal that reports no width (some CI and container ptys say 0) gets the default.
    columns = Deno.consoleSize().columns || columns;
  } catch { /* not a terminal after all: the default will do */ }
  try {
    writeAll(file, `\r\x1b[2K${[...text].slice(0, Math.max(1, columns - 1)).join("")}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/** Prints a question to stderr without a newline, leaving the cursor after it. */
export function printPrompt(text: string): void {
  writeAll(Deno.stderr, text);
}

let errorsAsJson = false;

/** Makes printError write `{"error": {"code", "message"}}` lines (for `--format json`). */
export function printErrorsAsJson(json: boolean): void {
  errorsAsJson = json;
}

/**
 * Prints `error: <message>` (and a hint line after it) to stderr, or with `--format json` one
 * line `{"error": {"code": ..., "message": ...}}`. Messages from the server are written in
 * sentence case; after `error:` they read better starting in lower case, unless they start
 * with an acronym.
 */
export function printError(message: string, code = "failed", hint?: string): void {
  if (errorsAsJson) {
    printErr(JSON.stringify({ error: { code, message: hint ? `${message}. ${hint}` : message } }));
    return;
  }
  // A message may quote user data (a label); its own line breaks are kept.
  const safe = message.split("\n").map(escapeControls).join("\n");
  printErr(`error: ${safe.replace(/^[A-Z](?![A-Z])/, (first) => first.toLowerCase())}`);
  if (hint) printErr(hint);
}

/** Whether stdout wants colour: a terminal, and NO_COLOR is not set. */
export function stdoutHasColor(): boolean {
  return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
}

/** The colours the CLI uses; `paint` applies one only when `enabled`. */
export type Colour = "green" | "yellow" | "red" | "dim" | "bold";

/**
 * Wraps text in a colour when `enabled`, else returns it unchanged (and without loading
 * `node:util`: see core/node_builtins.ts).
 */
export function paint(colour: Colour, text: string, enabled: boolean): string {
  return enabled ? nodeUtil().styleText(colour, text, { validateStream: false }) : text;
}
