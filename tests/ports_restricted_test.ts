/**
 * End-to-end: a server with the compiled binary's permissions, which Deno does not let read
 * /proc. Ports, readiness and port conflicts then come from /proc read through libc over FFI
 * (`ss` and `ps` where FFI cannot be used), and a wait for a localhost URL still works although
 * the network permission names 127.0.0.1 only.
 */
import assert from "node:assert/strict";
import { PERMISSIONS } from "../tasks/compile.ts";
import { FIXTURES, freePort, MAIN, startHub } from "./_hub.ts";

async function hasSs(): Promise<boolean> {
  try {
    return (await new Deno.Command("ss", { args: ["-V"], stdout: "null" }).output()).success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "without /proc for Deno, ports, readiness and port conflicts are still found",
  ignore: Deno.build.os !== "linux" || !(await hasSs()),
  fn: async () => {
    await using hub = await startHub([], {
      program: [Deno.execPath(), "run", ...PERMISSIONS, MAIN],
    });
    try {
      const port = freePort();
      const command = `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port} 300`;
      const start = { action: "start", command_or_label: command, working_directory: hub.dataDir };
      const web = await hub.api("ctrl", {
        ...start,
        label: "web",
        wait_for_port: port,
        wait_for_url: `http://localhost:${port}/health`,
      });
      assert.equal(web.body.wait_result, "ready", JSON.stringify(web.body));
      assert.deepEqual(web.body.ports, [port]);
      const listed = await hub.api("list", {});
      assert.deepEqual(listed.body.processes[0].ports, [port]);
      const second = await hub.api("ctrl", { ...start, label: "second", wait_for_port: port });
      assert.equal(second.status, 409);
      assert.equal(second.body.error.pid, web.body.pid);
      assert.match(second.body.error.message, /\(managed process "web"\)/);
      const foreign = await hub.api("ctrl", {
        ...start,
        label: "third",
        wait_for_url: "http://example.com/",
      });
      assert.equal(foreign.status, 400);
      assert.match(foreign.body.error.message, /may not connect to example\.com/);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(hub.output());
      throw error;
    }
  },
});
