/**
 * What a read keeps while it streams through a log: the newest lines, or the newest matches
 * with their context, in memory bounded by what can be returned; then the part that fits the
 * caller's byte budget.
 */

/** A line kept for output; `hit` marks a grep match (every line is a hit without grep). */
export interface KeptLine {
  text: string;
  hit: boolean;
  /** Arrival time (epoch ms); none for a group separator. */
  time?: number;
}

/** Separates groups of non-adjacent lines in grep output, as grep does. */
export const GROUP_SEPARATOR = "--";

/** Keeps the newest `max` lines pushed. */
export class NewestLines {
  #lines: KeptLine[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  push(text: string, time?: number): void {
    this.#lines.push({ text, hit: true, time });
    // Trim in batches: amortised constant time without a ring buffer's bookkeeping.
    if (this.#lines.length >= 2 * this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  /** The kept lines, oldest first. */
  lines(): KeptLine[] {
    return this.#lines.slice(-this.#max);
  }
}

interface Numbered extends KeptLine {
  line: number;
}

/**
 * Keeps the newest `maxHits` matching lines, each with up to `context` lines before and after
 * it; overlapping or touching groups merge, as in `grep -C`.
 */
export class MatchGroups {
  /** How many matching lines were pushed in all. */
  hits = 0;
  #groups: Numbered[][] = [];
  #before: Numbered[] = []; // lines since the last group ended, at most `context`
  #afterLeft = 0;
  #kept = 0;
  readonly #maxHits: number;
  readonly #context: number;

  constructor(maxHits: number, context: number) {
    this.#maxHits = maxHits;
    this.#context = context;
  }

  /** Adds the next line of the log; `line` is its number, counting up by one each call. */
  push(line: number, text: string, hit: boolean, time?: number): void {
    const entry = { line, text, hit, time };
    if (hit) {
      this.hits++;
      const lead = this.#before;
      this.#before = [];
      const last = this.#groups.at(-1);
      const lastLine = last?.at(-1)?.line;
      if (last && (lead[0]?.line ?? line) === lastLine! + 1) last.push(...lead, entry);
      else this.#groups.push([...lead, entry]);
      this.#afterLeft = this.#context;
      if (++this.#kept > this.#maxHits) this.#dropOldestHit();
    } else if (this.#afterLeft > 0) {
      this.#groups.at(-1)!.push(entry);
      this.#afterLeft--;
    } else if (this.#context > 0) {
      this.#before.push(entry);
      if (this.#before.length > this.#context) this.#before.shift();
    }
  }

  /**
   * Counts `count` lines as pushed without their text: lines that are neither matches nor
   * within `context` lines of one (their numbers are skipped by the next push).
   */
  pass(count: number): void {
    if (count <= 0) return;
    this.#before = [];
    this.#afterLeft = Math.max(0, this.#afterLeft - count);
  }

  /** The kept groups, oldest first, with a separator line between groups. */
  lines(): KeptLine[] {
    const out: KeptLine[] = [];
    for (const group of this.#groups) {
      if (out.length > 0) out.push({ text: GROUP_SEPARATOR, hit: false });
      for (const { text, hit, time } of group) out.push({ text, hit, time });
    }
    return out;
  }

  #dropOldestHit(): void {
    const group = this.#groups[0];
    group.splice(0, group.findIndex((entry) => entry.hit) + 1);
    const next = group.findIndex((entry) => entry.hit);
    // The dropped match's trailing context goes with it; the next match keeps its own lead.
    if (next === -1) this.#groups.shift();
    else group.splice(0, Math.max(0, next - this.#context));
    this.#kept--;
  }
}

/** The lines that fit a byte budget, and how many matching lines did not. */
export interface Fitted {
  lines: string[];
  /** Each line's arrival time (epoch ms), null for a separator. */
  times: (number | null)[];
  /** Matching lines left out for the budget. */
  omittedHits: number;
}

const encoder = new TextEncoder();

/**
 * Keeps the newest lines whose UTF-8 size (newline included) fits `maxBytes`. When even the
 * newest line does not fit, it is returned cut, with a marker saying how much was cut, so a
 * caller never gets nothing without knowing why.
 */
export function fitBytes(kept: readonly KeptLine[], maxBytes: number): Fitted {
  let used = 0;
  let first = kept.length;
  while (first > 0) {
    const size = byteLength(kept[first - 1].text) + 1;
    if (used + size > maxBytes) break;
    used += size;
    first--;
  }
  const lines = kept.slice(first).map((entry) => entry.text);
  const times = kept.slice(first).map((entry) => entry.time ?? null);
  if (lines[0] === GROUP_SEPARATOR) {
    lines.shift();
    times.shift();
  }
  let omittedHits = kept.slice(0, first).filter((entry) => entry.hit).length;
  if (lines.length === 0 && kept.length > 0) {
    const newest = kept[kept.length - 1];
    lines.push(cut(newest.text, maxBytes));
    times.push(newest.time ?? null);
    if (newest.hit) omittedHits--;
  }
  return { lines, times, omittedHits };
}

function byteLength(text: string): number {
  // ASCII is the common case; only encode when a character needs more than one byte.
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return encoder.encode(text).length;
  }
  return text.length;
}

function cut(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  const keep = new TextDecoder().decode(bytes.subarray(0, Math.max(0, maxBytes - 40)))
    .replace(/\uFFFD$/, "");
  return `${keep}… [line cut: ${bytes.length - byteLength(keep)} more bytes]`;
}
