import assert from "node:assert/strict";
import { RE2JS } from "re2js";
import { requiredText } from "./required_literal.ts";

Deno.test("requiredText finds the plain text every match must contain", () => {
  const cases: [string, string[] | null, boolean?][] = [
    ["connection refused", ["connection refused"]],
    ["^Error: (\\w+) failed$", ["Error: "]],
    ["con.*refused", ["refused"]],
    ["error|warn(ing)?", ["error", "warn"]],
    ["(?i)Benchmark LINE 42,", ["Benchmark LINE 42,"], true],
    ["(?i)error|ok", ["error", "ok"], true],
    ["\\Qa.b\\E+c", ["a.b"]],
    ["x{0}error", ["error"]],
    ["ab{2,}c", ["ab"]],
    ["a\\x41bc", ["bc"]],
    ["port \\d+ in use", [" in use"]],
    ["\\.ts:\\d+", [".ts:"]],
    ["(?i)ünïcode done", ["code done"], true],
    ["日本語", ["日本語"]],
  ];
  for (const [pattern, alternatives, foldCase = false] of cases) {
    assert.deepEqual(
      requiredText(pattern),
      alternatives && { alternatives, foldCase },
      pattern,
    );
  }
});

Deno.test("requiredText gives up where it cannot be sure", () => {
  for (const pattern of ["\\d+", "^$", "a|.*", "a(?i)b", "(?-i)a", "\\x{212A}", "\\1x", "a{,2}"]) {
    assert.equal(requiredText(pattern), null, pattern);
  }
});

Deno.test("RE2 folds ASCII letters only with the Kelvin sign and the long s", () => {
  const letter = RE2JS.compile("(?i)[a-z]");
  const folded: string[] = [];
  for (let code = 0x80; code < 0x10000; code++) {
    if (code >= 0xd800 && code < 0xe000) continue;
    if (letter.test(String.fromCharCode(code))) folded.push(code.toString(16));
  }
  assert.deepEqual(folded, ["17f", "212a"]);
});

Deno.test("a line RE2 matches always holds one of the required texts", () => {
  const patterns = [
    "error|warn",
    "(?i)kelvins",
    "e\\.?rr",
    "(er)+ror",
    "x*err(or)?",
    "(?i)ERR|ok",
    "\\bok\\b",
    "[a-z]rror:",
  ];
  const pieces = ["e", "r", "o", "k", "s", "E", "R", "K", "S", "\u212A", "\u017F", ".", ":", " "];
  let state = 7;
  const pick = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
  for (const pattern of patterns) {
    const required = requiredText(pattern);
    assert.ok(required, pattern);
    const compiled = RE2JS.compile(pattern);
    const fold = (text: string) =>
      required.foldCase
        ? text.replaceAll("\u212A", "k").replaceAll("\u017F", "s").toLowerCase()
        : text;
    for (let i = 0; i < 20_000; i++) {
      const line = Array.from({ length: pick(9) }, () => pieces[pick(pieces.length)]).join("");
      if (!compiled.test(line)) continue;
      assert.ok(
        required.alternatives.some((text) => fold(line).includes(fold(text))),
        `${pattern} matches ${JSON.stringify(line)}`,
      );
    }
  }
});
