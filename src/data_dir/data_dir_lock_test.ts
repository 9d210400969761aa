import assert from "node:assert/strict";
import { join } from "node:path";
import { lockDataDir } from "./data_dir_lock.ts";
import { PersistprocError } from "../core/errors.ts";

Deno.test("a held data directory is refused, naming its holder, until it is released", async () => {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-lock-" });
  try {
    const unlock = lockDataDir(dir, 1234);
    assert.throws(
      () => lockDataDir(dir, 5678),
      (error: Error) =>
        error instanceof PersistprocError && error.code === "data_dir_in_use" &&
        error.message.includes(`PID ${Deno.pid}, port 1234`),
    );
    unlock();
    assert.equal(Deno.statSync(join(dir, "server.lock")).isFile, true);
    lockDataDir(dir, 5678)();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
