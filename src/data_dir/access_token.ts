/**
 * The server's access token, kept in `<data dir>/token`: created once with 256 random bits,
 * readable by its owner only, and read by the server and the CLI alike, so that the owner never
 * has to type it. This module is the only one that reads or writes the file.
 */
import { joinPath } from "../core/mod.ts";
import { assertPrivateDir, checkOwnFile, makeDataDir, readOwnText } from "./trust.ts";

/** Where the token lives inside a data directory. */
export function tokenFile(dataDir: string): string {
  return joinPath(dataDir, "token");
}

/**
 * A new token: 32 random bytes, base64url (43 characters, no padding), drawn again when it
 * would begin with `-`, which a command line would take for a flag (`--token -x...`).
 */
export function newToken(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
    if (!token.startsWith("-")) return token;
  }
}

/**
 * The token stored in `dataDir`, or null when there is none (or the file is empty). A token
 * another user could have planted or changed is refused (UntrustedDataDirError): see trust.ts.
 */
export function readToken(dataDir: string): string | null {
  try {
    assertPrivateDir(dataDir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  return readOwnText(tokenFile(dataDir))?.trim() || null;
}

/**
 * The token stored in `dataDir`, creating it (and the directory, owner-only) when there is
 * none. Two processes racing to create it end up with the same token: the file appears whole
 * or not at all, and the loser reads the winner's. A file others can read is made owner-only
 * again; `tightened` says so, for the caller to report.
 */
export function ensureToken(
  dataDir: string,
): { token: string; created: boolean; tightened: boolean } {
  makeDataDir(dataDir);
  assertPrivateDir(dataDir);
  const path = tokenFile(dataDir);
  const existing = readToken(dataDir);
  if (existing !== null) return { token: existing, created: false, tightened: tighten(path) };
  const token = newToken();
  const draft = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`;
  Deno.writeTextFileSync(draft, token + "\n", { createNew: true, mode: 0o600 });
  try {
    // A hard link never replaces an existing file, so the first writer's token wins.
    Deno.linkSync(draft, path);
    return { token, created: true, tightened: false };
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const winner = readToken(dataDir);
    if (winner === null) {
      throw new Error(`The token file "${path}" is empty: delete it, and a new token is made`, {
        cause: error,
      });
    }
    return { token: winner, created: false, tightened: tighten(path) };
  } finally {
    Deno.removeSync(draft);
  }
}

/**
 * Makes the file owner-only when group or others may read it; true when it had to. Only a
 * regular file of this user's in a private directory gets here, so the chmod cannot be led
 * through a symbolic link.
 */
function tighten(path: string): boolean {
  if (Deno.build.os === "windows") return false;
  const mode = checkOwnFile(path)?.mode ?? null;
  if (mode === null || (mode & 0o077) === 0) return false;
  Deno.chmodSync(path, 0o600);
  return true;
}
