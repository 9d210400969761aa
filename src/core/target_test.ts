import assert from "node:assert/strict";
import { type Addressable, matchesFilter } from "./target.ts";

function entry(started_by: string | null): Addressable {
  return {
    pid: 7,
    status: "running",
    spec: { label: "web", command_line: "npm run dev", working_directory: "/w", started_by },
  };
}

Deno.test("matchesFilter() narrows on started_by by name, or by name and version", () => {
  const agent = entry("claude-code/2.1.0");
  assert.ok(matchesFilter(agent, { started_by: "claude-code" }));
  assert.ok(matchesFilter(agent, { started_by: "claude-code/2.1.0" }));
  assert.ok(!matchesFilter(agent, { started_by: "claude" }));
  assert.ok(!matchesFilter(agent, { started_by: "claude-code/2.0" }));
  assert.ok(matchesFilter(entry("cli"), { started_by: "cli" }));
  assert.ok(!matchesFilter(entry(null), { started_by: "cli" }));
  assert.ok(matchesFilter(entry(null), {}));
});
