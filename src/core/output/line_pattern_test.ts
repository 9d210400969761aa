import assert from "node:assert/strict";
import { compilePattern } from "./line_pattern.ts";

Deno.test("compilePattern matches anywhere in the text, (?i) ignores case", () => {
  const error = compilePattern("grep", "error|warn(ing)?");
  assert.ok(error.test("a warning here"));
  assert.ok(!error.test("all fine"));
  assert.ok(compilePattern("grep", "(?i)^ready").test("Ready in 200 ms"));
});

Deno.test("compilePattern refuses invalid, empty and over-long patterns, naming the field", () => {
  assert.throws(() => compilePattern("wait_for_log", "(unclosed"), /Invalid wait_for_log/);
  assert.throws(() => compilePattern("grep", "(?=lookahead)"), /Invalid grep/);
  assert.throws(() => compilePattern("grep", ""), /empty/);
  assert.throws(() => compilePattern("grep", "a".repeat(1_001)), /at most 1000/);
});

Deno.test("compilePattern answers a catastrophic pattern at once", () => {
  // A backtracking engine takes longer than the universe's age on this; RE2 is linear.
  const evil = compilePattern("grep", "^(a+)+$");
  assert.equal(evil.test("a".repeat(50_000) + "b"), false);
  assert.equal(evil.test("a".repeat(50_000)), true);
});
