/**
 * The plain text a line must contain for a caller's pattern (RE2 syntax) to match it, so that a
 * search can look for that text in raw bytes and run the regular expression only on the lines
 * that have it. The analysis is conservative: whenever the pattern uses something it does not
 * follow (a case flag inside the pattern, an unusual escape, a malformed repetition), it finds
 * nothing and the search tests every line, as before.
 */

/** What every match of a pattern contains: one of `alternatives`, ignoring case when asked. */
export interface RequiredText {
  /** At least one of these occurs in any line the pattern matches (none is empty). */
  alternatives: string[];
  /** Whether the pattern ignores case (`(?i)` at its start): then every alternative is ASCII. */
  foldCase: boolean;
}

// After `\`, the letters that stand for something other than themselves, each with the number
// of characters of argument it takes (or a braced argument: `\p{Greek}`, `\x{263a}`).
// deno-fmt-ignore
const ESCAPE_ARGUMENTS: Record<string, number> = {
  d: 0, D: 0, w: 0, W: 0, s: 0, S: 0, b: 0, B: 0, A: 0, z: 0, C: 0,
  a: 0, f: 0, t: 0, n: 0, r: 0, v: 0,
  p: 1, P: 1, x: 2,
};

/**
 * The text every match of `source` must contain, or null when the pattern is not understood
 * well enough to say (a pattern that RE2 rejects is never passed here).
 */
export function requiredText(source: string): RequiredText | null {
  let rest = source;
  let foldCase = false;
  const flags = /^\(\?([imsU]+)\)/.exec(rest);
  if (flags) {
    foldCase = flags[1].includes("i");
    rest = rest.slice(flags[0].length);
  }
  const branches = splitTopLevel(rest);
  if (!branches) return null;
  const alternatives: string[] = [];
  for (const branch of branches) {
    const runs = literalRuns(branch);
    if (!runs) return null;
    const usable = foldCase ? runs.flatMap((run) => run.split(/[^ -~\t]+/)) : runs;
    const best = usable.reduce((a, b) => utf8Length(b) > utf8Length(a) ? b : a, "");
    // U+FFFD (or a lone surrogate, which decodes from nothing) can stand for bytes that are
    // not valid UTF-8, so it cannot be looked for as bytes.
    if (best === "" || best.includes("\uFFFD") || !best.isWellFormed()) return null;
    alternatives.push(best);
  }
  return { alternatives, foldCase };
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Splits a pattern at its top-level `|`; null when brackets do not balance. */
function splitTopLevel(source: string): string[][] | null {
  const pattern = [...source];
  const branches: string[][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      if (pattern[i + 1] === "Q") {
        for (i += 2; i < pattern.length && !(pattern[i] === "\\" && pattern[i + 1] === "E"); i++);
      }
      i++;
    } else if (c === "[") {
      const end = classEnd(pattern, i);
      if (end === -1) return null;
      i = end;
    } else if (c === "(") depth++;
    else if (c === ")") {
      if (--depth < 0) return null;
    } else if (c === "|" && depth === 0) {
      branches.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return null;
  branches.push(pattern.slice(start));
  return branches;
}

/** The index of the `]` closing the class that opens at `open`, or -1. */
function classEnd(pattern: readonly string[], open: number): number {
  let i = open + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++; // a `]` first in the class is itself
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "[" && pattern[i + 1] === ":") {
      let end = i + 2;
      while (end < pattern.length && !(pattern[end] === ":" && pattern[end + 1] === "]")) end++;
      if (end < pattern.length) i = end + 1;
    } else if (pattern[i] === "]") return i;
  }
  return -1;
}

/**
 * The runs of plain text in one branch (no top-level `|`) that every match contains in that
 * order; null when the branch uses something not followed here.
 */
function literalRuns(chars: readonly string[]): string[] | null {
  const runs: string[] = [];
  let run: string[] = []; // code points, so that a repetition drops a whole character
  const end = () => {
    if (run.length > 0) runs.push(run.join(""));
    run = [];
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) return null;
      if (next === "Q") {
        for (i++; i < chars.length && !(chars[i] === "\\" && chars[i + 1] === "E"); i++) {
          run.push(chars[i]);
        }
        i++; // past the E (or the end)
      } else if (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(next)) run.push(next);
      else if (next in ESCAPE_ARGUMENTS) {
        end();
        const takes = ESCAPE_ARGUMENTS[next];
        if (takes > 0 && chars[i + 1] === "{") {
          const close = chars.indexOf("}", i + 2);
          if (close === -1) return null;
          i = close;
        } else i += takes;
      } else return null; // octal, \Q-less \E, or anything unusual
    } else if (c === "[") {
      const close = classEnd(chars, i);
      if (close === -1) return null;
      end();
      i = close;
    } else if (c === "(") {
      // A group is opaque; a flag group changing case anywhere but the start is not followed.
      if (chars[i + 1] === "?" && /^\(\?[-imsU]*[i]/.test(chars.slice(i, i + 12).join(""))) {
        return null;
      }
      end();
      let depth = 0;
      for (; i < chars.length; i++) {
        if (chars[i] === "\\") i++;
        else if (chars[i] === "[") {
          const close = classEnd(chars, i);
          if (close === -1) return null;
          i = close;
        } else if (chars[i] === "(") depth++;
        else if (chars[i] === ")" && --depth === 0) break;
      }
    } else if (c === "*" || c === "?" || c === "+") {
      if (c !== "+") run.pop(); // optional: the character may be absent
      end();
    } else if (c === "{") {
      const repeat = /^\{(\d+)(,\d*)?\}/.exec(chars.slice(i, i + 24).join(""));
      if (!repeat) return null;
      if (Number(repeat[1]) === 0) run.pop();
      end();
      i += [...repeat[0]].length - 1;
    } else if (c === "." || c === "^" || c === "$" || c === ")" || c === "|") end();
    else run.push(c);
  }
  end();
  return runs;
}
