import assert from "node:assert/strict";
import { processInfo } from "./_process_fixture.ts";
import { describeServerEnding } from "./server_ending.ts";

function process(pid: number, label: string) {
  return processInfo({ pid, label, command_line: "sleep 1000" });
}

Deno.test("the server's last line says why it stopped and what became of its processes", () => {
  const web = process(1, "web");
  const api = process(2, "api");
  assert.equal(
    describeServerEnding(8947, { reason: "request", stopped: [], leftRunning: [] }),
    "persistproc server on port 8947 stopped (shutdown requested); no process was running",
  );
  assert.equal(
    describeServerEnding(8947, { reason: "SIGTERM", stopped: [web, api], leftRunning: [api] }),
    "persistproc server on port 8947 stopped (SIGTERM); it stopped 1 process: 'web' (PID 1); " +
      "1 process did not end in time: 'api' (PID 2)",
  );
  const many = Array.from({ length: 7 }, (_, i) => process(10 + i, `p${i}`));
  assert.equal(
    describeServerEnding(8947, { reason: "SIGINT", stopped: many, leftRunning: [] }),
    "persistproc server on port 8947 stopped (SIGINT); it stopped 7 processes: " +
      "'p0' (PID 10), 'p1' (PID 11), 'p2' (PID 12), 'p3' (PID 13), 'p4' (PID 14) and 2 more",
  );
});
