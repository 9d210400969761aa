/**
 * Trusting only what this user made. The data directory holds what decides what runs (the
 * state file's commands), who may ask (the token) and where output is written (the log
 * folders): another user who could plant or swap any of it could run commands as this user,
 * or have them write through a symbolic link over this user's files. So the directory and
 * everything read from it must belong to the user this program runs as, be writable by nobody
 * else, and be no symbolic link; anything else is refused with what is wrong and how to fix it.
 *
 * Once the directory is this user's and closed to others, nobody else can add, replace or
 * rename anything in it, so a check at start holds for the server's lifetime. Deno has no
 * `O_NOFOLLOW`: files are checked with `lstat` before they are opened, and the opened file is
 * compared with what was checked. Windows has no owner ids or modes here: nothing is checked.
 */
import { joinPath, PersistprocError } from "../core/mod.ts";

/** The data directory, or something in it, may have been made or changed by another user. */
export class UntrustedDataDirError extends PersistprocError {
  constructor(message: string, options?: ErrorOptions) {
    super("data_dir_untrusted", message, options);
    this.name = "UntrustedDataDirError";
  }
}

/** The user whose files are trusted, or null where the OS has no owner ids (Windows). */
function me(): number | null {
  return Deno.build.os === "windows" ? null : Deno.uid();
}

function lstatOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function octal(mode: number | null): string {
  return ((mode ?? 0) & 0o7777).toString(8).padStart(4, "0");
}

/**
 * What is wrong with `info` (of `path`), seen from user `uid`, or null when nothing is:
 * another owner, write access for the group or others, or a symbolic link.
 */
function problem(path: string, info: Deno.FileInfo, uid: number): string | null {
  if (info.isSymlink) {
    return `"${path}" is a symbolic link, which persistproc never makes; remove it: rm "${path}"`;
  }
  if (info.uid !== uid) {
    return `"${path}" belongs to user ${info.uid}, not to user ${uid} who runs persistproc; ` +
      `remove it, or take it if you trust its content: chown ${uid} "${path}"`;
  }
  if (((info.mode ?? 0) & 0o022) !== 0) {
    const fix = info.isDirectory ? `chmod 700 "${path}"` : `chmod 600 "${path}"`;
    return `"${path}" may be written by other users (mode ${octal(info.mode)}); ` +
      `make it private: ${fix}`;
  }
  return null;
}

/**
 * Makes the data directory (and its parents) owner-only where it is missing. Something else in
 * its place (a file) is an UntrustedDataDirError saying so, not the system's "file exists".
 */
export function makeDataDir(dataDir: string): void {
  try {
    Deno.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    throw new UntrustedDataDirError(
      `The data directory "${dataDir}" is not a directory; remove it, or give another with --data-dir`,
      { cause: error },
    );
  }
}

/**
 * Throws UntrustedDataDirError unless `dataDir` (which must exist) is this user's and writable
 * by nobody else. The directory itself may be reached through a symbolic link of this user's,
 * as a data folder moved to another disk often is.
 */
export function assertPrivateDir(dataDir: string): void {
  const uid = me();
  if (uid === null) return;
  const link = Deno.lstatSync(dataDir);
  if (link.isSymlink && link.uid !== uid) {
    throw new UntrustedDataDirError(
      `The data directory is a symbolic link another user made: ${
        problem(dataDir, link, uid)
      }, and give its real path with --data-dir`,
    );
  }
  const info = link.isSymlink ? Deno.statSync(dataDir) : link;
  const wrong = info.isDirectory
    ? problem(dataDir, info, uid)
    : `"${dataDir}" is not a directory; remove it, or give another with --data-dir`;
  if (wrong) throw new UntrustedDataDirError(`The data directory cannot be trusted: ${wrong}`);
}

/**
 * Throws UntrustedDataDirError unless the file `path` is absent, or a regular file of this
 * user's that nobody else may write (and no symbolic link); returns what it found.
 */
export function checkOwnFile(path: string): Deno.FileInfo | null {
  const info = lstatOrNull(path);
  const uid = me();
  if (info === null || uid === null) return info;
  const wrong = problem(path, info, uid) ??
    (info.isFile ? null : `"${path}" is not a regular file; remove it: rm -r "${path}"`);
  if (wrong) {
    throw new UntrustedDataDirError(`A file in the data directory cannot be trusted: ${wrong}`);
  }
  return info;
}

/**
 * The text of the file `path`, or null when there is none. Refused (UntrustedDataDirError)
 * like {@link checkOwnFile}, also when the file was swapped between the check and the open.
 */
export function readOwnText(path: string): string | null {
  const checked = checkOwnFile(path);
  if (checked === null) return null;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    const opened = file.statSync();
    if (me() !== null && (opened.dev !== checked.dev || opened.ino !== checked.ino)) {
      throw new UntrustedDataDirError(`"${path}" was replaced while it was being read`);
    }
    const bytes = new Uint8Array(opened.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = file.readSync(bytes.subarray(filled));
      if (read === null || read === 0) break;
      filled += read;
    }
    return new TextDecoder().decode(bytes.subarray(0, filled));
  } finally {
    file.close();
  }
}

/**
 * Throws UntrustedDataDirError unless `dataDir` and everything in it (the state file, the
 * token, the locks, the log folders and their files, the open file) is this user's, writable
 * by nobody else, and no symbolic link. The server checks this once, at start.
 */
export function assertTrustedDataDir(dataDir: string): void {
  assertPrivateDir(dataDir);
  const uid = me();
  if (uid === null) return;
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return; // a log folder pruned meanwhile
      throw error;
    }
    for (const entry of entries) {
      const path = joinPath(dir, entry.name);
      const info = lstatOrNull(path);
      if (info === null) continue; // removed meanwhile (a draft renamed by a CLI call)
      const wrong = problem(path, info, uid);
      if (wrong) {
        throw new UntrustedDataDirError(
          `The data directory "${dataDir}" cannot be trusted: ${wrong}`,
        );
      }
      if (info.isDirectory) walk(path);
    }
  };
  walk(dataDir);
}

/**
 * Writes `text` to the file `path` in a private data directory, owner-only, replacing what
 * was there without ever writing through it: a symbolic link in its place is replaced, never
 * followed.
 */
export function replaceOwnFile(path: string, text: string): void {
  const draft = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`;
  // createNew (O_EXCL) refuses to follow a symbolic link, dangling or not.
  Deno.writeTextFileSync(draft, text, { createNew: true, mode: 0o600 });
  try {
    Deno.renameSync(draft, path);
  } catch (error) {
    Deno.removeSync(draft);
    throw error;
  }
}
