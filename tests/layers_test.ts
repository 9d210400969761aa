/**
 * The layer rules (tasks/check_layers.ts, also run by `deno task ok` and .ci/run) and the one
 * seam to the operating system.
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { layerViolations, sources, SRC } from "../tasks/check_layers.ts";

Deno.test("src layers import only downwards: core knows no door, nothing imports the cli", () => {
  assert.deepEqual(layerViolations(), []);
});

Deno.test("only src/core/system runs system tools or reads /proc", () => {
  const violations: string[] = [];
  const tool = /new Deno\.Command\(\s*["'](ps|ss|lsof|fallocate|taskkill|sysctl|cat)["']/;
  for (const file of sources(SRC)) {
    const path = relative(SRC, file);
    if (path.startsWith("core/system/") || path.endsWith("_test.ts")) continue;
    // Code only: comments may name /proc.
    const text = Deno.readTextFileSync(file).split("\n")
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
    if (tool.test(text)) violations.push(`${path} runs a system tool`);
    if (/["'`]\/proc\//.test(text)) violations.push(`${path} reads /proc`);
  }
  assert.deepEqual(violations, []);
});
