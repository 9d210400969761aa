/**
 * End-to-end: the README's "In CI" recipe, run as written. Its steps are read from the README's
 * YAML block and run as shell commands without a terminal, with GitHub Actions' rules for
 * `if: failure()` and `if: always()`, against a tiny app behind a fake `npm`. What a CI run
 * relies on is checked: each step's exit code, the app's output shown on failure, and nothing
 * left running after the last step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES, freePort, MAIN } from "./_hub.ts";

interface Step {
  name: string;
  if?: string;
  run: string;
}

/** The recipe: the job's environment and its steps, from the README's "In CI" section. */
function readRecipe(): { env: Record<string, string>; steps: Step[] } {
  const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));
  const section = readme.split("\n## In CI\n")[1]?.split("\n## ")[0] ?? "";
  const yaml = /```yaml\n([^]*?)```/.exec(section)?.[1];
  assert.ok(yaml, "the README has an In CI section with a YAML block");
  const env = Object.fromEntries(
    [...yaml.split("steps:")[0].matchAll(/^ {2}(\w+): (.+)$/gm)].map((m) => [m[1], m[2]]),
  );
  const steps = yaml.split(/^ {2}- /m).slice(1).map((block) => ({
    name: /name: (.+)/.exec(block)![1],
    if: /^\s*if: (.+)$/m.exec(block)?.[1],
    run: /^\s*run: (.+)$/m.exec(block)![1],
  }));
  return { env, steps };
}

/** How each step ended: its exit code, or "skipped", and what it printed. */
interface StepResult {
  name: string;
  code: number | "skipped";
  stdout: string;
  stderr: string;
}

/** Runs the steps as GitHub Actions would: a failed step skips the rest but failure()/always(). */
async function runRecipe(env: Record<string, string>): Promise<StepResult[]> {
  const recipe = readRecipe();
  const results: StepResult[] = [];
  let failed = false;
  for (const step of recipe.steps) {
    const runs = step.if === "always()" || (step.if === "failure()" ? failed : !failed);
    if (!runs) {
      results.push({ name: step.name, code: "skipped", stdout: "", stderr: "" });
      continue;
    }
    const output = await new Deno.Command("sh", {
      args: ["-e", "-c", step.run],
      env: { ...recipe.env, ...env },
      stdin: "null",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const decoder = new TextDecoder();
    results.push({
      name: step.name,
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    });
    if (output.code !== 0) failed = true;
  }
  return results;
}

/**
 * A folder on the PATH with `persistproc` (this checkout's main.ts) and a fake `npm`: `npm
 * start` serves GET /health on $PORT (or crashes when APP_CRASHES is set), `npm test` asks it
 * (and fails when TESTS_FAIL is set).
 */
async function ciMachine(): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-ci-" });
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  const deno = Deno.execPath();
  await Deno.writeTextFile(
    join(bin, "persistproc"),
    `#!/bin/sh\nexec "${deno}" run -A "${MAIN}" "$@"\n`,
    { mode: 0o755 },
  );
  const check = "const r = await fetch('http://127.0.0.1:' + Deno.env.get('PORT') + '/health'); " +
    "console.log('GET /health', r.status); Deno.exit(r.ok && !Deno.env.get('TESTS_FAIL') ? 0 : 1)";
  await Deno.writeTextFile(
    join(bin, "npm"),
    `#!/bin/sh
case "$1" in
  start)
    if [ -n "$APP_CRASHES" ]; then echo "Error: Cannot find module 'express'" >&2; exit 3; fi
    exec "${deno}" run -A "${FIXTURES}slow_http.ts" "$PORT" 300 ;;
  test) exec "${deno}" eval "${check}" ;;
esac
exit 2
`,
    { mode: 0o755 },
  );
  return {
    dir,
    env: {
      PATH: `${bin}:${Deno.env.get("PATH")}`,
      PERSISTPROC_DATA_DIR: join(dir, "data"),
      PERSISTPROC_PORT: String(freePort()),
      PORT: String(freePort()),
      NO_COLOR: "1",
    },
  };
}

/** Runs the recipe on a fresh machine, then checks nothing is left listening. */
async function ciRun(extra: Record<string, string>): Promise<Record<string, StepResult>> {
  const machine = await ciMachine();
  const env = { ...machine.env, ...extra };
  try {
    const results = await runRecipe(env);
    for (const port of [env.PERSISTPROC_PORT, env.PORT]) {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(port) });
      listener.close(); // free: the server and the app are gone
    }
    return Object.fromEntries(results.map((result) => [result.name, result]));
  } finally {
    await new Deno.Command("sh", { args: ["-c", "persistproc shutdown"], env, stdin: "null" })
      .output();
    await Deno.remove(machine.dir, { recursive: true }).catch(() => {});
  }
}

function codes(results: Record<string, StepResult>): Record<string, number | "skipped"> {
  return Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.code]));
}

Deno.test("the CI recipe: a passing run starts, tests and shuts down, all exiting 0", async () => {
  const results = await ciRun({});
  assert.deepEqual(codes(results), {
    "Start the app": 0,
    "Test": 0,
    "Show the app's output": "skipped",
    "Stop the app": 0,
  }, JSON.stringify(results, null, 2));
  assert.match(results["Test"].stdout, /GET \/health 200/);
});

Deno.test("the CI recipe: failing tests fail the job and show the app's output", async () => {
  const results = await ciRun({ TESTS_FAIL: "1" });
  assert.deepEqual(codes(results), {
    "Start the app": 0,
    "Test": 1,
    "Show the app's output": 0,
    "Stop the app": 0,
  }, JSON.stringify(results, null, 2));
  assert.match(results["Show the app's output"].stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("the CI recipe: an app that crashes fails the start, which shows why", async () => {
  const results = await ciRun({ APP_CRASHES: "1" });
  assert.deepEqual(codes(results), {
    "Start the app": 1,
    "Test": "skipped",
    "Show the app's output": 0,
    "Stop the app": 0,
  }, JSON.stringify(results, null, 2));
  assert.match(results["Start the app"].stderr, /Cannot find module 'express'/);
  assert.match(results["Show the app's output"].stdout, /Cannot find module 'express'/);
});
