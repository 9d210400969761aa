/**
 * End-to-end with a real Vite from npm: Vite ignores PORT, so an assigned port is also passed
 * as `--port N --strictPort`, through `npm run dev` too (the script in package.json says it is
 * Vite). Three worktrees, three assigned ports, all ready: one started by the MCP SDK's 2.x
 * client, one by its 1.x client, one by the CLI. (A program that listens elsewhere than its
 * assigned port is told so through every door: every_door_test.ts.)
 * Where npm cannot fetch Vite, the Vite test is skipped, its name saying why.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { callTool, forEachMcpClient } from "./_doors.ts";
import { hubTest, type TestHub } from "./_hub.ts";

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
  "three worktrees' npm run dev (Vite) get three assigned ports, all ready",
  async (hub) => {
    await using vite = await installVite();
    const main = await viteProject(hub, vite, "main");
    const feature = await viteProject(hub, vite, "feature");
    const review = await viteProject(hub, vite, "review");
    // One worktree's server started by each MCP client, the third by the CLI.
    const ports: number[] = [];
    await forEachMcpClient(hub, async (client, name) => {
      const folder = ports.length === 0 ? main : review;
      const started = await callTool(client, "ctrl", {
        action: "start",
        command_or_label: "npm run dev",
        working_directory: folder,
        assign_port: "PORT",
        wait_for_port: true,
        wait_timeout: 60,
      });
      const got = started.structured;
      assert.equal(started.isError, false, `${name}: ${started.text}`);
      assert.equal(got.wait_result, "ready", `${name}: ${started.text}`);
      assert.deepEqual(got.ports, [got.assigned_port], name);
      assert.equal(got.label, `npm run dev in ${await Deno.realPath(folder)}`, name);
      assert.equal(got.command, `npm run dev -- --port ${got.assigned_port} --strictPort`, name);
      assert.equal(
        got.port_note,
        `Vite ignores PORT: port ${got.assigned_port} also passed as "-- --port ${got.assigned_port} --strictPort"`,
        name,
      );
      assert.match(started.text, /Vite ignores PORT/, name);
      ports.push(got.assigned_port);
    });
    assert.notEqual(ports[0], ports[1]);

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
    assert.ok(!ports.includes(second.assigned_port), `${second.assigned_port} is its own`);
    assert.deepEqual(second.ports, [second.assigned_port]);

    // The command as typed still names it, and is its name in what the CLI says, though its
    // command line gained the port flags.
    const stopped = await cli(hub, ["stop", "npm run dev"], {}, feature);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`^stopped 'npm run dev' \\(PID ${second.pid}\\)`));
  },
  await npmMissing(),
);
