import assert from "node:assert/strict";
import { parseFlags, splitAtFirstPositional, UsageError } from "./args.ts";

const spec = {
  port: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  dir: { type: "string", short: "C" },
} as const;

Deno.test("flags end at the first positional; later flags belong to the child", () => {
  assert.deepEqual(
    splitAtFirstPositional(["--port", "9", "python3", "-m", "http.server", "--port", "1"], spec),
    { flags: ["--port", "9"], rest: ["python3", "-m", "http.server", "--port", "1"] },
  );
});

Deno.test("a flag's value is not mistaken for the first positional", () => {
  assert.deepEqual(splitAtFirstPositional(["-C", "/tmp", "-v", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["-vC", "/tmp", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["-C/tmp", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["--port=9", "ls"], spec).rest, ["ls"]);
});

Deno.test("`--` ends the flags and is dropped", () => {
  assert.deepEqual(splitAtFirstPositional(["-v", "--", "--weird"], spec), {
    flags: ["-v"],
    rest: ["--weird"],
  });
});

Deno.test("parseFlags() keeps the child's flags as positionals when asked to", () => {
  const parsed = parseFlags(["--port", "9", "ls", "-v"], spec, true);
  assert.deepEqual(parsed.values, { port: "9" });
  assert.deepEqual(parsed.positionals, ["ls", "-v"]);
});

Deno.test("parseFlags() reads flags anywhere by default", () => {
  const parsed = parseFlags(["web", "-v"], spec);
  assert.deepEqual(parsed.values, { verbose: true });
  assert.deepEqual(parsed.positionals, ["web"]);
});

Deno.test("parseFlags() turns unknown flags and missing values into usage errors", () => {
  assert.throws(() => parseFlags(["--nope"], spec), UsageError);
  assert.throws(() => parseFlags(["--port"], spec, true), UsageError);
});
