/**
 * End-to-end: adopting a process started outside persistproc. The CLI asks (a real prompt in
 * tmux) or takes --yes, and refuses to act unasked without a terminal; MCP asks the user
 * through elicitation when the client can, else wants confirm: true in a second call. What
 * must not be adopted is refused, and nothing is stopped before consent.
 */
import assert from "node:assert/strict";
import { cli, hasTmux, TmuxSession } from "./_cli.ts";
import { callTool, forEachMcpClient } from "./_doors.ts";
import { connectMcp, freePort, hubTest, listens, type TestHub, waitFor } from "./_hub.ts";

/** A Python HTTP server started by the test itself, as a terminal would, outside persistproc. */
async function outsideServer(env: Record<string, string> = {}) {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "persistproc-adopt-" });
  const child = new Deno.Command("python3", {
    args: ["-m", "http.server", String(port), "--bind", "127.0.0.1"],
    cwd: dir,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitFor(`the outside server on port ${port}`, () => listens(port));
  } catch (error) {
    // Nothing disposes of a server that never listened: end it here.
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  return {
    port,
    dir: Deno.realPathSync(dir),
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* adopted: already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether the process lives (a zombie awaiting its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** The process that runs on `port` under persistproc, from `list`. */
async function managedOn(hub: TestHub, port: number) {
  const { body } = await hub.api("list", {});
  return body.processes.find((p: { ports: number[]; status: string }) =>
    p.status === "running" && p.ports.includes(port)
  );
}

hubTest(
  "adopt --yes :PORT runs the same command, folder and environment under persistproc",
  async (hub) => {
    await using outside = await outsideServer({ ADOPT_MARKER: "kept" });
    const result = await cli(hub, ["adopt", "--yes", `:${outside.port}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^adopted PID ${outside.pid}: .* runs under persistproc`),
    );
    assert.match(result.stdout, new RegExp(`port ${outside.port} listens`));
    await waitFor("the outside process to end", () => !alive(outside.pid));
    const adopted = await managedOn(hub, outside.port);
    assert.ok(adopted, "nothing managed listens on the port");
    assert.equal(adopted.working_directory, outside.dir);
    assert.match(
      adopted.label,
      new RegExp(`-m http\\.server ${outside.port} .* in ${outside.dir}$`),
    );
    assert.equal(adopted.started_by, "cli");
    const environ = Deno.readTextFileSync(`/proc/${adopted.pid}/environ`).split("\0");
    assert.ok(environ.includes("ADOPT_MARKER=kept"));
    // An agent then restarts it like any managed process.
    const restarted = await hub.api("ctrl", {
      action: "restart",
      pid: adopted.pid,
      wait_for_port: outside.port,
    });
    assert.equal(restarted.body.ready, true, JSON.stringify(restarted.body));
  },
);

hubTest("adopt without --yes and without a terminal refuses and stops nothing", async (hub) => {
  await using outside = await outsideServer();
  const result = await cli(hub, ["adopt", String(outside.pid)]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^adopt would stop PID \d+ and its whole tree, then run /m);
  assert.match(result.stderr, /stdin is not a terminal: pass --yes/);
  // With --format json too, the plan is said (on stderr) before anything is asked.
  const json = await cli(hub, ["--format", "json", "adopt", String(outside.pid)]);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /^adopt would stop PID \d+ and its whole tree, then run /m);
  assert.ok(alive(outside.pid));
});

hubTest("adopt refuses PID 1, the server, a managed process and a free port", async (hub) => {
  const init = await cli(hub, ["adopt", "--yes", "1"]);
  assert.match(init.stderr, /PID 1: it is the system's init process/);
  const health = await (await hub.fetch("/api/health")).json();
  const server = await cli(hub, ["adopt", "--yes", String(health.pid)]);
  assert.match(server.stderr, /it is the persistproc server itself/);
  const port = freePort();
  const started = await hub.api("ctrl", {
    action: "start",
    command_or_label: `python3 -m http.server ${port} --bind 127.0.0.1`,
    working_directory: Deno.cwd(),
    label: "managed",
    wait_for_port: port,
  });
  assert.equal(started.body.ready, true, JSON.stringify(started.body));
  const managed = await cli(hub, ["adopt", "--yes", `:${port}`]);
  assert.match(managed.stderr, /is already managed as "managed": restart it instead/);
  assert.notEqual(managed.code, 0);
  const free = await cli(hub, ["adopt", "--yes", `:${freePort()}`]);
  assert.match(free.stderr, /Nothing listens on port \d+: there is nothing to adopt/i);
  const junk = await cli(hub, ["adopt", "web"]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /expected a PID or :PORT to adopt \(got "web"\)/i);
});

hubTest("a start whose port an outside process holds names adopt as the remedy", async (hub) => {
  await using outside = await outsideServer();
  const remedy = new RegExp(
    `port ${outside.port} is already in use by PID ${outside.pid} .*; stop it, choose another ` +
      `port, or adopt it to run it under persistproc \\(persistproc adopt :${outside.port}, ` +
      `or ctrl action "adopt" with port ${outside.port}\\)$`,
    "im",
  );
  const { body } = await hub.api("ctrl", {
    action: "start",
    command_or_label: "sleep 30",
    working_directory: Deno.cwd(),
    wait_for_port: outside.port,
  });
  assert.match(body.error.message, remedy);
  const viaCli = await cli(hub, ["start", "--wait-for-port", String(outside.port), "sleep 30"]);
  assert.equal(viaCli.code, 1);
  assert.match(viaCli.stderr, remedy);
  await using client = await connectMcp(hub);
  const viaMcp = await client.callTool({
    name: "ctrl",
    arguments: {
      action: "start",
      command_or_label: "sleep 30",
      working_directory: Deno.cwd(),
      wait_for_port: outside.port,
    },
  });
  assert.ok(viaMcp.isError);
  assert.match((viaMcp.content as { text: string }[])[0].text, remedy);
  assert.ok(alive(outside.pid), "a refused start stopped the holder");
});

hubTest(
  "MCP without elicitation (2.x, and 1.x's 2025 handshake): adopt returns the plan, and acts on confirm: true",
  async (hub) => {
    await forEachMcpClient(hub, async (client, name) => {
      await using outside = await outsideServer();
      const first = await callTool(client, "ctrl", { action: "adopt", port: outside.port });
      assert.ok(!first.isError, `${name}: ${first.text}`);
      assert.equal(first.structured.adopted, false, name);
      assert.equal(first.structured.adoption.pid, outside.pid, name);
      assert.match(
        first.text,
        new RegExp(`call ctrl again with action "adopt", pid ${outside.pid}, confirm: true`),
        name,
      );
      assert.ok(alive(outside.pid), `${name}: stopped before consent`);
      const second = await callTool(client, "ctrl", {
        action: "adopt",
        pid: outside.pid,
        confirm: true,
      });
      assert.ok(!second.isError, `${name}: ${second.text}`);
      assert.equal(second.structured.adopted, true, name);
      await waitFor("the outside process to end", () => !alive(outside.pid));
      assert.ok((await managedOn(hub, outside.port))?.started_by, name);
    });
  },
);

hubTest(
  "MCP without elicitation: a confirm sent before the plan was shown stops nothing",
  async (hub) => {
    await using outside = await outsideServer();
    await using client = await connectMcp(hub);
    const blind = await client.callTool({
      name: "ctrl",
      arguments: { action: "adopt", port: outside.port, confirm: true },
    });
    assert.ok(blind.isError, JSON.stringify(blind.content));
    assert.match((blind.content as { text: string }[])[0].text, /was not shown for adoption/);
    assert.ok(alive(outside.pid), "stopped without a plan shown");
    assert.equal(await managedOn(hub, outside.port), undefined);
  },
);

hubTest("MCP with elicitation: the user is asked, and a no stops nothing", async (hub) => {
  await using outside = await outsideServer();
  const asked: string[] = [];
  {
    await using client = await connectMcp(hub, {
      user: (message) => (asked.push(message), { action: "decline" }),
    });
    const declined = await client.callTool({
      name: "ctrl",
      arguments: { action: "adopt", port: outside.port, confirm: true },
    });
    assert.equal((declined.structuredContent as { adopted: boolean }).adopted, false);
    assert.match((declined.content as { text: string }[])[0].text, /the user declined/);
    assert.equal(asked.length, 1);
    assert.match(asked[0], new RegExp(`stop PID ${outside.pid} and its whole tree`));
    assert.ok(alive(outside.pid));
  }
  await using client = await connectMcp(hub, {
    user: () => ({ action: "accept", content: { agree: true } }),
  });
  const accepted = await client.callTool({
    name: "ctrl",
    arguments: { action: "adopt", port: outside.port },
  });
  assert.ok(!accepted.isError, JSON.stringify(accepted.content));
  assert.equal((accepted.structuredContent as { adopted: boolean }).adopted, true);
  await waitFor("the outside process to end", () => !alive(outside.pid));
  assert.ok(await managedOn(hub, outside.port));
});

hubTest(
  "adopt in a terminal asks [y/N] and says the shell's terminal will see it end",
  async (hub) => {
    if (!(await hasTmux())) {
      // deno-lint-ignore no-console
      console.warn("skipped: tmux is not installed");
      return;
    }
    const port = freePort();
    const dir = Deno.realPathSync(await Deno.makeTempDir({ prefix: "persistproc-adopt-" }));
    try {
      await using pane = await TmuxSession.shell(dir);
      await pane.typeLine(`python3 -m http.server ${port} --bind 127.0.0.1`);
      await waitFor(`the server typed into the pane to listen on ${port}`, () => listens(port));
      await using prompt = await TmuxSession.start(hub, ["adopt", `:${port}`]);
      await prompt.waitForScreen(/Adopt it\? \[y\/N\]/);
      assert.match(
        await prompt.screen(),
        /started from PID \d+ bash in a terminal, which will see it end/,
      );
      await prompt.sendKeys("y", "Enter");
      await prompt.waitForScreen(/\[exit 0\]/);
      assert.match(await prompt.screen(), /adopted PID \d+: .* runs under persistproc/);
      await pane.waitForScreen(/Terminated/);
      const adopted = await managedOn(hub, port);
      assert.equal(adopted?.working_directory, dir);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
);
