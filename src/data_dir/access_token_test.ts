import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureToken, newToken, readToken, tokenFile } from "./access_token.ts";

Deno.test("newToken() gives 256 random bits as 43 base64url characters", () => {
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  // Never taken for a flag on a command line: none of 2,000 begins with "-" (1 in 64 would).
  for (let i = 0; i < 2_000; i++) assert.ok(!newToken().startsWith("-"));
  assert.notEqual(a, newToken());
});

Deno.test("ensureToken() creates an owner-only file once and then reads it back", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dataDir = join(root, "data");
    assert.equal(readToken(dataDir), null);
    const first = ensureToken(dataDir);
    assert.equal(first.created, true);
    assert.equal(readToken(dataDir), first.token);
    if (Deno.build.os !== "windows") {
      assert.equal(Deno.statSync(tokenFile(dataDir)).mode! & 0o777, 0o600);
      assert.equal(Deno.statSync(dataDir).mode! & 0o777, 0o700);
    }
    const again = ensureToken(dataDir);
    assert.deepEqual(again, { token: first.token, created: false, tightened: false });
    assert.deepEqual([...Deno.readDirSync(dataDir)].map((e) => e.name), ["token"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "ensureToken() makes a token file others can read owner-only again",
  ignore: Deno.build.os === "windows",
  async fn() {
    const dataDir = await Deno.makeTempDir();
    try {
      const { token } = ensureToken(dataDir);
      Deno.chmodSync(tokenFile(dataDir), 0o644);
      assert.deepEqual(ensureToken(dataDir), { token, created: false, tightened: true });
      assert.equal(Deno.statSync(tokenFile(dataDir)).mode! & 0o777, 0o600);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("ensureToken() says what to do about an empty token file", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(tokenFile(dataDir), "", { mode: 0o600 });
    assert.equal(readToken(dataDir), null);
    assert.throws(() => ensureToken(dataDir), /is empty: delete it, and a new token is made/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
