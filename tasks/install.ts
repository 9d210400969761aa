/**
 * Puts `persistproc` on the PATH with `deno install -g`: a small script in Deno's bin folder
 * (`~/.deno/bin` unless DENO_INSTALL_ROOT says otherwise) that runs this checkout's main.ts
 * with the same narrow permissions and V8 setting as the compiled binary. `--force` replaces
 * an earlier install, so running it again after a `git pull` updates nothing but the script.
 *
 *   deno task install
 *
 * @module
 */
// deno-lint-ignore-file no-console -- a build script: its console output is its interface

import { join } from "node:path";
import { PERMISSIONS, ROOT, SERVER_V8_FLAGS } from "./compile.ts";

/** The `deno` arguments that install main.ts as `persistproc`. */
export function installArgs(): string[] {
  return [
    "install",
    "--global",
    "--force",
    "--name",
    "persistproc",
    "--config",
    join(ROOT, "deno.json"),
    ...PERMISSIONS,
    SERVER_V8_FLAGS,
    join(ROOT, "main.ts"),
  ];
}

async function main(): Promise<number> {
  const { code } = await new Deno.Command("deno", {
    args: installArgs(),
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) return code;
  console.log("then try: persistproc --help");
  return 0;
}

if (import.meta.main) Deno.exit(await main());
