import assert from "node:assert/strict";
import {
  binaryName,
  compileArgs,
  compileFailure,
  localDenort,
  PERMISSIONS,
  ROOT,
  TARGETS,
} from "./compile.ts";
import { basename, join } from "node:path";

Deno.test("binaryName gives Windows targets an .exe and names each target's file", () => {
  assert.equal(binaryName("x86_64-pc-windows-msvc"), "persistproc-x86_64-pc-windows-msvc.exe");
  assert.equal(binaryName("aarch64-apple-darwin"), "persistproc-aarch64-apple-darwin");
  assert.equal(binaryName(), Deno.build.os === "windows" ? "persistproc.exe" : "persistproc");
});

Deno.test("compileArgs compiles main.ts with the narrow permissions, for a target if given", () => {
  const args = compileArgs("out/p", "aarch64-apple-darwin");
  assert.equal(args[0], "compile");
  assert.ok(!args.includes("--allow-all") && !args.includes("-A"));
  for (const permission of PERMISSIONS) assert.ok(args.includes(permission), permission);
  assert.deepEqual(args.slice(-5, -1), ["--target", "aarch64-apple-darwin", "--output", "out/p"]);
  assert.match(args.at(-1)!, /main\.ts$/);
  assert.ok(!compileArgs("out/p").includes("--target"));
  // Every subcommand's module, which main.ts loads by specifiers the compiler cannot follow.
  const included = args.flatMap((arg, i) => args[i - 1] === "--include" ? [arg] : []);
  const commands = [...Deno.readDirSync(join(ROOT, "src/cli/commands"))]
    .map((entry) => entry.name).filter((name) => !name.endsWith("_test.ts"));
  assert.deepEqual(
    included.map((path) => basename(path)).sort(),
    commands.sort(),
  );
  assert.equal(TARGETS.length, new Set(TARGETS).size);
});

Deno.test("localDenort takes DENORT_BIN when it names a file and says why not otherwise", async () => {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-denort-" });
  try {
    const file = `${dir}/denort`;
    await Deno.writeTextFile(file, "");
    assert.deepEqual(await localDenort("x86_64-unknown-linux-gnu", file), {
      available: true,
      how: `DENORT_BIN=${file}`,
    });
    const missing = await localDenort("x86_64-unknown-linux-gnu", `${dir}/nothing`);
    assert.equal(missing.available, false);
    assert.match((missing as { reason: string }).reason, /DENORT_BIN=.*nothing is not a file/);
    const none = await localDenort("no-such-target", undefined);
    assert.equal(none.available, false);
    assert.match((none as { reason: string }).reason, /no denort runtime for no-such-target/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed compile without a runtime at hand points to DENORT_BIN and deno task install", () => {
  const message = compileFailure(undefined, 1, { available: false, reason: "none" });
  assert.match(
    message,
    /^deno compile failed for this machine \(exit code 1\): it could not download its runtime/,
  );
  assert.match(message, /DENORT_BIN=\/path\/to\/denort/);
  assert.match(message, /deno task install$/);
  const other = compileFailure("x86_64-apple-darwin", 1, { available: true, how: "cached" });
  assert.equal(other, "deno compile failed for x86_64-apple-darwin (exit code 1)");
});
