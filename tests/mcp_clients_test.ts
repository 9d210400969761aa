/**
 * End-to-end with the MCP project's own tools, fetched from npm at pinned versions: the
 * official Inspector's CLI lists the tools of a server that requires its token, and the
 * conformance suite's scenarios that apply to a server without fixture tools pass against a
 * `--no-auth` server, at `/mcp` and at `/mcp/`. (The conformance suite speaks the 2025 revisions;
 * tests/mcp_test.ts covers 2026-07-28 with the SDK's own client.) Where a tool cannot be fetched or run here, its test is skipped, its name
 * saying why.
 */
import assert from "node:assert/strict";
import { startHub } from "./_hub.ts";

const INSPECTOR = "@modelcontextprotocol/inspector@2.12.0";
// Run with Deno: its CLI needs a newer Node (fs.globSync) than some machines have.
const CONFORMANCE = "npm:@modelcontextprotocol/conformance@0.1.16";
/** The server scenarios that need no fixture tools, resources or prompts of the server. */
const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];
/** The first fetch of a tool downloads it; later runs find it in the cache. */
const FETCH_TIMEOUT_MS = 180_000;

/** Runs a command in a throwaway folder (tools write result files into their cwd). */
async function runIn(
  cwd: string,
  program: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await new Deno.Command(program, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

/** Why `program args` cannot run here (it is fetched on the way), or null when it can. */
async function unavailable(cwd: string, program: string, args: string[]): Promise<string | null> {
  try {
    const probe = await runIn(cwd, program, args, FETCH_TIMEOUT_MS);
    if (probe.code === 0) return null;
    const last = (probe.stderr.trim().split("\n").at(-1) ?? "").slice(0, 160);
    return `${program} ${args.slice(0, 2).join(" ")} failed: ${last}`;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return `${program} is not installed`;
    return `${program} ${args.slice(0, 2).join(" ")}: ${(error as Error).message}`;
  }
}

const work = await Deno.makeTempDir({ prefix: "persistproc-mcp-clients-" });
const inspectorMissing = await unavailable(work, "npx", ["-y", INSPECTOR, "--cli", "--version"]);
const conformanceMissing = await unavailable(work, Deno.execPath(), [
  "run",
  "-A",
  CONFORMANCE,
  "list",
  "--server",
]);

function named(name: string, missing: string | null) {
  return { name: missing ? `${name} (skipped: ${missing})` : name, ignore: missing !== null };
}

Deno.test({
  ...named("the official Inspector CLI lists the tools when given the token", inspectorMissing),
  async fn() {
    await using hub = await startHub();
    const inspect = (url: string, ...extra: string[]) =>
      runIn(work, "npx", [
        "-y",
        INSPECTOR,
        "--cli",
        url,
        "--method",
        "tools/list",
        ...extra,
      ]);
    const token = ["--header", `Authorization: Bearer ${hub.token}`];
    // The Inspector guesses the transport from a URL ending in /mcp; /mcp/ needs it named.
    for (
      const [url, ...extra] of [[`${hub.base}/mcp`], [`${hub.base}/mcp/`, "--transport", "http"]]
    ) {
      const listed = await inspect(url, ...extra, ...token);
      assert.equal(listed.code, 0, `${url}: ${listed.stderr}`);
      const names = JSON.parse(listed.stdout).tools.map((tool: { name: string }) => tool.name);
      assert.deepEqual(names.sort(), ["ctrl", "list", "output"], url);
    }
    // Without the token it gets nothing.
    const refused = await inspect(`${hub.base}/mcp`);
    assert.doesNotMatch(refused.stdout, /"tools"/);
  },
});

Deno.test({
  ...named("the MCP conformance scenarios pass against a --no-auth server", conformanceMissing),
  async fn() {
    await using hub = await startHub(["--no-auth"]);
    for (const scenario of SCENARIOS) {
      for (const path of ["/mcp", "/mcp/"]) {
        const result = await runIn(work, Deno.execPath(), [
          "run",
          "-A",
          CONFORMANCE,
          "server",
          "--url",
          `${hub.base}${path}`,
          "--scenario",
          scenario,
        ]);
        const report = `${scenario} at ${path}:\n${result.stdout}\n${result.stderr}`;
        assert.equal(result.code, 0, report);
        assert.match(result.stdout, / 0 failed, 0 warnings/, report);
      }
    }
  },
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(work, { recursive: true });
  } catch { /* already gone */ }
});
