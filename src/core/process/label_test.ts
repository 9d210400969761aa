import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors.ts";
import { checkLabel, escapeControls } from "./label.ts";

Deno.test("checkLabel() refuses escape sequences, titles, newlines and bidi overrides, naming them", () => {
  for (
    const bad of ["\x1b[2Jweb", "web\x1b]0;pwned\x07", "web\nPID  running", "a\tb", "\u202eweb"]
  ) {
    assert.throws(() => checkLabel(bad), (error: Error) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.match(error.message, /^Invalid label ".*": control characters .* are not allowed/);
      assert.equal(escapeControls(error.message), error.message, "the message itself is safe");
      return true;
    });
  }
  assert.equal(checkLabel("web: npm run dev (ünïcode ✓)"), "web: npm run dev (ünïcode ✓)");
});

Deno.test("escapeControls() writes what a terminal would obey as escapes it shows", () => {
  assert.equal(
    escapeControls("\x1b[2J\x1b]0;t\x07a\nb\tc\r\u202e\x7f"),
    "\\e[2J\\e]0;t\\u0007a\\nb\\tc\\r\\u202e\\u007f",
  );
  assert.equal(escapeControls("npm run dev"), "npm run dev");
});
