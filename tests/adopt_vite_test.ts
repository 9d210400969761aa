/**
 * End-to-end, with a real dev server: Vite started by `npm run dev` in a terminal (a tmux
 * pane's interactive bash, its port passed after `--`) is adopted with a person's consent, by
 * each way there is to give it: the CLI's [y/N] prompt in a terminal, an MCP client's dialog
 * (elicitation), and an MCP agent's second call with `confirm: true` after showing the plan.
 * Each time the pane sees it end, persistproc runs the same `npm run dev -- --port N` again
 * (npm's title, which adopt reads, drops the `--`) on the same port, and an agent then restarts
 * it. Skipped, saying why, where npm cannot install Vite (no registry) or tmux is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { hasTmux, TmuxSession } from "./_cli.ts";
import { connectMcp, freePort, listens, startHub, type TestHub, waitFor } from "./_hub.ts";

/** A folder with Vite installed and an `npm run dev` that takes its port, or why there is none. */
async function viteProject(): Promise<{ dir: string } | { missing: string }> {
  const dir = Deno.realPathSync(await Deno.makeTempDir({ prefix: "persistproc-vite-" }));
  const scripts = { dev: "vite --host 127.0.0.1" };
  await Deno.writeTextFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "adopt-vite", private: true, scripts }),
  );
  await Deno.writeTextFile(join(dir, "index.html"), "<!doctype html><title>adopt</title>\n");
  let installed: Deno.CommandOutput;
  try {
    installed = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--loglevel=error", "vite@7"],
      cwd: dir,
      stdin: "null",
      signal: AbortSignal.timeout(180_000),
    }).output();
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    return { missing: `npm cannot run here (${(error as Error).message})` };
  }
  if (!installed.success) {
    await Deno.remove(dir, { recursive: true });
    const why = new TextDecoder().decode(installed.stderr).trim().split("\n").at(-1);
    return { missing: `npm could not install vite@7 (${why})` };
  }
  return { dir };
}

/** The Vite a person typed into a fresh pane, listening on its own port. */
async function viteInPane(dir: string) {
  const port = freePort();
  const pane = await TmuxSession.shell(dir);
  const typed = `npm run dev -- --port ${port} --strictPort`;
  try {
    await pane.typeLine(typed);
    await waitFor("Vite to listen", () => listens(port), 60_000);
  } catch (error) {
    await pane[Symbol.asyncDispose]();
    throw error;
  }
  return Object.assign(pane, { port, typed });
}

/** What an adoption's result says of the plan it carried out. */
interface Adopted {
  adopted: boolean;
  wait_result?: string;
  pid: number;
  adoption: { command: string; working_directory: string; terminal: string | null };
}

/**
 * The pane's shell has its prompt back (its job ended), and Vite listens on the same port
 * under persistproc, in the folder it was typed in: that process is returned.
 */
async function backAtPrompt(hub: TestHub, pane: TmuxSession & { port: number }, dir: string) {
  await pane.typeLine("echo back-at-prompt");
  await pane.waitForScreen(/^back-at-prompt$/m);
  assert.match(await pane.screen(), /^Terminated/m);
  const adopted = await managedOn(hub, pane.port);
  assert.ok(adopted, `nothing managed listens on ${pane.port} after the adoption`);
  assert.equal(adopted.working_directory, dir);
  return adopted;
}

/** An agent restarts the adopted Vite like any managed process, and it comes back on its port. */
async function agentRestarts(client: Client, pid: number, port: number): Promise<void> {
  const restarted = await client.callTool({
    name: "ctrl",
    arguments: { action: "restart", pid, wait_for_port: port, wait_timeout: 60 },
  });
  assert.ok(!restarted.isError, JSON.stringify(restarted.content));
  const after = restarted.structuredContent as { wait_result?: string };
  assert.equal(after.wait_result, "ready", JSON.stringify(after));
}

/** The running process on `port`, from the hub's list. */
async function managedOn(hub: TestHub, port: number) {
  const { body } = await hub.api("list", {});
  return body.processes.find((p: { ports: number[]; status: string }) =>
    p.status === "running" && p.ports.includes(port)
  ) as { pid: number; label: string; working_directory: string; started_by: string } | undefined;
}

