import assert from "node:assert/strict";
import { parseTarget } from "./target.ts";

Deno.test("an all-digit target is a PID", () => {
  assert.deepEqual(parseTarget(["123"]), { pid: 123 });
});

Deno.test("other targets are a label or a command line, joined as run joins them", () => {
  assert.deepEqual(parseTarget(["web"]), { command_or_label: "web" });
  assert.deepEqual(parseTarget(["echo", "a b"], "/tmp"), {
    command_or_label: "echo 'a b'",
    working_directory: "/tmp",
  });
});

Deno.test("no target leaves the choice to the server", () => {
  assert.deepEqual(parseTarget([]), {});
});
