// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: a program that buffers its output when it is not on a terminal is still heard.
 * Python's "Serving HTTP on ..." reaches wait_for_log, over MCP (the 2.x and the 1.x client)
 * and the CLI, and the log of a start from the dashboard, because every run gets
 * PYTHONUNBUFFERED=1 unless its environment sets it.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { type AnyClient, forEachMcpClient } from "./_doors.ts";
import { connectMcp, linesOf, startHub, type TestHub, waitFor } from "./_hub.ts";

const SERVE = "python3 -m http.server 0 --bind 127.0.0.1";

/** Why python3 cannot run here, or null. */
async function pythonMissing(): Promise<string | null> {
  try {
    const { success } = await new Deno.Command("python3", { args: ["-c", "pass"] }).output();
    return success ? null : "python3 fails to run";
  } catch {
    return "python3 is not installed";
  }
}
const missing = await pythonMissing();

/**
 * Runs `body` with a server, and a test process, whose environment has no PYTHONUNBUFFERED
 * (this machine's may set it), so only persistproc's default can make Python line-buffered.
 */
async function withoutUnbuffered(body: (hub: TestHub) => Promise<void>): Promise<void> {
  const had = Deno.env.get("PYTHONUNBUFFERED");
  Deno.env.delete("PYTHONUNBUFFERED");
  try {
    await using hub = await startHub();
    try {
      await body(hub);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(`--- server output ---\n${hub.output()}`);
      throw error;
    }
  } finally {
    if (had !== undefined) Deno.env.set("PYTHONUNBUFFERED", had);
  }
}

/** Starts Python's http.server over MCP, waiting for its line; then stops it. */
async function serveAndHear(client: AnyClient, hub: TestHub, label: string): Promise<void> {
  const started = await client.callTool({
    name: "ctrl",
    arguments: {
      action: "start",
      command_or_label: SERVE,
      working_directory: hub.dataDir,
      label,
      wait_for_log: "Serving HTTP",
      wait_timeout: 20,
    },
  }) as any;
  assert.equal(started.isError, undefined, JSON.stringify(started.content));
  assert.equal(started.structuredContent.wait_result, "ready", started.content[0].text);
  assert.match(started.structuredContent.matched_line, /^Serving HTTP on 127\.0\.0\.1 port \d+/);
  await client.callTool({ name: "ctrl", arguments: { action: "stop", command_or_label: label } });
}

Deno.test({
  name: `Python's first line reaches wait_for_log over MCP and the CLI, and the dashboard's log${
    missing ? ` (skipped: ${missing})` : ""
  }`,
  ignore: missing !== null,
  async fn() {
    await withoutUnbuffered(async (hub) => {
      await forEachMcpClient(hub, (client, name) => serveAndHear(client, hub, `py ${name}`));
      const viaCli = await cli(hub, [
        "start",
        "--label",
        "py-cli",
        "--wait-for-log",
        "Serving HTTP",
        ...SERVE.split(" "),
      ]);
      assert.equal(viaCli.code, 0, viaCli.stderr);
      assert.equal((await cli(hub, ["stop", "py-cli"])).code, 0);
      // The dashboard starts without a wait (as its page calls hub/start); its log shows it.
      const { status } = await hub.api("ctrl", {
        action: "start",
        command_or_label: SERVE,
        working_directory: hub.dataDir,
        label: "py-dashboard",
      });
      assert.equal(status, 200);
      await waitFor("the dashboard's Python to be heard", async () => {
        const { body } = await hub.api("output", { command_or_label: "py-dashboard" });
        return body.output.some((line: string) => line.startsWith("Serving HTTP"));
      });
      await hub.api("ctrl", { action: "stop", command_or_label: "py-dashboard" });
    });
  },
});

Deno.test("a run's own PYTHONUNBUFFERED wins over the default", async () => {
  await withoutUnbuffered(async (hub) => {
    await using client = await connectMcp(hub);
    const read = async (environment?: Record<string, string>) => {
      const started = await client.callTool({
        name: "ctrl",
        arguments: {
          action: "start",
          command_or_label: 'echo "[$PYTHONUNBUFFERED]"',
          working_directory: hub.dataDir,
          label: `echo ${environment ? "own" : "default"}`,
          environment,
        },
      }) as any;
      assert.equal(started.isError, undefined, JSON.stringify(started.content));
      return await waitFor("the echo", async () => {
        const page = await client.callTool({
          name: "output",
          arguments: { pid: started.structuredContent.pid },
        }) as any;
        return linesOf(page.structuredContent)[0];
      });
    };
    assert.equal(await read(), "[1]");
    assert.equal(await read({ PYTHONUNBUFFERED: "" }), "[]");
  });
});
