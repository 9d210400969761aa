/**
 * Joining and resolving file paths without loading `node:path` (see node_builtins.ts for why):
 * the POSIX rules, a few lines, give the same answers as `node:path` (file_path_test.ts
 * compares them); on Windows these hand over to `node:path`, whose rules there are many.
 */
import { nodePath } from "./node_builtins.ts";

const windows = Deno.build.os === "windows";

/** `path.join`: the parts joined with `/` and normalized; `.` when nothing is left. */
export function joinPath(...parts: string[]): string {
  if (windows) return nodePath().join(...parts);
  const joined = parts.filter((part) => part !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * `path.resolve`: an absolute path, without `.`, `..` or a trailing slash; relative parts are
 * taken from the right until one is absolute, then from the working directory.
 */
export function resolvePath(...parts: string[]): string {
  if (windows) return nodePath().resolve(...parts);
  let path = "";
  for (let i = parts.length - 1; i >= -1 && !path.startsWith("/"); i--) {
    const part = i >= 0 ? parts[i] : Deno.cwd();
    if (part !== "") path = path === "" ? part : `${part}/${path}`;
  }
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** `path.basename` (without an extension to cut): the last part, trailing slashes ignored. */
export function baseName(path: string): string {
  if (windows) return nodePath().basename(path);
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** `path.posix.normalize`. */
function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const kept: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.length > 0 && kept.at(-1) !== "..") kept.pop();
    else if (!absolute) kept.push("..");
  }
  let normal = kept.join("/");
  if (normal === "" && !absolute) normal = ".";
  if (normal !== "" && path.endsWith("/")) normal += "/";
  return absolute ? `/${normal}` : normal;
}
