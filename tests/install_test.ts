/**
 * End-to-end: `deno task install` puts a `persistproc` command on the PATH that works from any
 * project folder, with the compiled binary's narrow permissions.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "./_cli.ts";
import { freePort } from "./_hub.ts";

Deno.test("deno task install puts a working persistproc on the PATH", async () => {
  const root = await Deno.makeTempDir({ prefix: "persistproc-install-" });
  const project = await Deno.makeTempDir({ prefix: "persistproc-project-" });
  const env = {
    DENO_INSTALL_ROOT: root,
    PATH: `${join(root, "bin")}:${Deno.env.get("PATH")}`,
    PERSISTPROC_PORT: String(freePort()),
    PERSISTPROC_DATA_DIR: join(root, "data"),
    NO_COLOR: "1",
  };
  const run = async (cwd: string, command: string, args: string[]) => {
    const output = await new Deno.Command(command, { args, cwd, env, stdin: "null" }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  };
  try {
    const installed = await run(REPO, Deno.execPath(), ["task", "install"]);
    assert.equal(installed.code, 0, installed.stderr);
    const script = await Deno.readTextFile(join(root, "bin", "persistproc"));
    assert.ok(!/--allow-all|\s-A\s/.test(script), script);
    assert.match(script, /--allow-net=127\.0\.0\.1/);
    // By name, from a project folder, as the README's tour does.
    const echoed = await run(project, "persistproc", ["echo", "hello from the project"]);
    assert.equal(echoed.code, 0, echoed.stderr);
    assert.equal(echoed.stdout, "hello from the project\n");
    const listed = await run(project, "persistproc", ["ls"]);
    assert.ok(listed.stdout.includes(`from the project' in ${project}`), listed.stdout);
  } finally {
    await run(project, join(root, "bin", "persistproc"), ["shutdown"]).catch(() => {});
    await Deno.remove(root, { recursive: true }).catch(() => {});
    await Deno.remove(project, { recursive: true }).catch(() => {});
  }
});
