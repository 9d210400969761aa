/**
 * Keeps the house rule cheap: the core imports none of its doors (nor the data directory's
 * token, lock and paths), and nothing imports the CLI.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const FORBIDDEN: Record<string, string[]> = {
  core: ["data_dir", "mcp", "http", "client", "cli", "server"],
  // The data directory's token, lock and paths serve the CLI, the client and the composition
  // root; they use the core's errors, and no door.
  data_dir: ["mcp", "http", "client", "cli", "server"],
  mcp: ["http", "client", "cli", "server"],
  http: ["client", "cli", "server"],
  client: ["core/supervisor", "mcp", "http", "cli", "server"],
  server: ["client", "cli"],
};

function* sources(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("src layers import only downwards: core knows no door, nothing imports the cli", () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    const layer = relative(SRC, file).split("/")[0];
    const text = Deno.readTextFileSync(file);
    const specifiers = [
      ...text.matchAll(/(?:import|export)[^"'();]*?from\s+["']([^"']+)["']/g),
      ...text.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g), // dynamic import()
    ];
    for (const [, spec] of specifiers) {
      if (!spec.startsWith(".")) continue;
      const target = relative(SRC, join(file, "..", spec));
      for (const banned of FORBIDDEN[layer] ?? []) {
        if (target.startsWith(`${banned}/`) || target === `${banned}.ts`) {
          violations.push(`${relative(SRC, file)} imports ${target}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
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
