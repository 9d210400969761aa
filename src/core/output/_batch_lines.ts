/**
 * The lines of a stored batch (internal to the reader): all of them decoded, or only those a
 * sieve picked (grep_sieve.ts), with the others passed over undecoded.
 */
import type { StreamPosition } from "./_store_meta.ts";
import { lastFrame } from "./frames.ts";
import type { SieveRegion } from "./grep_sieve.ts";

const decoder = new TextDecoder();
const bomKeeper = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Splits a batch's bytes into its lines (a last line without newline counts; `\r\n` ends one),
 * each as a terminal shows it: the last frame of a line redrawn with `\r` (frames.ts). A byte
 * order mark at the start is dropped, unless the bytes are lines from within a batch (`within`).
 */
export function batchLines(bytes: Uint8Array, within = false): string[] {
  if (bytes.length === 0) return [];
  const text = (within ? bomKeeper : decoder).decode(bytes);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (!text.includes("\r")) return lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes("\r")) lines[i] = lastFrame(line.endsWith("\r") ? line.slice(0, -1) : line);
  }
  return lines;
}

/** A batch's bytes as read, from a line start at logical offset `startByte`. */
export interface BatchBytes {
  bytes: Uint8Array;
  startByte: number;
  /** Lines the bytes hold. */
  lines: number;
  /** The stream's position, kept after the line being visited (or the lines passed over). */
  here: StreamPosition;
}

/**
 * Visits the lines of a batch that `plan` picks (every line, each of which may match, without
 * a plan) and passes over the others; false when a visit or a pass stopped the read.
 */
export function visitBatch(
  batch: BatchBytes,
  plan: readonly SieveRegion[] | null,
  visit: (text: string, maybe: boolean) => boolean,
  pass: (lines: number) => boolean,
): boolean {
  const { bytes, startByte, lines, here } = batch;
  let visited = 0;
  for (const region of plan ?? [{ start: 0, end: bytes.length, gap: 0, maybe: [] }]) {
    here.byte = startByte + region.start;
    here.line += region.gap;
    visited += region.gap;
    if (region.gap > 0 && !pass(region.gap)) return false;
    let offset = region.start;
    let maybe = 0; // the next of region.maybe
    for (const text of batchLines(bytes.subarray(region.start, region.end), offset > 0)) {
      const may = !plan || region.maybe[maybe] === offset;
      if (may) maybe++;
      const nl = bytes.indexOf(0x0a, offset);
      offset = nl === -1 || nl >= region.end ? region.end : nl + 1;
      here.byte = startByte + offset;
      here.line++;
      visited++;
      if (!visit(text, may)) return false;
    }
  }
  if (plan && lines > visited) {
    here.byte = startByte + bytes.length;
    here.line += lines - visited;
    if (!pass(lines - visited)) return false;
  }
  return true;
}
