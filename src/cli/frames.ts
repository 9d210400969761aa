/**
 * Lines that redraw themselves with `\r` (progress bars) as a terminal would end up showing
 * them: each frame overwrites the one before from the first column, and only the result is
 * printed, so no raw `\r` ever reaches the terminal to overwrite a prefix printed before it.
 */

/** The text a terminal would show after printing `text`, with its `\r` frames resolved. */
export function lastFrame(text: string): string {
  if (!text.includes("\r")) return text;
  const frames = text.split("\r");
  // Colour codes make a frame's width unknowable: then the last frame with text is it.
  if (text.includes("\x1b")) {
    return frames.findLast((frame) => frame !== "") ?? "";
  }
  let shown = "";
  for (const frame of frames) shown = frame + shown.slice(frame.length);
  return shown;
}

const PREFIX = /^((?:\d{4}-\d{2}-\d{2}T\S+ )?(?:\[(?:stdout|stderr|err)\] ?)?)/;

/**
 * A line as the server gives it (`[err] text`, or `<time> [stream] text`) with its text
 * resolved to its last frame, the marks in front kept.
 */
export function lastFrameOfStored(line: string): string {
  if (!line.includes("\r")) return line;
  const prefix = PREFIX.exec(line)?.[1] ?? "";
  return prefix + lastFrame(line.slice(prefix.length));
}
