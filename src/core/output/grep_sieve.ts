/**
 * Which lines of a batch a grep has to decode: those that contain the text its pattern
 * requires (required_literal.ts), looked for in the raw bytes, and the lines of context around
 * them. Every other line is passed over undecoded, counted but never shown. A line that holds
 * an escape sequence or a carriage return is always decoded: what is searched is the line as
 * shown, which may differ from its raw bytes there.
 */
import { Buffer } from "node:buffer";
import type { RequiredText } from "./required_literal.ts";

/**
 * Lines of a batch to visit: bytes `[start, end)`, whole lines, after `gap` lines passed over
 * since the previous region (or the batch's start). `maybe` holds the starts of the lines in
 * the region that may match; the others are context and cannot.
 */
export interface SieveRegion {
  start: number;
  end: number;
  gap: number;
  maybe: number[];
}

/** Plans each batch of one search, in the order the search reads them; see the module comment. */
export class GrepSieve {
  readonly #find: (text: string) => (from: number) => number;
  readonly #context: number;
  /** Lines at the start of the next batch still wanted as context after a possible match. */
  #carry = 0;

  constructor(required: RequiredText, context: number) {
    this.#find = finder(required);
    this.#context = context;
  }

  /**
   * The regions of `bytes` (a batch from a line start on, holding `lines` lines) to visit,
   * oldest first; the lines after the last region are passed over.
   */
  plan(bytes: Uint8Array, lines: number): SieveRegion[] {
    // Latin-1 gives one character per byte: offsets in the text are offsets in the bytes.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
    const find = this.#find(text);
    const c = this.#context;
    const spans: Span[] = [];
    let carry = 0;
    if (this.#carry > 0) {
      const [end, short] = forward(text, 0, this.#carry);
      spans.push([0, end, []]);
      carry = short;
    }
    for (let at = find(0); at !== -1;) {
      const start = at === 0 ? 0 : text.lastIndexOf("\n", at - 1) + 1;
      const [next] = forward(text, start, 1);
      const [end, short] = forward(text, next, c);
      spans.push([back(text, start, c), end, [start]]);
      carry = Math.max(carry, short);
      at = next < text.length ? find(next) : -1;
    }
    this.#carry = carry;
    // The last lines may be wanted as context before a match early in the next batch.
    if (c > 0) spans.push([back(text, text.length, c), text.length, []]);
    return regions(text, merge(spans), lines);
  }
}

/** Bytes `[start, end)` of whole lines, and the starts of those among them that may match. */
type Span = [number, number, number[]];

/** The offset `count` lines on from the line start `from`, and how many lines were missing. */
function forward(text: string, from: number, count: number): [number, number] {
  let at = from;
  for (let i = 0; i < count; i++) {
    if (at >= text.length) return [at, count - i];
    const nl = text.indexOf("\n", at);
    at = nl === -1 ? text.length : nl + 1;
  }
  return [at, 0];
}

/** The start of the line `count` lines before the line start (or end) `to`. */
function back(text: string, to: number, count: number): number {
  let at = to;
  for (let i = 0; i < count && at > 0; i++) {
    at = at <= 1 ? 0 : text.lastIndexOf("\n", at - 2) + 1;
  }
  return at;
}

/** The spans in order, overlapping or touching ones joined, empty ones left out. */
function merge(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) {
      last[1] = Math.max(last[1], span[1]);
      last[2].push(...span[2]);
    } else if (span[1] > span[0]) merged.push([span[0], span[1], [...span[2]]]);
  }
  return merged;
}

/**
 * The spans with the lines before each counted. The longest stretch without a region is not
 * counted but left to arithmetic: `lines` less the others (when that stretch is the one after
 * the last region, the caller does that sum).
 */
function regions(text: string, spans: Span[], lines: number): SieveRegion[] {
  const out = spans.map(([start, end, maybe]) => ({ start, end, gap: 0, maybe }));
  if (out.length === 0) return out;
  let longest = -1; // -1: the stretch after the last region
  let longestBytes = text.length - out.at(-1)!.end;
  for (let i = 0; i < out.length; i++) {
    const bytes = out[i].start - (i === 0 ? 0 : out[i - 1].end);
    if (bytes > longestBytes) [longest, longestBytes] = [i, bytes];
  }
  if (longest === -1) {
    for (let i = 0; i < out.length; i++) {
      out[i].gap = linesIn(text, i === 0 ? 0 : out[i - 1].end, out[i].start);
    }
    return out;
  }
  let counted = linesIn(text, out.at(-1)!.end, text.length);
  for (let i = 0; i < out.length; i++) {
    if (i !== longest) out[i].gap = linesIn(text, i === 0 ? 0 : out[i - 1].end, out[i].start);
    counted += out[i].gap + linesIn(text, out[i].start, out[i].end);
  }
  out[longest].gap = Math.max(0, lines - counted);
  return out;
}

