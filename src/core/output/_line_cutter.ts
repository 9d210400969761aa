/**
 * Cuts what a spool tail read into batches of whole lines (internal to the output folder; see
 * spool_tail.ts): each batch numbered on from the store's end and from the batches cut before
 * it, lines over the cap cut at character boundaries, and the unfinished rest handed back.
 */
import type { ReadBatch } from "./_interleave.ts";
import type { Position, Stream } from "./output_store.ts";
import { MAX_LINE_BYTES } from "./line_splitter.ts";

const CARRIAGE_RETURN = 0x0d;
const frameDecoder = new TextDecoder();

/** Cuts chunks of one store's streams into batches; see the module comment. */
export class LineCutter {
  readonly #store: { readonly end: Position };
  /** Where the batches cut since the last {@link forget} end, per stream. */
  readonly #queued = new Map<Stream, { byte: number; line: number }>();

  constructor(store: { readonly end: Position }) {
    this.#store = store;
  }

  /** Forgets the batches cut so far: they were stored, or will be cut again. */
  forget(): void {
    this.#queued.clear();
  }

  /** Turns a chunk into batches of whole lines; returns the unfinished rest. */
  split(stream: Stream, chunk: Uint8Array, batches: ReadBatch[], now: number): Uint8Array {
    // The common case, short lines, in one pass that only counts newlines.
    let count = 0;
    let previous = -1;
    let long = false;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue;
      if (i - previous - 1 > MAX_LINE_BYTES) {
        long = true;
        break;
      }
      count++;
      previous = i;
    }
    if (!long && chunk.length - previous - 1 <= MAX_LINE_BYTES) {
      if (count > 0) batches.push(this.batch(stream, chunk.subarray(0, previous + 1), count, now));
      return chunk.slice(previous + 1);
    }
    let batchStart = 0;
    let lines = 0;
    let lineStart = 0;
    const close = (end: number, count: number) => {
      if (end > batchStart) {
        batches.push(this.batch(stream, chunk.subarray(batchStart, end), count, now));
      }
      batchStart = end;
    };
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, lineStart)) {
      if (nl - lineStart > MAX_LINE_BYTES) {
        close(lineStart, lines);
        lines = 0;
        lineStart = this.#cutLong(stream, chunk, lineStart, nl, batches, now);
        batchStart = lineStart;
      }
      lines++;
      lineStart = nl + 1;
    }
    close(lineStart, lines);
    const rest = this.#cutLong(stream, chunk, lineStart, chunk.length, batches, now);
    return chunk.slice(rest);
  }

  /** A batch of `lines` lines in `bytes`, after those cut before it. */
  batch(stream: Stream, bytes: Uint8Array, lines: number, now: number): ReadBatch {
    const previous = this.#queued.get(stream) ?? this.#store.end[stream];
    const batch = {
      kind: stream,
      time: now,
      start: previous.byte,
      end: previous.byte + bytes.length,
      lines,
      firstLine: previous.line,
      bytes,
    };
    this.#queued.set(stream, { byte: batch.end, line: batch.firstLine + lines });
    return batch;
  }

  /** Stores the part of a line over the cap as pieces cut at character boundaries. */
  #cutLong(
    stream: Stream,
    chunk: Uint8Array,
    from: number,
    to: number,
    batches: ReadBatch[],
    now: number,
  ): number {
    while (to - from > MAX_LINE_BYTES) {
      let cut = from + MAX_LINE_BYTES;
      // Never inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
      for (let back = 0; back < 3 && (chunk[cut] & 0xc0) === 0x80; back++) cut--;
      batches.push(this.batch(stream, chunk.subarray(from, cut), 1, now));
      from = cut;
    }
    return from;
  }
}

/**
 * The newest complete frame of an unfinished line that holds a `\r`: the text after the last
 * `\r`, or before it when nothing follows it yet. Null for a line without `\r`.
 */
export function newestFrame(pending: Uint8Array): string | null {
  const last = pending.lastIndexOf(CARRIAGE_RETURN);
  if (last === -1) return null;
  if (last < pending.length - 1) return frameDecoder.decode(pending.subarray(last + 1));
  const before = pending.subarray(0, last).lastIndexOf(CARRIAGE_RETURN);
  return frameDecoder.decode(pending.subarray(before + 1, last));
}
