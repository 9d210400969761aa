/**
 * Builds persistproc's single-file binaries with `deno compile`.
 *
 *   deno task compile               dist/persistproc (.exe on Windows) for this machine
 *   deno task compile --target T    dist/persistproc-T for one target
 *   deno task compile:all           dist/persistproc-T for every target in TARGETS
 *   deno task compile --output P    anywhere else (the smoke test builds into a temp dir)
 *
 * A compiled binary is a Deno runtime without the toolchain ("denort") with the program
 * appended. `deno compile` downloads the denort for the target unless it finds one:
 * `DENORT_BIN=/path/to/denort` makes it use that file (Deno reads the variable itself; this
 * script passes the environment through untouched), and a denort zip already in Deno's cache
 * (`<DENO_DIR>/dl/release/v<version>/denort-<target>.zip`) is used without downloading. The
 * full `deno` binary is no substitute: given as DENORT_BIN it yields a file that runs as the
 * `deno` CLI and ignores the embedded program.
 *
 * This is a script rather than a one-line task because deno.json cannot carry the comments
 * below: Deno reads deno.json as JSONC, but the program imports it as a JSON module (for its
 * version), and a JSON module must be strict JSON.
 *
 * @module
 */
// deno-lint-ignore-file no-console -- a build script: its console output is its interface

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { COMMAND_MODULES } from "../src/cli/command_table.ts";
import { PERMISSIONS, SERVER_V8_FLAGS } from "../src/cli/permissions.ts";

export { PERMISSIONS, SERVER_V8_FLAGS };

/** Every target a release ships, as `deno compile --target` names them. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

const USAGE = `usage: deno task compile [--target TARGET] [--output PATH]
       deno task compile:all
targets: ${TARGETS.join(", ")}
DENORT_BIN=/path/to/denort builds on that runtime instead of downloading one.`;

/** The repository root, where main.ts and deno.json are. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// `deno` by name, not Deno.execPath(): the task's `--allow-run=deno` is matched against the
// name as PATH resolves it, and under `deno task` execPath can be another path to the same file.
const DENO = "deno";

/** The binary's file name for `target` (this machine's when omitted), `.exe` for Windows. */
export function binaryName(target?: string): string {
  const base = target ? `persistproc-${target}` : "persistproc";
  const windows = (target ?? Deno.build.target).includes("windows");
  return windows ? `${base}.exe` : base;
}

/** The `deno` arguments that compile main.ts to `output`, for `target` or this machine. */
export function compileArgs(output: string, target?: string): string[] {
  return [
    "compile",
    ...PERMISSIONS,
    SERVER_V8_FLAGS,
    // The CLI loads its subcommands by specifiers built at run time, which the compiler cannot
    // follow from main.ts (src/cli/command_table.ts says why).
    ...COMMAND_MODULES.flatMap((module) => ["--include", join(ROOT, module)]),
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    join(ROOT, "main.ts"),
  ];
}

/** Whether a denort for `target` can be had without the network, and if so, how. */
export type DenortStatus = { available: true; how: string } | { available: false; reason: string };

/**
 * Says whether `deno compile` will find a runtime for `target` here without downloading:
 * DENORT_BIN naming an existing file, or a denort zip in Deno's cache. Where neither holds, a
 * build needs https access to Deno's download server, which some machines lack.
 */
export async function localDenort(
  target: string = Deno.build.target,
  denortBin: string | undefined = Deno.env.get("DENORT_BIN"),
): Promise<DenortStatus> {
  if (denortBin) {
    try {
      if ((await Deno.stat(denortBin)).isFile) {
        return { available: true, how: `DENORT_BIN=${denortBin}` };
      }
    } catch { /* reported below */ }
    return { available: false, reason: `DENORT_BIN=${denortBin} is not a file` };
  }
  const cached = join(
    await denoDir(),
    "dl",
    "release",
    `v${Deno.version.deno}`,
    `denort-${target}.zip`,
  );
  try {
    await Deno.stat(cached);
    return { available: true, how: `cached ${cached}` };
  } catch {
    return {
      available: false,
      reason: `no denort runtime for ${target}: DENORT_BIN is unset and ${cached} does not ` +
        `exist (run \`deno task compile\` once with internet access, or set DENORT_BIN)`,
    };
  }
}

async function denoDir(): Promise<string> {
  const { stdout } = await new Deno.Command(DENO, {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).denoDir;
}

/**
 * Compiles main.ts into `output` for `target` (this machine when omitted). Deno's own
 * progress goes to stderr; throws with its exit code when the build fails.
 */
export async function compile(output: string, target?: string): Promise<void> {
  const { code } = await new Deno.Command(DENO, {
    args: compileArgs(output, target),
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    throw new Error(compileFailure(target, code, await localDenort(target).catch(() => null)));
  }
}

/**
 * What to say when `deno compile` failed. Without a runtime at hand, the usual cause is a
 * machine that cannot reach Deno's download server: say so, and what works instead.
 */
export function compileFailure(
  target: string | undefined,
  code: number,
  denort: DenortStatus | null,
): string {
  const failed = `deno compile failed for ${target ?? "this machine"} (exit code ${code})`;
  if (denort?.available !== false) return failed;
  return `${failed}: it could not download its runtime ("denort"), and none is cached here.\n` +
    `Set DENORT_BIN=/path/to/denort to build on one you have, or put persistproc on ` +
    `your PATH without a binary: deno task install`;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      all: { type: "boolean" },
      target: { type: "string" },
      output: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.all && (values.target || values.output)) {
    console.error("error: --all builds every target into dist/; it takes no --target or --output");
    return 2;
  }
  if (values.all && Deno.env.get("DENORT_BIN")) {
    // One runtime file cannot serve five platforms; a build with the wrong one looks fine
    // and fails only when run.
    console.error("error: DENORT_BIN names one platform's runtime; build targets one at a time");
    return 2;
  }
  const targets = values.all ? [...TARGETS] : [values.target];
  for (const target of targets) {
    const output = values.output ?? join(ROOT, "dist", binaryName(target));
    await compile(output, target);
    console.log(`built ${output}`);
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