/** Lines in `[from, to)` of the text (a last line without its newline counts). */
function linesIn(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf("\n", from); at !== -1 && at < to; at = text.indexOf("\n", at + 1)) {
    count++;
  }
  if (to === text.length && to > from && text[to - 1] !== "\n") count++;
  return count;
}

/** A search of a text for the next offset at or after `from` where something is; -1 if none. */
type Search = (text: string, from: number) => number;

// Where the shown line may differ from its raw bytes: ESC, the two bytes of U+009B (the 8-bit
// CSI), and a carriage return that does not end the line. Single characters: memchr speed.
const SHOWN_DIFFERS: Search[] = [
  (text, from) => text.indexOf("\x1b", from),
  (text, from) => text.indexOf("\xc2\x9b", from),
  (text, from) => {
    let at = text.indexOf("\r", from);
    while (at !== -1 && text[at + 1] === "\n") at = text.indexOf("\r", at + 2);
    return at;
  },
];

/**
 * A search of Latin-1 text (one character per byte) for the next offset at or after `from`
 * where a line may match: the required text, or something that changes how the line shows.
 */
function finder(required: RequiredText): (text: string) => (from: number) => number {
  const searches = [wantedSearch(required), ...SHOWN_DIFFERS];
  // Each search remembers where it found its next match, so that a text full of one is not
  // searched again from each line for the others.
  return (text) => {
    const found = searches.map(() => -2);
    return (from) => {
      let next = -1;
      for (let i = 0; i < searches.length; i++) {
        if (found[i] !== -1 && found[i] < from) found[i] = searches[i](text, from);
        if (found[i] !== -1 && (next === -1 || found[i] < next)) next = found[i];
      }
      return next;
    };
  };
}

/** The search for the required text, in the pattern's UTF-8 bytes as Latin-1 characters. */
function wantedSearch(required: RequiredText): Search {
  const latin1 = required.alternatives.map((alternative) =>
    String.fromCharCode(...new TextEncoder().encode(alternative))
  );
  if (!required.foldCase && latin1.length === 1) return rareFirst(latin1[0]);
  const source = latin1.map((alternative) => {
    let out = "";
    for (const char of alternative) {
      // RE2 folds k and s with the Kelvin sign and the long s, two non-ASCII characters.
      if (required.foldCase && (char === "k" || char === "K")) out += "(?:k|\xe2\x84\xaa)";
      else if (required.foldCase && (char === "s" || char === "S")) out += "(?:s|\xc5\xbf)";
      else if (/\w/.test(char)) out += char;
      else out += `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
    }
    return out;
  }).join("|");
  const regex = new RegExp(source, required.foldCase ? "gi" : "g");
  return (text, from) => {
    regex.lastIndex = from;
    return regex.exec(text)?.index ?? -1;
  };
}

// Bytes by how common they are in logs, most common first: space, lowercase letters by their
// frequency in English, digits, common punctuation, capitals; anything else is rarer.
const COMMON = " etaoinshrdlcumwfgypbvkjxqz0123456789.,:/-_=()[]'\"ETAOINSHRDLCUMWFGYPBVKJXQZ";

/** Searches per batch before a byte found too often is given up for the next rarest one. */
const MISSES_ALLOWED = 64;

/**
 * A search for `literal` that looks for its rarest byte with `indexOf` (memchr speed on
 * Latin-1 text) and compares the literal only there. A byte that turns out common in this log
 * (more than MISSES_ALLOWED misses in a text) is given up for the next rarest, and after the
 * last the whole literal is searched for.
 */
function rareFirst(literal: string): Search {
  const rank = (char: string) => COMMON.includes(char) ? COMMON.indexOf(char) : COMMON.length;
  const order = [...new Set(literal)].sort((a, b) => rank(b) - rank(a));
  let pick = 0;
  return (text, from) => {
    let start = from;
    while (pick < order.length) {
      const offset = literal.indexOf(order[pick]);
      let misses = 0;
      let at = text.indexOf(order[pick], start + offset);
      for (; at !== -1 && misses <= MISSES_ALLOWED; at = text.indexOf(order[pick], at + 1)) {
        if (text.startsWith(literal, at - offset)) return at - offset;
        misses++;
      }
      if (at === -1) return -1;
      // Every place before this one that holds the byte was compared: go on from here.
      start = at - offset;
      pick++;
    }
    return text.indexOf(literal, start);
  };
}
