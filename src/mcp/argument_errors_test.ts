import assert from "node:assert/strict";
import { z } from "zod";
import { describeIssues } from "./argument_errors.ts";
import { ctrlInput, outputInput } from "./input_schemas.ts";

/** What a call with `input` is told, checked against the tool's input schema. */
function told(shape: z.ZodRawShape, input: unknown): string {
  const parsed = z.object(shape).safeParse(input);
  assert.equal(parsed.success, false);
  return describeIssues(parsed.error!.issues, input);
}

Deno.test("describeIssues says what each field must be, in persistproc's words", () => {
  assert.equal(told(ctrlInput, { action: "start", label: "" }), "label must not be empty");
  assert.equal(
    told(ctrlInput, { action: "go", pid: 1.5, force: "yes", environment: { A: 1 } }),
    'action must be "start", "stop", "restart" or "adopt"; pid must be a whole number; ' +
      "environment.A must be a string; force must be true or false",
  );
  assert.equal(
    told(ctrlInput, {}),
    'action is required: "start", "stop", "restart" or "adopt"',
  );
  assert.equal(
    told(ctrlInput, { action: "start", wait_for_port: 70_000, wait_timeout: 0 }),
    "wait_for_port must be at most 65535; wait_timeout must be more than 0",
  );
  assert.equal(
    told(ctrlInput, { action: "start", wait_for_port: "3000" }),
    "wait_for_port must be a number or true",
  );
  assert.equal(
    told(outputInput, { lines: 0, grep: "x".repeat(1_001) }),
    "lines must be at least 1; grep must be at most 1000 characters",
  );
  assert.equal(told(ctrlInput, "start"), "the arguments must be an object");
});
