/**
 * The loopback guard: the hub can start programs, so only the user's own tools may reach it.
 * A request naming a non-loopback Host (DNS rebinding) or sent from a non-loopback Origin (a
 * web page the user visits) is refused before anything runs.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ErrorBody } from "../core/mod.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The host part of a Host header value, lower-cased, with any port removed. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  return lower.replace(/:\d*$/, "");
}

/**
 * Whether an address to listen on (as `--host` gives it, IPv6 with or without brackets) is
 * this machine's loopback interface.
 */
export function isLoopbackAddress(hostname: string): boolean {
  const bare = hostname.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return bare === "::1" || LOOPBACK_HOSTS.has(bare);
}

/** Whether a Host header names this machine's loopback interface. */
export function isLoopbackHost(host: string | null): boolean {
  return host !== null && LOOPBACK_HOSTS.has(hostName(host));
}

/** Whether an Origin header is a page served from loopback (`null` origins are not). */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") &&
    LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

/** Who may talk to the server. */
interface AccessPolicy {
  /** When set, requests must carry `Authorization: Bearer <token>` (see `needsToken`). */
  token?: string;
  /** Accept any Host: the server listens beyond loopback, where the token guards it. */
  anyHost?: boolean;
  /** The command that reaches this server from a shell, named in a 401; `persistproc` unless told. */
  cli?: string;
}

/**
 * Returns a 403 (401 for a missing or wrong token) response when the request must be refused,
 * or null when it may proceed. `needsToken` is false only for the page's static files, which
 * act on nothing.
 */
export function refuseForeign(
  request: Request,
  policy: AccessPolicy = {},
  needsToken = true,
): Response | null {
  const host = request.headers.get("host");
  if (!policy.anyHost && !isLoopbackHost(host)) {
    return forbidden(`Host "${host ?? ""}" is not a loopback address`);
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !isLoopbackOrigin(origin) && !isSameOrigin(origin, host)) {
    return forbidden(`Origin "${origin}" is not a loopback origin`);
  }
  if (policy.token && needsToken && !hasToken(request, policy.token)) {
    if (!hasSessionCookie(request, policy.token)) return unauthorized(policy.cli);
  }
  return null;
}

/** The name of the dashboard's sign-in cookie. */
const SESSION_COOKIE = "persistproc_session";

/**
 * What the dashboard's cookie holds: a digest of the token, not the token, so that the cookie
 * store never holds what MCP clients send.
 */
function sessionValue(token: string): string {
  return createHash("sha256").update(`persistproc dashboard session\0${token}`).digest("hex");
}

/**
 * The answer to the dashboard's `POST /api/session` (made with the token in its header, after
 * a `#token=` link or the token form): a cookie that signs in every later tab and reload.
 * HttpOnly (the page's scripts never read it), SameSite=Strict (no other site's page or link
 * sends it) and Path=/; it lasts as long as the browser session.
 */
export function startSession(token: string | undefined): Response {
  const headers = new Headers();
  if (token) {
    headers.set(
      "set-cookie",
      `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/`,
    );
  }
  return new Response(null, { status: 204, headers });
}

/**
 * Whether the request signs in with the dashboard's cookie: only for the JSON API (MCP clients
 * send the header) and only from the page's own origin. SameSite treats every loopback port as
 * one site, so a page on another port (a dev server's) could otherwise send it: its Origin
 * names another port, and a browser's Sec-Fetch-Site says it is not same-origin.
 */
function hasSessionCookie(request: Request, token: string): boolean {
  const path = new URL(request.url).pathname;
  if (!path.startsWith("/api/")) return false;
  const origin = request.headers.get("origin");
  if (origin !== null && !isSameOrigin(origin, request.headers.get("host"))) return false;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const cookies = (request.headers.get("cookie") ?? "").split(";").map((c) => c.trim());
  const sent = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(
    SESSION_COOKIE.length + 1,
  );
  if (sent === undefined) return false;
  return timingSafeEqual(digest(sent), digest(sessionValue(token)));
}

/**
 * The challenge of a 401. Its realm names the program, so that a client finding the port taken
 * can tell a persistproc that wants a token from some other program.
 */
export const AUTH_CHALLENGE = 'Bearer realm="persistproc"';

/**
 * What a request without the right token gets: 401, and how to find the token, with `cli` the
 * command that reaches this server (`persistproc --port 9000 --data-dir DIR`).
 */
export function unauthorized(cli = "persistproc"): Response {
  return Response.json(
    {
      error: {
        code: "unauthorized",
        message: "Missing or wrong token: send the header 'Authorization: Bearer <token>'. " +
          `On this machine, '${cli} token' prints the token and '${cli} open' ` +
          "opens the dashboard with it",
      },
    } satisfies ErrorBody,
    { status: 401, headers: { "www-authenticate": AUTH_CHALLENGE } },
  );
}

function isSameOrigin(origin: string, host: string | null): boolean {
  try {
    return host !== null && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Compares the bearer token in constant time. Both sides are hashed first, so that neither
 * where the first difference lies nor the length of the guess changes how long it takes.
 */
function hasToken(request: Request, token: string): boolean {
  const header = request.headers.get("authorization") ?? "";
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (serverDigest?.token !== token) serverDigest = { token, digest: digest(token) };
  return timingSafeEqual(digest(match?.[1] ?? ""), serverDigest.digest) && match !== null;
}

/** The server's own token hashed once, not on every request. */
let serverDigest: { token: string; digest: Uint8Array } | undefined;

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

function forbidden(message: string): Response {
  return Response.json({ error: { code: "forbidden", message } } satisfies ErrorBody, {
    status: 403,
  });
}
