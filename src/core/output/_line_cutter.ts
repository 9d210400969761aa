/**
 * Cuts what a spool tail read into batches of whole lines (internal to the output folder; see
 * spool_tail.ts): each batch numbered on from the store's end and from the batches cut before
 * it, lines over the cap cut at character boundaries, and the unfinished rest handed back.
 */
import type { ReadBatch } from "./_interleave.ts";
import type { Position, Stream } from "./output_store.ts";

/** Longest line kept whole; a longer run without a newline is cut into pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

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
    // The common case, short lines: newlines only counted, four bytes at a time.
    if (allShort(chunk)) {
      const previous = chunk.lastIndexOf(0x0a);
      const count = countNewlines(chunk.subarray(0, previous + 1));
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
 * Whether no run of bytes without a newline in `chunk` is longer than a line may be. Such a run
 * would cover a byte at a multiple of MAX_LINE_BYTES: only the runs around those are looked at.
 */
function allShort(chunk: Uint8Array): boolean {
  for (let at = MAX_LINE_BYTES; at < chunk.length; at += MAX_LINE_BYTES) {
    const before = chunk.lastIndexOf(0x0a, at);
    const after = chunk.indexOf(0x0a, at);
    if ((after === -1 ? chunk.length : after) - before - 1 > MAX_LINE_BYTES) return false;
  }
  return true;
}

/**
 * The newlines in `bytes`, counted a 32-bit word at a time: each byte of the word XOR
 * "\n\n\n\n" is zero where a newline was; the zero bytes' high bits are then set exactly
 * (no carry between bytes) and added up by one multiplication.
 */
export function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  let i = 0;
  const head = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if (bytes[i] === 0x0a) count++;
  const whole = (bytes.length - i) >>> 2;
  const words = whole > 0
    ? new Uint32Array(bytes.buffer, bytes.byteOffset + i, whole)
    : new Uint32Array(0);
  for (let w = 0; w < words.length; w++) {
    const x = words[w] ^ 0x0a0a0a0a;
    const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
    count += Math.imul(zero >>> 7, 0x01010101) >>> 24;
  }
  for (i += words.length * 4; i < bytes.length; i++) if (bytes[i] === 0x0a) count++;
  return count;
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
