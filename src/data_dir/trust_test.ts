import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertPrivateDir,
  assertTrustedDataDir,
  makeDataDir,
  readOwnText,
  replaceOwnFile,
  UntrustedDataDirError,
} from "./trust.ts";

/** Another user's id: the tests run as root, which may give files away. */
const OTHER = 65534;
const asRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

/** A private temporary data directory, removed when disposed. */
async function tempDataDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-trust-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function refused(pattern: RegExp) {
  return (error: Error) => error instanceof UntrustedDataDirError && pattern.test(error.message);
}

Deno.test({
  name: "a data directory others may write is refused, saying to chmod 700 it",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using data = await tempDataDir();
    assertTrustedDataDir(data.dir);
    Deno.chmodSync(data.dir, 0o777);
    assert.throws(
      () => assertPrivateDir(data.dir),
      refused(new RegExp(`mode 0777.*chmod 700 "${data.dir}"`)),
    );
    Deno.chmodSync(data.dir, 0o755); // readable by others is fine: nobody else can change it
    assertTrustedDataDir(data.dir);
  },
});

Deno.test({
  name: "a file another user planted in the data directory is refused, naming its owner",
  ignore: !asRoot,
  async fn() {
    await using data = await tempDataDir();
    const planted = join(data.dir, "logs", "x", "stdout");
    Deno.mkdirSync(join(data.dir, "logs", "x"), { recursive: true, mode: 0o700 });
    Deno.writeTextFileSync(planted, "", { mode: 0o600 });
    assertTrustedDataDir(data.dir);
    Deno.chownSync(planted, OTHER, OTHER);
    assert.throws(
      () => assertTrustedDataDir(data.dir),
      refused(new RegExp(`"${planted}" belongs to user ${OTHER}.*chown 0 "${planted}"`)),
    );
    assert.throws(() => readOwnText(planted), refused(/belongs to user 65534/));
  },
});

Deno.test({
  name: "a data directory another user owns is refused",
  ignore: !asRoot,
  async fn() {
    await using data = await tempDataDir();
    Deno.chownSync(data.dir, OTHER, OTHER);
    assert.throws(() => assertPrivateDir(data.dir), refused(/belongs to user 65534/));
  },
});

Deno.test({
  name: "a symbolic link in the data directory is refused and never read through",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using data = await tempDataDir();
    const secret = join(data.dir, "..", `${data.dir.split("/").pop()}-secret`);
    Deno.writeTextFileSync(secret, "secret", { mode: 0o600 });
    try {
      const link = join(data.dir, "token");
      Deno.symlinkSync(secret, link);
      assert.throws(() => readOwnText(link), refused(/is a symbolic link.*rm /));
      assert.throws(() => assertTrustedDataDir(data.dir), refused(/is a symbolic link/));
      // Written in its place, the link is replaced, not followed.
      replaceOwnFile(link, "mine");
      assert.equal(Deno.readTextFileSync(secret), "secret");
      assert.equal(readOwnText(link), "mine");
      assert.equal(Deno.lstatSync(link).mode! & 0o777, 0o600);
    } finally {
      Deno.removeSync(secret);
    }
  },
});

Deno.test({
  name: "a data directory reached by the user's own symbolic link is its target",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using data = await tempDataDir();
    const link = `${data.dir}-link`;
    Deno.symlinkSync(data.dir, link);
    try {
      assertPrivateDir(link);
      Deno.chmodSync(data.dir, 0o777);
      assert.throws(() => assertPrivateDir(link), refused(/chmod 700/));
    } finally {
      Deno.removeSync(link);
    }
  },
});

Deno.test("a missing file reads as null", async () => {
  await using data = await tempDataDir();
  assert.equal(readOwnText(join(data.dir, "token")), null);
});

Deno.test("a file where the data directory should be is refused, saying what to do", async () => {
  await using data = await tempDataDir();
  const path = join(data.dir, "not-a-dir");
  Deno.writeTextFileSync(path, "");
  assert.throws(() => makeDataDir(path), refused(/"[^"]*not-a-dir" is not a directory; remove it/));
  makeDataDir(join(data.dir, "a", "b"));
  assert.equal(Deno.statSync(join(data.dir, "a", "b")).mode! & 0o777, 0o700);
});