Deno.test({
  name:
    "a Vite dev server started in a terminal is adopted (CLI, MCP dialog, MCP confirm), then restarted by an agent",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    if (!(await hasTmux())) {
      await t.step({ name: "skipped: tmux is not installed", ignore: true, fn() {} });
      return;
    }
    const project = await viteProject();
    if ("missing" in project) {
      await t.step({ name: `skipped: ${project.missing}`, ignore: true, fn() {} });
      return;
    }
    const { dir } = project;
    try {
      await using hub = await startHub();
      await using agent = await connectMcp(hub);

      await t.step("over the CLI, answering y at its [y/N] prompt in a terminal", async () => {
        await using pane = await viteInPane(dir);
        await using prompt = await TmuxSession.start(hub, [
          "adopt",
          "--wait-timeout",
          "60",
          `:${pane.port}`,
        ]);
        await prompt.waitForScreen(/Adopt it\? \[y\/N\]/);
        const asked = await prompt.screen();
        assert.ok(asked.includes(`then run "${pane.typed}" in ${dir}`), asked);
        assert.match(asked, new RegExp(`waiting for port ${pane.port}\\n`));
        assert.match(asked, /started from PID \d+ bash in a terminal, which will see it end/);
        await prompt.sendKeys("y", "Enter");
        // The adoption waits up to 60 s for Vite to listen again, as the MCP ones below do.
        await prompt.waitForScreen(/\[exit \d+\]/, 90_000);
        const said = await prompt.screen();
        assert.match(said, /\[exit 0\]/, said);
        assert.match(
          said,
          new RegExp(`runs under persistproc as PID \\d+; port ${pane.port} listens`),
        );
        const adopted = await backAtPrompt(hub, pane, dir);
        assert.equal(adopted.label, `${pane.typed} in ${dir}`);
        assert.equal(adopted.started_by, "cli");
        await agentRestarts(agent, adopted.pid, pane.port);
      });

      await t.step("over MCP, the user agreeing in the client's dialog", async () => {
        await using pane = await viteInPane(dir);
        const asked: string[] = [];
        await using client = await connectMcp(hub, {
          user: (message) => (asked.push(message), { action: "accept", content: { agree: true } }),
        });
        const adopted = await client.callTool({
          name: "ctrl",
          arguments: { action: "adopt", port: pane.port, wait_timeout: 60 },
        });
        assert.ok(!adopted.isError, JSON.stringify(adopted.content));
        const result = adopted.structuredContent as unknown as Adopted;
        assert.equal(result.adopted, true);
        // The launcher the person typed is what runs again, where they typed it.
        assert.equal(result.adoption.command, pane.typed);
        assert.equal(result.adoption.working_directory, dir);
        assert.match(result.adoption.terminal ?? "", /bash in a terminal/);
        assert.match(asked[0], /which will see it end/);
        assert.equal(result.wait_result, "ready", JSON.stringify(result));
        assert.equal((await backAtPrompt(hub, pane, dir)).pid, result.pid);
        await agentRestarts(client, result.pid, pane.port);
      });

      await t.step("over MCP without a dialog: the plan, then confirm: true", async () => {
        await using pane = await viteInPane(dir);
        const first = await agent.callTool({
          name: "ctrl",
          arguments: { action: "adopt", port: pane.port },
        });
        assert.ok(!first.isError, JSON.stringify(first.content));
        const plan = first.structuredContent as unknown as Adopted;
        assert.equal(plan.adopted, false);
        assert.equal(plan.adoption.command, pane.typed);
        const text = (first.content as { text: string }[])[0].text;
        assert.match(text, /which will see it end/);
        assert.match(text, /Ask the user; if they agree, call ctrl again .* confirm: true/);
        assert.ok(await listens(pane.port), "Vite was stopped before consent");
        assert.doesNotMatch(await pane.screen(), /^Terminated/m);
        const second = await agent.callTool({
          name: "ctrl",
          arguments: { action: "adopt", port: pane.port, confirm: true, wait_timeout: 60 },
        });
        assert.ok(!second.isError, JSON.stringify(second.content));
        const result = second.structuredContent as unknown as Adopted;
        assert.equal(result.adopted, true);
        assert.equal(result.wait_result, "ready", JSON.stringify(result));
        assert.equal((await backAtPrompt(hub, pane, dir)).pid, result.pid);
        await agentRestarts(agent, result.pid, pane.port);
      });
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
