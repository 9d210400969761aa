/**
 * Splits a byte stream into text lines without holding more than one bounded line in memory.
 */

/** Longest line kept whole; a longer run without a newline is cut into pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Turns chunks of bytes into complete lines. A line ends at `\n` (a `\r` before it is dropped);
 * a run longer than `maxLineBytes` is emitted in pieces so memory stays bounded; invalid UTF-8
 * becomes U+FFFD. Call `flush()` at end of stream to get a last line without a newline.
 */
export class LineSplitter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  readonly #maxLineBytes: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: false });

  constructor(maxLineBytes = MAX_LINE_BYTES) {
    if (maxLineBytes < 1) throw new RangeError("maxLineBytes must be at least 1");
    this.#maxLineBytes = maxLineBytes;
  }

  /** Feeds a chunk and returns the lines it completed. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.#pendingBytes === 0 && nl !== -1) {
        // Fast path for the common case, many whole short lines: decode them in one call,
        // without copying bytes, since no line in a run this short can pass the cap.
        const last = chunk.lastIndexOf(NEWLINE);
        if (last - start <= this.#maxLineBytes) {
          for (const line of this.#decoder.decode(chunk.subarray(start, last)).split("\n")) {
            lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
          }
          start = last + 1;
          continue;
        }
      }
      let piece = chunk.subarray(start, end);
      // Cut over-long runs so one endless line cannot grow memory.
      while (this.#pendingBytes + piece.length > this.#maxLineBytes) {
        const room = this.#maxLineBytes - this.#pendingBytes;
        this.#keep(piece.subarray(0, room));
        lines.push(this.#take(false));
        piece = piece.subarray(room);
      }
      this.#keep(piece);
      if (nl === -1) break;
      lines.push(this.#take(true));
      start = nl + 1;
    }
    return lines;
  }

  /** Bytes of an unfinished line held back until its newline arrives. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Returns the unterminated last line, if any, and resets. */
  flush(): string[] {
    return this.#pendingBytes > 0 ? [this.#take(true)] : [];
  }

  #keep(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.#pending.push(piece.slice());
    this.#pendingBytes += piece.length;
  }

  #take(atLineEnd: boolean): string {
    let bytes: Uint8Array;
    if (this.#pending.length === 1) bytes = this.#pending[0];
    else {
      bytes = new Uint8Array(this.#pendingBytes);
      let offset = 0;
      for (const part of this.#pending) {
        bytes.set(part, offset);
        offset += part.length;
      }
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    if (atLineEnd && bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return this.#decoder.decode(bytes);
  }
}
