import assert from "node:assert/strict";
import { inCliWords } from "./folder.ts";

Deno.test("inCliWords() names the CLI's flags where the API's fields were", () => {
  assert.equal(inCliWords("label must not be empty"), "--label must not be empty");
  assert.equal(inCliWords("lines must be at least 1"), "--lines must be at least 1");
  assert.equal(inCliWords("assign_port must not be empty"), "--assign-port must not be empty");
  assert.equal(
    inCliWords("wait_timeout needs wait_for_log or wait_for_exit"),
    "--wait-timeout needs --wait-for-log or --wait-for-exit",
  );
  // Only a message that begins with the field: the same word elsewhere is left alone.
  assert.equal(inCliWords("No managed process is labelled"), "No managed process is labelled");
});
