/**
 * A data directory another user could write is not trusted: what they plant there (a state
 * file's command, a token, a link where the CLI writes) is refused or replaced, never run,
 * accepted or written through. The tests run as root, which can make files another user owns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { freePort, startHub, writeSavedRecord } from "./_hub.ts";

const OTHER = 65534;
const asRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

/** Runs `persistproc serve` on `dataDir` and asserts it refused at once, saying `why`. */
async function assertServeRefused(dataDir: string, why: string | RegExp): Promise<void> {
  const served = await cli({ port: freePort(), dataDir }, ["serve", "--quiet"]);
  assert.notEqual(served.code, 0);
  if (typeof why === "string") assert.ok(served.stderr.includes(why), served.stderr);
  else assert.match(served.stderr, why);
}

/** A fresh private data dir inside a temporary root, both removed when disposed. */
async function tempRoot(): Promise<{ root: string; dataDir: string } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "persistproc-trust-" });
  const dataDir = join(root, "data");
  Deno.mkdirSync(dataDir, { mode: 0o700 });
  return { root, dataDir, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "a server refuses a data directory others may write, saying how to fix it",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using dir = await tempRoot();
    Deno.chmodSync(dir.dataDir, 0o777);
    await assertServeRefused(
      dir.dataDir,
      /error: .* may be written by other users \(mode 0777\); make it private: chmod 700/,
    );
  },
});

Deno.test({
  name: "a state file another user planted is not run: the server refuses to start",
  ignore: !asRoot,
  async fn() {
    await using dir = await tempRoot();
    const marker = join(dir.root, "ran");
    const state = writeSavedRecord(dir.dataDir, {
      label: "planted",
      command_line: `touch ${marker}`,
      argv: ["touch", marker],
      autorestart: "always",
    });
    Deno.chownSync(state, OTHER, OTHER);
    await assertServeRefused(dir.dataDir, `"${state}" belongs to user ${OTHER}`);
    // The server exited before restoring anything: nothing it could have started remains.
    assert.equal(exists(marker), false, "the planted command never ran");
  },
});

Deno.test({
  name: "a token another user planted is accepted neither by the server nor by the CLI",
  ignore: !asRoot,
  async fn() {
    await using dir = await tempRoot();
    const token = join(dir.dataDir, "token");
    Deno.writeTextFileSync(token, "known-to-the-attacker\n", { mode: 0o600 });
    Deno.chownSync(token, OTHER, OTHER);
    await assertServeRefused(dir.dataDir, `"${token}" belongs to user ${OTHER}`);
    const listed = await cli({ port: freePort(), dataDir: dir.dataDir }, ["list"]);
    assert.notEqual(listed.code, 0);
    assert.match(listed.stderr, /error: .*token" belongs to user 65534.*chown 0/);
  },
});

Deno.test({
  name: "persistproc open replaces a symbolic link planted as its page, never writing through it",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using dir = await tempRoot();
    await using hub = await startHub([], { dataDir: dir.dataDir });
    const precious = join(dir.root, "precious");
    Deno.writeTextFileSync(precious, "keep me\n", { mode: 0o644 });
    Deno.chmodSync(precious, 0o644);
    const page = join(dir.dataDir, "open.html");
    Deno.symlinkSync(precious, page);
    // No browser in the test's PATH: open prints the address instead.
    const opened = await cli(hub, ["open"], { PATH: "/nonexistent" });
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(Deno.readTextFileSync(precious), "keep me\n");
    assert.equal(Deno.statSync(precious).mode! & 0o777, 0o644);
    const written = Deno.lstatSync(page);
    assert.ok(written.isFile && !written.isSymlink, "open.html is now a file of its own");
    assert.equal(written.mode! & 0o777, 0o600);
    assert.match(Deno.readTextFileSync(page), /#token=/);
  },
});
