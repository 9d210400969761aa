/** The backlog a follower gets: the newest stored output of a process, as line events. */
import { OutputReader } from "../output/output_reader.ts";
import { entryText } from "../output/query.ts";
import type { Following } from "../hub.ts";

/**
 * The newest `lines` entries of the combined output stored in `dir`; a run start among them
 * becomes a line of its text on stdout.
 */
export function backlogEvents(dir: string, lines: number): Following["backlog"] {
  return new OutputReader(dir).newest("combined", lines).map((stored) => ({
    type: "line",
    stream: stored.kind === "line" ? stored.stream : "stdout",
    time: new Date(stored.time).toISOString(),
    text: stored.kind === "line" ? stored.text : entryText(stored, false),
  }));
}
