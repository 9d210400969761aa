/**
 * The loopback guard: the hub can start programs, so only the user's own tools may reach it.
 * A request naming a non-loopback Host (DNS rebinding) or sent from a non-loopback Origin (a
 * web page the user visits) is refused before anything runs.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The host part of a Host header value, lower-cased, with any port removed. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  return lower.replace(/:\d*$/, "");
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

/** Returns a 403 response when the request must be refused, or null when it may proceed. */
export function refuseForeign(request: Request): Response | null {
  const host = request.headers.get("host");
  if (!isLoopbackHost(host)) {
    return forbidden(`Host "${host ?? ""}" is not a loopback address`);
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !isLoopbackOrigin(origin)) {
    return forbidden(`Origin "${origin}" is not a loopback origin`);
  }
  return null;
}

function forbidden(message: string): Response {
  return Response.json({ error: { code: "forbidden", message } }, { status: 403 });
}
