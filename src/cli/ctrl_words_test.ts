import assert from "node:assert/strict";
import type { WaitedCtrlResult } from "../client/api.ts";
import { describeCtrl } from "./ctrl_words.ts";
import { processInfo } from "./_process_fixture.ts";

function restart(fields: Partial<WaitedCtrlResult>): WaitedCtrlResult {
  const process = processInfo({ pid: 7, label: "web", command_line: "node server.js" });
  return { action: "restart", ...process, restarts: 1, ports: [], ...fields };
}

Deno.test("a restart says where its new run listens and which of the old run's ports are free", () => {
  // A port the new run took again is in ports alone (the server leaves it out of freed_ports).
  assert.equal(
    describeCtrl(restart({ ports: [3000, 3001], freed_ports: [3002] })),
    "restarted 'web' (PID 7), listening on 3000, 3001; freed port 3002",
  );
  assert.equal(
    describeCtrl(restart({ ports: [], freed_ports: [3000] })),
    "restarted 'web' (PID 7); freed port 3000",
  );
  assert.equal(
    describeCtrl(restart({ ports: [4000] })),
    "restarted 'web' (PID 7), listening on 4000",
  );
});
