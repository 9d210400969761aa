/**
 * Keeps the house rule cheap: the core imports none of its doors (nor the data directory's
 * token, lock and paths), nothing imports the CLI, and the doors' code (tests aside) imports the
 * core only through src/core/mod.ts or a core folder's mod.ts.
 *
 *   deno task layers    prints each import that points the wrong way; exits 1 if any does
 *
 * Run by `deno task ok` and `.ci/run`; tests/layers_test.ts asserts the same.
 */
// deno-lint-ignore-file no-console -- a check script: its console output is its interface
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";

export const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const DOORS = ["data_dir", "mcp", "http", "client", "cli", "server"];
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

/** Every .ts file under dir. */
export function* sources(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Each import under src/ that points the wrong way, as "<file> imports <target>". */
export function layerViolations(src = SRC): string[] {
  const violations: string[] = [];
  for (const file of sources(src)) {
    const layer = relative(src, file).split("/")[0];
    const text = Deno.readTextFileSync(file);
    const specifiers = [
      ...text.matchAll(/(?:import|export)[^"'();]*?from\s+["']([^"']+)["']/g),
      ...text.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g), // dynamic import()
    ];
    for (const [, spec] of specifiers) {
      if (!spec.startsWith(".")) continue;
      const target = relative(src, join(file, "..", spec));
      const door = DOORS.includes(layer) && !file.endsWith("_test.ts");
      if (door && target.startsWith("core/") && !/^core\/(\w+\/)?mod\.ts$/.test(target)) {
        violations.push(`${relative(src, file)} imports ${target}, not a mod.ts`);
      }
      for (const banned of FORBIDDEN[layer] ?? []) {
        if (target.startsWith(`${banned}/`) || target === `${banned}.ts`) {
          violations.push(`${relative(src, file)} imports ${target}`);
        }
      }
    }
  }
  return violations;
}

if (import.meta.main) {
  const violations = layerViolations();
  for (const violation of violations) console.error(`layers: ${violation}`);
  if (violations.length > 0) Deno.exit(1);
}
