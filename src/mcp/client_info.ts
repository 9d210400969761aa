/**
 * Who is calling: the name and version a client gives of itself. An MCP 2026-07-28 request
 * carries them in its `_meta`; a 2025-era client gives them in its `initialize` handshake (its
 * later requests are tied to it by session, see legacy_sessions.ts); any
 * HTTP client may name itself in its User-Agent header. Tools record them (e.g. who started a
 * process); nothing is decided on them, since any caller can claim any name.
 */

/** A client's own name and version, as it gave them. */
export interface ClientInfo {
  name: string;
  version: string;
}

/** Longest name or version kept: enough for any real client, bounded for a hostile one. */
const MAX_FIELD = 200;

/**
 * Reads `{ name, version }` from an MCP `clientInfo`-shaped value (an `Implementation`);
 * null when it is not one. A missing version is kept as "".
 */
export function clientFromImplementation(value: unknown): ClientInfo | null {
  if (typeof value !== "object" || value === null) return null;
  const { name, version } = value as { name?: unknown; version?: unknown };
  if (typeof name !== "string" || name.trim() === "") return null;
  return {
    name: name.trim().slice(0, MAX_FIELD),
    version: typeof version === "string" ? version.trim().slice(0, MAX_FIELD) : "",
  };
}

/**
 * Reads the first product of a User-Agent header (`name/version comment...`), e.g.
 * `claude-code/2.1.0 (cli)` gives `{ name: "claude-code", version: "2.1.0" }`; null when the
 * header is absent or empty.
 */
export function clientFromUserAgent(userAgent: string | null): ClientInfo | null {
  const product = userAgent?.trim().split(/\s+/)[0];
  if (!product) return null;
  const slash = product.indexOf("/");
  return clientFromImplementation(
    slash < 0
      ? { name: product }
      : { name: product.slice(0, slash), version: product.slice(slash + 1) },
  );
}
