/**
 * Lines that redraw themselves with `\r` (progress bars) as a terminal would end up showing
 * them: each frame overwrites the one before from the first column. Every read of stored output
 * (output_reader.ts: agents, `--format json`, grep, waits and followers) hands out this last
 * frame, so no raw `\r` reaches a terminal to overwrite a prefix printed before it, and an agent
 * reads what a person would have seen; the spool files keep the raw bytes.
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
