import assert from "node:assert/strict";
import { resolve } from "node:path";
import { defaultDataDir } from "../data_dir/paths.ts";
import { DEFAULT_PORT, reachFlags } from "./settings.ts";

const env = Deno.env.toObject();
const DEFAULT_DIR = resolve(defaultDataDir(env, Deno.build.os, env.HOME ?? env.USERPROFILE));

Deno.test("reachFlags names nothing for the default port and data dir", () => {
  assert.equal(reachFlags({ port: DEFAULT_PORT, dataDir: DEFAULT_DIR, format: "text" }), "");
});

Deno.test("reachFlags names another port and data dir, the dir quoted for a shell", () => {
  assert.equal(
    reachFlags({ port: 9000, dataDir: "/tmp/my data", format: "text" }),
    " --port 9000 --data-dir '/tmp/my data'",
  );
  assert.equal(
    reachFlags({ port: DEFAULT_PORT, dataDir: "/tmp/pp", format: "text" }),
    " --data-dir /tmp/pp",
  );
});
