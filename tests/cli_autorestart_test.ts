/**
 * End-to-end: `--autorestart` from the CLI, and what `ls` and `run` show of it.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { hubTest, waitFor } from "./_hub.ts";

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
