import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { SERVER_V8_FLAGS } from "./permissions.ts";

Deno.test("deno task serve runs the server with the V8 setting of the binary and of autostart", () => {
  assert.ok(
    denoJson.tasks.serve.split(" ").includes(SERVER_V8_FLAGS),
    `the serve task passes ${SERVER_V8_FLAGS}`,
  );
});
