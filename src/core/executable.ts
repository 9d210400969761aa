/**
 * Finds the program a command names before anything is spawned, so "command not found" is a
 * clear error at start rather than a process that dies at once.
 */
import { delimiter, isAbsolute, join } from "node:path";

/**
 * Returns the absolute path of `program`: as given when it contains a slash (relative to
 * `cwd`), else the first executable match on `PATH`. Null when there is none.
 */
export function findExecutable(
  program: string,
  cwd: string,
  path: string | undefined,
): string | null {
  if (program.includes("/")) {
    const candidate = isAbsolute(program) ? program : join(cwd, program);
    return isExecutableFile(candidate) ? candidate : null;
  }
  for (const dir of (path ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(isAbsolute(dir) ? dir : join(cwd, dir), program);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
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
