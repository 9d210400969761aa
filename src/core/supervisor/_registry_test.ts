import assert from "node:assert/strict";
import { join } from "node:path";
import { newProcess, requestedSpec } from "./_new_process.ts";
import { Registry } from "./_registry.ts";
import { Autorestarter } from "../process/autorestart.ts";
import { loadState } from "./state_file.ts";
import { withDefaults } from "./supervisor_options.ts";
import { until } from "../_test_support.ts";

/** A registry over a throwaway data dir, and a way to make entries that never ran. */
async function tempRegistry() {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-registry-" });
  const options = withDefaults({ dataDir });
  const registry = new Registry(dataDir, new Autorestarter(() => true, () => {}));
  const entry = async (label: string) => {
    const spec = await requestedSpec(
      { command: "true", working_directory: dataDir, label },
      options,
    );
    return newProcess(spec, dataDir, options.logMaxBytes);
  };
  return {
    registry,
    dataDir,
    entry,
    async [Symbol.asyncDispose]() {
      for (const added of registry.entries) added.output.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

Deno.test("the registry finds an added entry by label and by target", async () => {
  await using temp = await tempRegistry();
  const web = temp.registry.add(await temp.entry("web"));
  temp.registry.add(await temp.entry("db"));
  assert.equal(temp.registry.byLabel("web"), web);
  assert.equal(temp.registry.resolve({ command_or_label: "web" }), web);
  assert.deepEqual(temp.registry.list({ command_or_label: "db" }).map((p) => p.label), ["db"]);
  assert.throws(() => temp.registry.resolve({ command_or_label: "cache" }), /cache/);
});

Deno.test("the registry saves its entries, and forgets a removed one with its folder", async () => {
  await using temp = await tempRegistry();
  const web = temp.registry.add(await temp.entry("web"));
  temp.registry.add(await temp.entry("db"));
  temp.registry.flush();
  const path = join(temp.dataDir, "state.json");
  assert.deepEqual(loadState(path).map((record) => record.label).sort(), ["db", "web"]);
  assert.ok(Deno.statSync(web.output.dir).isDirectory);
  temp.registry.remove(web);
  temp.registry.flush();
  assert.equal(temp.registry.byLabel("web"), undefined);
  assert.deepEqual(loadState(path).map((record) => record.label), ["db"]);
  await assert.rejects(async () => {
    for (let i = 0; i < 100; i++) {
      await Deno.stat(web.output.dir);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }, Deno.errors.NotFound);
});

Deno.test("changes that come together are saved once, a few ms later, not once each", async () => {
  await using temp = await tempRegistry();
  const path = join(temp.dataDir, "state.json");
  const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => temp.entry(`p${i}`)));
  for (const entry of entries) {
    temp.registry.add(entry);
    temp.registry.save();
  }
  assert.throws(() => Deno.statSync(path), Deno.errors.NotFound, "not written at each change");
  await until("the coalesced save", () => loadState(path).length === 50);
  temp.registry.saveOrThrow(); // a launch's save is written at once
  assert.equal(loadState(path).length, 50);
});
