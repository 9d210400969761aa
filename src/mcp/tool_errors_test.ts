import assert from "node:assert/strict";
import { InvalidArgumentError, PersistprocError, StopFailedError } from "../core/errors.ts";
import { capturingLog } from "../core/_test_support.ts";
import { INTERNAL_MESSAGE, reportError } from "./tool_errors.ts";

Deno.test("reportError() keeps bad input the caller's to fix: invalid_argument, 400, its words", async () => {
  const log = await capturingLog(() => {
    assert.deepEqual(reportError(new InvalidArgumentError('Invalid lines "x"'), "GET /api/x"), {
      code: "invalid_argument",
      message: 'Invalid lines "x"',
      status: 400,
    });
  });
  assert.equal(log, "");
});

Deno.test("reportError() takes a TypeError or RangeError for a bug: internal, 500, logged with its stack", async () => {
  for (const bug of [new TypeError("x is not a function"), new RangeError("Invalid pid -4")]) {
    let reported;
    const log = await capturingLog(() => reported = reportError(bug, "Tool ctrl"));
    assert.deepEqual(reported, { code: "internal", message: INTERNAL_MESSAGE, status: 500 });
    assert.match(log, /error: Tool ctrl failed: (TypeError|RangeError): /);
    assert.ok(log.includes(bug.stack!.split("\n")[1].trim()), "the stack is logged");
  }
});

Deno.test("reportError() answers the server's own failures with a 5xx or 409, not the caller's 400", () => {
  const statuses = [
    [new PersistprocError("state_unwritable", "Cannot record"), 507],
    [new StopFailedError("web", [{ pid: 41, error: "EPERM" }]), 500],
    [new PersistprocError("data_dir_in_use", "Another server holds it"), 409],
    [new PersistprocError("log_unwritable", "Cannot create"), 507],
    [new PersistprocError("shutting_down", "The server is shutting down"), 503],
  ] as const;
  for (const [error, status] of statuses) {
    const reported = reportError(error, "POST /api/hub/stop");
    assert.deepEqual([reported.code, reported.status], [error.code, status]);
  }
});
