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
    const last = chunk.lastIndexOf(NEWLINE);
    const complete = last === -1 ? null : this.#completeLines(chunk.subarray(0, last));
    if (complete === null) return this.#pushPieces(chunk);
    return last + 1 < chunk.length
      ? complete.concat(this.#pushPieces(chunk.subarray(last + 1)))
      : complete;
  }

  /**
   * The fast path: every line up to the chunk's last newline, decoded in one call and split as
   * text, so a chunk of many short lines costs no copy per line. Null (nothing consumed) when
   * a line might exceed the cap, which only the byte-wise path can cut.
   */
  #completeLines(head: Uint8Array): string[] | null {
    let bytes = head;
    if (this.#pendingBytes > 0) {
      bytes = new Uint8Array(this.#pendingBytes + head.length);
      let offset = 0;
      for (const part of [...this.#pending, head]) {
        bytes.set(part, offset);
        offset += part.length;
      }
    }
    const lines = this.#decoder.decode(bytes).split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      // A UTF-8 character is at most 3 bytes per UTF-16 unit: shorter texts fit the cap.
      if (line.length * 3 > this.#maxLineBytes) return null;
      if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) lines[i] = line.slice(0, -1);
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    return lines;
  }

  /** The byte-wise path: finds each newline, cutting runs longer than the cap. */
  #pushPieces(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
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
