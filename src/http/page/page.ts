/**
 * The dashboard's three files: the page at `/`, its script at `/app.js` and its style sheet at
 * `/app.css`. They are real files in ./assets/, seen by fmt and lint, imported as text so that
 * a compiled binary carries them and the page works offline. Every answer forbids framing and
 * inline code, so another site can neither embed the page nor inject into it; the page talks
 * only to its own origin.
 */
import APP_CSS from "./assets/app.css" with { type: "text" };
import INDEX_HTML from "./assets/index.html" with { type: "text" };
import ANSI_JS from "./assets/ansi_colours.js" with { type: "text" };
import APP_JS from "./assets/app.js" with { type: "text" };
import EVENT_TIMELINE_JS from "./assets/event_timeline.js" with { type: "text" };
import LOG_LINE_JS from "./assets/log_line.js" with { type: "text" };
import LOG_VIEW_JS from "./assets/log_view.js" with { type: "text" };
import PROCESS_TABLE_JS from "./assets/process_table.js" with { type: "text" };
import TAB_CONNECTIONS_JS from "./assets/tab_connections.js" with { type: "text" };

/** The Content-Security-Policy of the dashboard: own scripts and styles only, never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  // The files change with the binary; revalidating costs nothing on loopback.
  "cache-control": "no-cache",
};

// One strict-mode scope for the client's parts, so they see each other but not the window.
const SCRIPT = `"use strict";\n(() => {\n${
  [
    ANSI_JS,
    PROCESS_TABLE_JS,
    LOG_LINE_JS,
    LOG_VIEW_JS,
    EVENT_TIMELINE_JS,
    TAB_CONNECTIONS_JS,
    APP_JS,
  ].join("\n")
}\n})();\n`;

const ASSETS = new Map<string, { body: string; type: string }>([
  ["/", { body: INDEX_HTML, type: "text/html; charset=utf-8" }],
  ["/app.js", { body: SCRIPT, type: "text/javascript; charset=utf-8" }],
  ["/app.css", { body: APP_CSS, type: "text/css; charset=utf-8" }],
]);

/** Whether the request is for one of the dashboard's files (GET or HEAD), which act on nothing. */
export function isPageAsset(request: Request, url: URL): boolean {
  return (request.method === "GET" || request.method === "HEAD") && ASSETS.has(url.pathname);
}

/** Answers GET (or HEAD) for the dashboard's files; null for any other request. */
export function handlePage(request: Request, url: URL): Response | null {
  const asset = isPageAsset(request, url) ? ASSETS.get(url.pathname) : undefined;
  if (!asset) return null;
  return new Response(request.method === "HEAD" ? null : asset.body, {
    headers: { ...SECURITY_HEADERS, "content-type": asset.type },
  });
}
