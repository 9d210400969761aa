/**
 * Regular expressions from callers, matched in linear time. A caller's pattern runs inside the
 * server against every stored line, so a backtracking engine would let one bad pattern
 * (`(a+)+$`) stall every other request; RE2 cannot be made to backtrack.
 */
import { InvalidArgumentError } from "../errors.ts";
import { RE2JS } from "re2js";
import { type RequiredText, requiredText } from "./required_literal.ts";

/** Longest pattern accepted; a longer one is an argument error. */
export const MAX_PATTERN_LENGTH = 1_000;

/** A compiled caller pattern. */
export interface LinePattern {
  /** The pattern as the caller gave it. */
  readonly source: string;
  /** Whether the pattern matches anywhere in the text. */
  test(text: string): boolean;
  /** Text every line it matches contains, when the pattern shows it; else null. */
  readonly required: RequiredText | null;
}

/**
 * Compiles a caller's pattern (RE2 syntax: JavaScript-like, without lookaround or
 * backreferences; `(?i)` ignores case). An empty, over-long or invalid pattern is an InvalidArgumentError
 * naming the field.
 */
export function compilePattern(field: string, source: string): LinePattern {
  if (source.length === 0) throw new InvalidArgumentError(`Invalid ${field}: the pattern is empty`);
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new InvalidArgumentError(
      `Invalid ${field}: the pattern is ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are accepted`,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      `Invalid ${field} "${source}": ${reason} (RE2 syntax: no lookaround or backreferences)`,
      { cause: error },
    );
  }
  return { source, test: (text) => compiled.test(text), required: requiredText(source) };
}
