/**
 * Where persistproc keeps its data on each operating system.
 */
import { joinPath, nodePath } from "../core/mod.ts";

/**
 * The default data directory: `$XDG_DATA_HOME/persistproc`, else
 * `~/.local/share/persistproc`; on macOS `~/Library/Application Support/persistproc`; on
 * Windows `%LOCALAPPDATA%\persistproc`. Pure, so each OS's rule can be tested anywhere.
 */
export function defaultDataDir(
  env: Record<string, string | undefined>,
  os: typeof Deno.build.os,
  home: string | undefined,
): string {
  if (os === "windows") {
    const base = env.LOCALAPPDATA ||
      (env.USERPROFILE ? nodePath().win32.join(env.USERPROFILE, "AppData", "Local") : undefined);
    if (!base) throw new Error("Cannot find a data directory: LOCALAPPDATA is not set");
    return nodePath().win32.join(base, "persistproc");
  }
  if (os === "darwin") {
    if (!home) throw new Error("Cannot find a data directory: HOME is not set");
    return joinPath(home, "Library", "Application Support", "persistproc");
  }
  if (env.XDG_DATA_HOME) return joinPath(env.XDG_DATA_HOME, "persistproc");
  if (!home) throw new Error("Cannot find a data directory: HOME is not set");
  return joinPath(home, ".local", "share", "persistproc");
}
