// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end with a real Vite from npm: Vite ignores PORT, so an assigned port is also passed
 * as `--port N --strictPort`, through `npm run dev` too (the script in package.json says it is
 * Vite). Two worktrees, two assigned ports, both ready: one started over MCP, one by the CLI.
 * A program that listens elsewhere than its assigned port is told so, with how to pass it.
 * Where npm cannot fetch Vite, the Vite test is skipped, its name saying why.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { connectMcp, FIXTURES, freePort, hubTest, type TestHub } from "./_hub.ts";

const VITE = "vite@7";

/** Why npm cannot fetch Vite here, or null. */
async function npmMissing(): Promise<string | null> {
  try {
    const { code, stderr } = await new Deno.Command("npm", {
      args: ["view", VITE, "version"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    if (code === 0) return null;
    const last = new TextDecoder().decode(stderr).trim().split("\n").at(-1) ?? "";
    return `npm view ${VITE} failed: ${last.slice(0, 160)}`;
  } catch (error) {
    return `npm view ${VITE}: ${(error as Error).message.slice(0, 160)}`;
  }
}

/** Vite installed into a temporary folder, removed on dispose. */
async function installVite(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-vite-" });
  const installed = {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
  const { code, stderr } = await new Deno.Command("npm", {
    args: ["i", "--no-audit", "--no-fund", "--loglevel=error", VITE],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  if (code !== 0) {
    await installed[Symbol.asyncDispose]();
    throw new Error(`npm i ${VITE} failed:\n${new TextDecoder().decode(stderr)}`);
  }
  return installed;
}

/** A worktree of a Vite project whose `npm run dev` runs `vite`, sharing the install. */
async function viteProject(hub: TestHub, vite: { dir: string }, name: string): Promise<string> {
  const dir = join(hub.dataDir, name);
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "package.json"), '{"scripts":{"dev":"vite"}}\n');
  await Deno.writeTextFile(join(dir, "index.html"), `<h1>${name}</h1>\n`);
  await Deno.symlink(
    join(vite.dir, "node_modules"),
    join(dir, "node_modules"),
  );
  return dir;
}

hubTest(
  "two worktrees' npm run dev (Vite) get two assigned ports, both ready",
  async (hub) => {
    await using vite = await installVite();
    const main = await viteProject(hub, vite, "main");
    const feature = await viteProject(hub, vite, "feature");
    await using client = await connectMcp(hub);
    const started = await client.callTool({
      name: "ctrl",
      arguments: {
        action: "start",
        command_or_label: "npm run dev",
        working_directory: main,
        assign_port: "PORT",
        wait_for_port: true,
        wait_timeout: 60,
      },
    }) as any;
    const got = started.structuredContent;
    assert.equal(started.isError, undefined, JSON.stringify(started.content));
    assert.equal(got.wait_result, "ready", started.content[0].text);
    assert.deepEqual(got.ports, [got.assigned_port]);
    assert.equal(got.label, `npm run dev in ${await Deno.realPath(main)}`);
    assert.equal(got.command, `npm run dev -- --port ${got.assigned_port} --strictPort`);
    assert.equal(
      got.port_note,
      `Vite ignores PORT: port ${got.assigned_port} also passed as "-- --port ${got.assigned_port} --strictPort"`,
    );
    assert.match(started.content[0].text, /Vite ignores PORT/);

    const viaCli = await cli(
      hub,
      [
        "start",
        "--assign-port",
        "PORT",
        "--wait-for-port",
        "PORT",
        "--wait-timeout",
        "60",
        "npm",
        "run",
        "dev",
      ],
      {},
      feature,
    );
    assert.equal(viaCli.code, 0, viaCli.stderr);
    assert.match(viaCli.stdout, /Vite ignores PORT: port \d+ also passed as/);
    const { body } = await hub.api("list", { working_directory: feature });
    const [second] = body.processes;
    assert.notEqual(second.assigned_port, got.assigned_port);
    assert.deepEqual(second.ports, [second.assigned_port]);

    // The command as typed still names it, though its command line gained the port flags.
    const stopped = await cli(hub, ["stop", "npm run dev"], {}, feature);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(
      stopped.stdout,
      new RegExp(`^stopped 'npm run dev in .*feature' \\(PID ${second.pid}\\)`),
    );
  },
  await npmMissing(),
);

hubTest(
  "a program listening elsewhere than its assigned port is told which, and how to pass it",
  async (hub) => {
    await using client = await connectMcp(hub);
    const port = freePort();
    const started = await client.callTool({
      name: "ctrl",
      arguments: {
        action: "start",
        command_or_label: `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port}`,
        working_directory: hub.dataDir,
        assign_port: "PORT",
        wait_for_port: port,
      },
    }) as any;
    const got = started.structuredContent;
    assert.equal(got.wait_result, "ready", started.content[0].text);
    assert.match(
      got.port_note,
      new RegExp(
        `^listening on ${port}, not on the assigned port ${got.assigned_port}: it does not read PORT; pass the port the way it takes it, e\\.g\\. --port ${got.assigned_port}`,
      ),
    );
    assert.match(
      started.content[0].text,
      new RegExp(`not on the assigned port ${got.assigned_port}`),
    );
  },
);
