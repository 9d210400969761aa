/**
 * End-to-end, with a real dev server: Vite started by `npm run dev` in a terminal (a tmux
 * pane's interactive bash, its port passed after `--`) is adopted over MCP with the user's consent.
 * The pane sees it end, persistproc runs the same `npm run dev -- --port N` again (npm's title,
 * which adopt reads, drops the `--`), and an agent then restarts it. Skipped,
 * saying why, where npm cannot install Vite (no registry) or tmux is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hasTmux, TmuxSession } from "./_cli.ts";
import { connectMcp, freePort, listens, startHub, waitFor } from "./_hub.ts";

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

Deno.test({
  name: "a Vite dev server started in a terminal is adopted over MCP, then restarted by an agent",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    if (!(await hasTmux())) {
      await t.step({ name: "skipped: tmux is not installed", ignore: true, fn() {} });
      return;
    }
    const port = freePort();
    const project = await viteProject();
    if ("missing" in project) {
      await t.step({ name: `skipped: ${project.missing}`, ignore: true, fn() {} });
      return;
    }
    const { dir } = project;
    try {
      await using hub = await startHub();
      await using pane = await TmuxSession.shell(dir);
      const typed = `npm run dev -- --port ${port} --strictPort`;
      await pane.typeLine(typed);
      await waitFor("Vite to listen", () => listens(port), 60_000);
      const asked: string[] = [];
      await using client = await connectMcp(hub, {
        user: (message) => (asked.push(message), { action: "accept", content: { agree: true } }),
      });
      const adopted = await client.callTool({
        name: "ctrl",
        arguments: { action: "adopt", port, wait_timeout: 60 },
      });
      assert.ok(!adopted.isError, JSON.stringify(adopted.content));
      const result = adopted.structuredContent as {
        adopted: boolean;
        wait_result?: string;
        pid: number;
        adoption: { command: string; working_directory: string; terminal: string | null };
      };
      assert.equal(result.adopted, true);
      // The launcher the person typed is what runs again, where they typed it.
      assert.equal(result.adoption.command, typed);
      assert.equal(result.adoption.working_directory, dir);
      assert.match(result.adoption.terminal ?? "", /bash in a terminal/);
      assert.match(asked[0], /which will see it end/);
      assert.equal(result.wait_result, "ready", JSON.stringify(result));
      // The pane's shell got its prompt back: its job ended.
      await pane.typeLine("echo back-at-prompt");
      await pane.waitForScreen(/^back-at-prompt$/m);
      assert.ok(await listens(port), "nothing listens after the adoption");
      const restarted = await client.callTool({
        name: "ctrl",
        arguments: { action: "restart", pid: result.pid, wait_for_port: port, wait_timeout: 60 },
      });
      assert.ok(!restarted.isError, JSON.stringify(restarted.content));
      const after = restarted.structuredContent as { wait_result?: string; ports?: number[] };
      assert.equal(after.wait_result, "ready", JSON.stringify(after));
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
