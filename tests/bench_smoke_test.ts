/**
 * Keeps the benchmark from rotting: runs every measure of `deno task bench` at tiny sizes,
 * without pm2 (installing it would make the test slow and net-dependent), and checks that the
 * table and bench results came out. Timings are not judged.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const BENCH = fileURLToPath(new URL("../bench/main.ts", import.meta.url));

Deno.test("the benchmark runs every measure and writes its table and results", async () => {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-bench-smoke-" });
  try {
    const out = join(dir, "results.json");
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", BENCH, "--smoke", "--no-pm2", "--out", out],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const printed = new TextDecoder().decode(stdout);
    assert.equal(code, 0, `${printed}\n${new TextDecoder().decode(stderr)}`);
    assert.match(printed, /^Machine: \d+ cores/m);
    assert.match(printed, /\| measure \| persistproc \| pm2 \| no manager \| target \| met \|/);
    const report = JSON.parse(await Deno.readTextFile(out));
    const measures: string[] = report.results.map((r: { measure: string }) => r.measure);
    for (
      const expected of [
        /^capture /,
        /^child slowdown/,
        /^output: last 100 lines/,
        /^output: grep, absent pattern/,
        /^MCP list/,
        /^MCP result bytes \(2\.x client\): list of 20/,
        /^MCP result bytes \(1\.x client\): list of 20/,
        /^ctrl start/,
        /^server RSS, idle/,
        /^CLI cold start/,
        /^server CPU, \d+ quiet processes/,
        /^line latency p99/,
        /^event line latency p99/,
      ]
    ) {
      assert.ok(measures.some((m) => expected.test(m)), `no row matches ${expected}`);
    }
    const lost = report.results.find((r: { measure: string }) =>
      r.measure.startsWith("capture: lines lost")
    );
    assert.equal(lost.persistproc, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
