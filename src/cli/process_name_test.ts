import assert from "node:assert/strict";
import { displayName } from "./process_name.ts";

Deno.test("a default label is shown as the bare command line", () => {
  const process = { command_line: "npm run dev", working_directory: "/app" };
  assert.equal(displayName({ ...process, label: "npm run dev in /app" }), "'npm run dev'");
  assert.equal(displayName({ ...process, label: "" }), "'npm run dev'");
});

Deno.test("a chosen label is shown as it is", () => {
  assert.equal(
    displayName({ command_line: "npm run dev", working_directory: "/app", label: "web" }),
    "'web'",
  );
});

Deno.test("a default label is shown as the command given when an assigned port was appended", () => {
  const process = {
    command_line: "npm run dev -- --port 23885 --strictPort",
    working_directory: "/app",
  };
  assert.equal(displayName({ ...process, label: "npm run dev in /app" }), "'npm run dev'");
  // A label of one's own that merely ends with the folder is not taken for the default.
  assert.equal(displayName({ ...process, label: "web in /app" }), "'web in /app'");
});
