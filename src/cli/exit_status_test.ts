import assert from "node:assert/strict";
import { describeEnding, exitCodeOf } from "./exit_status.ts";

Deno.test("a process's own exit code is passed on", () => {
  assert.equal(exitCodeOf({ exit_code: 3, exit_signal: null }), 3);
  assert.equal(describeEnding({ exit_code: 3, exit_signal: null }), "exited with code 3");
});

Deno.test("a signal becomes 128 + its number, as in shells", () => {
  assert.equal(exitCodeOf({ exit_code: null, exit_signal: "SIGTERM" }), 143);
  assert.equal(exitCodeOf({ exit_code: null, exit_signal: "SIGKILL" }), 137);
  assert.equal(describeEnding({ exit_code: null, exit_signal: "SIGTERM" }), "killed by SIGTERM");
});

Deno.test("when both a code and a signal are reported, the signal names the ending", () => {
  assert.equal(exitCodeOf({ exit_code: 143, exit_signal: "SIGTERM" }), 143);
  assert.equal(describeEnding({ exit_code: 143, exit_signal: "SIGTERM" }), "killed by SIGTERM");
});
