/**
 * End-to-end: what issue #19 asked of what a user reads holds through every door: an MCP
 * client of the SDK's 2.x line, one of its 1.x line, and the CLI (tests/_doors.ts). One server
 * for the file; a step per point. What one door alone has (the CLI's follower, its order of
 * messages, attaching) is tested in honest_words_test.ts; the byte targets in
 * mcp_compact_test.ts; PYTHONUNBUFFERED in buffered_test.ts; client names in
 * mcp_client_names_test.ts (the CLI's starts are `started_by: "cli"`, if_running_test.ts);
 * a real Vite's assigned ports in assign_port_vite_test.ts; write order (item 2) in
 * src/core/output/write_order_test.ts and output_test.ts.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { callTool, forEachDoor, forEachMcpClient } from "./_doors.ts";
import { FIXTURES, freePort, hubTest, listedAs, type TestHub, waitFor } from "./_hub.ts";

/** Starts `command` in `cwd` through the JSON API, as another caller would; answers its pid. */
async function startAside(hub: TestHub, command: string, cwd: string, label?: string) {
  const { status, body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: command,
    working_directory: cwd,
    ...(label ? { label } : {}),
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body.pid as number;
}

/** Waits until the process `list` shows under `label` has ended. */
function ended(hub: TestHub, label: string) {
  return waitFor(`"${label}" to end`, async () => {
    const process = await listedAs(hub, label);
    return process?.status !== "running" && process;
  });
}

hubTest("each point of #19 holds over MCP 2.x, MCP 1.x and the CLI", async (hub, t) => {
  const folder = async (name: string) => {
    await Deno.mkdir(`${hub.dataDir}/${name}`);
    return await Deno.realPath(`${hub.dataDir}/${name}`);
  };

  await t.step("list filters by status; its text names a folder once", async () => {
    const shop = await folder("shop");
    await startAside(hub, "sleep 300", shop);
    await startAside(hub, "echo built", shop);
    await ended(hub, `echo built in ${shop}`);
    await forEachDoor(hub, async (door) => {
      const running = await door.list(
        { status: "running", working_directory: shop },
        ["--running", "-C", shop],
      );
      assert.ok(running.ok, `${door.name}: ${running.text}`);
      assert.match(running.text, /sleep 300/, door.name);
      assert.doesNotMatch(running.text, /echo built/, door.name);
      // The label says where; the line does not say it again.
      assert.equal(running.text.split(shop).length, 2, `${door.name}: ${running.text}`);
    });
    // A list of statuses.
    await forEachDoor(hub, async (door) => {
      const done = await door.list(
        { status: ["exited", "failed"], working_directory: shop },
        ["--status", "exited,failed", "-C", shop],
      );
      assert.ok(done.ok, `${door.name}: ${done.text}`);
      assert.match(done.text, /echo built/, door.name);
      assert.doesNotMatch(done.text, /sleep 300/, door.name);
    });
    const misspelt = await cli(hub, ["ls", "--status", "runing"]);
    assert.equal(misspelt.code, 2, misspelt.stderr);
    assert.match(misspelt.stderr, /unknown status "runing": expected running, exited/);
  });

  await t.step("output schemas declare no nullable field", async () => {
    // Optional fields are left out, never null: no "null" type for an Inspector to warn of.
    // The CLI has no schema; its --format json prints the API's full records.
    await forEachMcpClient(hub, async (client, name) => {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 3, name);
      for (const tool of tools) {
        assert.ok(tool.outputSchema, `${name}: ${tool.name} declares an output schema`);
        assert.doesNotMatch(JSON.stringify(tool.outputSchema), /"null"/, `${name}: ${tool.name}`);
      }
    });
  });

  await t.step("a tool's text says what its structured result says, times aside", async () => {
    // Gemini CLI gives its model the text, Claude Code and Codex the structured content: the
    // same facts either way. (The CLI prints its own sentences; --format json the full record.)
    const facts = await folder("facts");
    for (
      const extra of [
        { label: "facts web", command_or_label: "sleep 300", assign_port: "PORT" },
        { label: "facts flaky", command_or_label: "echo up; exit 3", autorestart: "on-failure" },
      ]
    ) {
      const { status, body } = await hub.api("ctrl", {
        action: "start",
        working_directory: facts,
        started_by: "agent-z/1",
        ...extra,
      });
      assert.equal(status, 200, JSON.stringify(body));
    }
    await waitFor("an autorestart", async () => (await listedAs(hub, "facts flaky")).restarts > 0);
    /** Every value of the record, but its times, is in the text. */
    const assertSaid = (record: Record<string, unknown>, text: string, name: string) => {
      for (const [field, value] of Object.entries(record)) {
        if (/_time$|_at$/.test(field)) continue;
        for (const one of [value].flat()) {
          assert.ok(text.includes(String(one)), `${name}: ${field} ${one} is not in:\n${text}`);
        }
      }
    };
    await forEachMcpClient(hub, async (client, name) => {
      const listed = await callTool(client, "list", { working_directory: facts });
      assert.equal(listed.structured.processes.length, 2, name);
      for (const record of listed.structured.processes) assertSaid(record, listed.text, name);
      const restarted = await callTool(client, "ctrl", {
        action: "restart",
        command_or_label: "facts web",
      });
      assertSaid(restarted.structured, restarted.text, `${name} restart`);
    });
    await hub.api("ctrl", { action: "stop", command_or_label: "facts flaky" });
  });

  await t.step("a line redrawn with \\r is read, and grepped, as its last frame", async () => {
    const bar = "printf 'Building 10%%\\rBuilding 55%%\\rBuilding 100%%\\n'; echo done; sleep 300";
    await startAside(hub, bar, hub.dataDir, "bar");
    await waitFor("the bar's two lines", async () => {
      const { body } = await hub.api("output", { command_or_label: "bar" });
      return body.output.includes("done");
    });
    await forEachDoor(hub, async (door) => {
      const page = await door.act("output", "bar");
      assert.ok(page.ok, `${door.name}: ${page.text}`);
      assert.deepEqual(page.lines, ["Building 100%", "done"], door.name);
      assert.ok(!page.text.includes("\r"), `${door.name}: ${JSON.stringify(page.text)}`);
      const hit = await door.act("output", "bar", "Building");
      assert.deepEqual(hit.lines, ["Building 100%"], door.name);
      // An earlier frame was never on screen once the line was done: grep does not find it.
      const gone = await door.act("output", "bar", "55%");
      assert.deepEqual(gone.lines, [], `${door.name}: ${gone.text}`);
    });
  });

  await t.step("a command whose entries all ended but one means the one running", async () => {
    const [a, b] = [await folder("a"), await folder("b")];
    const where = 'echo "in $PWD"; exec sleep 300';
    await startAside(hub, where, b);
    assert.equal(
      (await hub.api("ctrl", { action: "stop", command_or_label: `${where} in ${b}` }))
        .status,
      200,
    );
    const inA = `${where} in ${a}`;
    await forEachDoor(hub, async (door) => {
      await startAside(hub, where, a);
      const read = await waitFor(`${door.name}: output of the running one`, async () => {
        const page = await door.act("output", where);
        assert.ok(page.ok, `${door.name}: ${page.text}`);
        return page.lines.includes(`in ${a}`) && page;
      });
      assert.ok(!read.lines.includes(`in ${b}`), door.name);
      const restarted = await door.act("restart", where);
      assert.ok(restarted.ok, `${door.name}: ${restarted.text}`);
      assert.equal(restarted.pid, (await listedAs(hub, inA)).pid, door.name);
      const stopped = await door.act("stop", where);
      assert.ok(stopped.ok, `${door.name}: ${stopped.text}`);
      assert.equal(stopped.pid, restarted.pid, door.name);
      assert.equal((await listedAs(hub, inA)).status, "stopped", door.name);
    });
  });

  await t.step("a program's words about a port it moved off name no holder", async () => {
    // The port is really held (by this test), but the program said it moved on, as Vite does.
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = taken.addr.port;
    const moving = `echo "Port ${port} is in use, trying another one..."; exit 1`;
    await forEachDoor(hub, async (door) => {
      const started = await door.start(moving, {
        cwd: hub.dataDir,
        label: `moving ${door.name}`,
        wait_for_port: freePort(),
      });
      assert.ok(!started.ok || /exited/.test(started.text), `${door.name}: ${started.text}`);
      assert.match(started.text, /exited/, door.name);
      assert.doesNotMatch(started.text, /held by|holds/, `${door.name}: ${started.text}`);
    });
  });

  await t.step("a launcher that exits 0 leaving a server is told so, with its port", async () => {
    await forEachDoor(hub, async (door) => {
      const port = freePort();
      const label = `launcher ${door.name}`;
      // As `pg_ctl start` does: starts the server in the background and exits 0 at once. The
      // server listens only once the launcher is known to have ended (the test says "go").
      const go = `${hub.dataDir}/go ${door.name}`;
      const server =
        `until [ -e '${go}' ]; do sleep 0.05; done; exec ${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port}`;
      const launcher = `sh -c "${server}" & exit 0`;
      try {
        const starting = door.start(launcher, { cwd: hub.dataDir, label, wait_for_port: port });
        starting.catch(() => {}); // awaited below, after the launcher ended
        await ended(hub, label);
        await Deno.writeTextFile(go, "");
        const started = await starting;
        assert.ok(started.ok, `${door.name}: ${started.text}`);
        assert.match(
          started.text,
          door.name === "CLI"
            ? new RegExp(`it exited with code 0, leaving processes that listen on ${port} `)
            : new RegExp(`\\(exited, exit code 0\\).*; left running, listening on ${port}`),
          `${door.name}: ${started.text}`,
        );
        const listed = await door.list({ command_or_label: label }, [label]);
        assert.match(listed.text, /exited/, door.name);
        assert.match(listed.text, new RegExp(`\\b${port}\\b`), `${door.name}: ${listed.text}`);
      } finally {
        await hub.api("ctrl", { action: "stop", command_or_label: label });
      }
    });
  });

  await t.step("a program listening elsewhere than its assigned port is told so", async () => {
    await forEachDoor(hub, async (door) => {
      const port = freePort();
      const label = `elsewhere ${door.name}`;
      const started = await door.start(
        `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port}`,
        { cwd: hub.dataDir, label, assign_port: "PORT", wait_for_port: port },
      );
      try {
        assert.ok(started.ok, `${door.name}: ${started.text}`);
        assert.match(
          started.text,
          new RegExp(
            `listening on ${port}, not on the assigned port (\\d+): it does not read PORT; pass the port the way it takes it, e\\.g\\. --port \\1`,
          ),
          door.name,
        );
      } finally {
        await hub.api("ctrl", { action: "stop", command_or_label: label });
      }
    });
  });
});
