/**
 * Finds the program a command names before anything is spawned, so "command not found" is a
 * clear error at start rather than a process that dies at once.
 */
import { nodePath } from "../node_builtins.ts";

/**
 * The paths where `program` may be, in the order the OS searches them: itself when it names a
 * directory (relative to `cwd`), else each `PATH` entry; on Windows each also with the
 * `PATHEXT` extensions (`.COM;.EXE;.BAT;.CMD` by default) unless it has an extension already.
 * Pure, so each OS's rule can be tested anywhere.
 */
export function executableCandidates(
  program: string,
  cwd: string,
  env: Record<string, string | undefined>,
  os: typeof Deno.build.os,
): string[] {
  const windows = os === "windows";
  const path = windows ? nodePath().win32 : nodePath().posix;
  const named = windows ? /[\\/]/.test(program) : program.includes("/");
  // Windows names the variable Path; look it up whatever its case.
  const lookup = (name: string) =>
    windows ? Object.entries(env).find(([key]) => key.toUpperCase() === name)?.[1] : env[name];
  const extensions = windows && !path.extname(program)
    ? (lookup("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean)
    : [""];
  const dirs = named
    ? [path.isAbsolute(program) ? "" : cwd]
    : (lookup("PATH") ?? (windows ? "" : "/usr/local/bin:/usr/bin:/bin"))
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.isAbsolute(dir) ? dir : path.join(cwd, dir));
  return dirs.flatMap((dir) =>
    extensions.map((ext) => (dir ? path.join(dir, program) : program) + ext)
  );
}

/** The first candidate (see {@link executableCandidates}) that is an executable file, or null. */
export function findExecutable(
  program: string,
  cwd: string,
  env: Record<string, string | undefined>,
  os: typeof Deno.build.os = Deno.build.os,
): string | null {
  return executableCandidates(program, cwd, env, os).find(isExecutableFile) ?? null;
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return false;
    if (Deno.build.os === "windows" || info.mode === null) return true;
    return (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
