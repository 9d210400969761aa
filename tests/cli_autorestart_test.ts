// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: `--autorestart` from the CLI, and what `ls` and `run` show of it.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, hubTest, waitFor } from "./_hub.ts";

hubTest("ls shows restarts and when a process backing off is tried again", async (hub) => {
  const started = await cli(hub, [
    "start",
    "--autorestart",
    "always",
    "--label",
    "flaky",
    "sh",
    "-c",
    "echo ran; exit 1",
  ]);
  assert.equal(started.code, 0, started.stderr);
  const row = await waitFor("a restart and a backoff", async () => {
    const table = (await cli(hub, ["ls", "--all"])).stdout;
    return /^\d+ +backoff +1 +([1-9]\d*), next \d\d:\d\d:\d\d +\S+ +- +\S+ +flaky$/m.exec(table) &&
      table;
  });
  assert.match(row, /^PID +STATUS +EXIT +RESTARTS +STARTED +PORTS +BY +LABEL$/m);
  const stopped = await cli(hub, ["stop", "flaky"]);
  assert.equal(stopped.code, 0, stopped.stderr);
  const after = await cli(hub, ["ls", "--all"]);
  assert.doesNotMatch(after.stdout, /backoff/);
  const bad = await cli(hub, ["start", "--autorestart", "sometimes", "true"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^error: invalid --autorestart "sometimes": expected no, on-failure or always$/m,
  );
});

hubTest("run --autorestart on-failure follows the process into its next run", async (hub) => {
  const project = await Deno.makeTempDir({ dir: hub.dataDir });
  const script =
    "if [ -e ran ]; then echo second run; exit 0; fi; touch ran; echo first run; exit 3";
  const result = await cli(
    hub,
    ["run", "--autorestart", "on-failure", "sh", "-c", script],
    {},
    project,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "first run\nsecond run\n");
  assert.match(result.stderr, /^process exited with code 3; autorestart starts it again at \S+/m);
  assert.match(result.stderr, /^restarted .* \(PID \d+\)$/m);
  assert.match(result.stderr, /^process exited with code 0$/m);
});

hubTest(
  "a stop while autorestart waits cancels it and says so; autorestart's runs are marked as its own",
  async (hub) => {
    const crasher = ["sh", "-c", "echo crashing; exit 2"];
    for (const label of ["crasher", "crasher2"]) {
      const args = ["start", "--autorestart", "always", "--label", label, ...crasher];
      const started = await cli(hub, args);
      assert.equal(started.code, 0, started.stderr);
    }
    // A wait long enough (the backoff doubles to 8 s) that the stops surely come during it.
    await waitFor("backoffs of several seconds", async () => {
      const { processes } = (await hub.api("list", {})).body;
      return processes.length === 2 &&
        processes.every((p: any) => p.restart_at && Date.parse(p.restart_at) > Date.now() + 5_000);
    }, 30_000);
    await using client = await connectMcp(hub);
    const [stopped, mcp] = await Promise.all([
      cli(hub, ["stop", "crasher"]),
      client.callTool({
        name: "ctrl",
        arguments: { action: "stop", command_or_label: "crasher2" },
      }) as Promise<any>,
    ]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(mcp.structuredContent.autorestart_cancelled, true);
    assert.match(
      mcp.content[0].text,
      /^was waiting to be restarted; autorestart cancelled: PID \d+ "crasher2" \(stopped, exit code 2\) in /,
    );
    // What the start and list said (its restarts, say) a stop does not say again.
    assert.doesNotMatch(mcp.content[0].text, /restarts/);
    assert.match(
      stopped.stdout,
      /^'crasher' \(PID \d+\) had ended \(exited with code 2\) and was waiting to be restarted; autorestart is cancelled$/m,
    );
    const [after] = (await hub.api("list", { command_or_label: "crasher" })).body.processes;
    assert.equal(after.restart_at, null);
    const output = await cli(hub, ["output", "crasher"]);
    assert.match(output.stdout, /^--- run 2 \(autorestart\) /m);
    assert.doesNotMatch(output.stdout, /\(restart\)/);
  },
);
