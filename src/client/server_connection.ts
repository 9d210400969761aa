/**
 * Reaching a persistproc server over HTTP: where it listens, one call with the client's token
 * (not reaching the server at all is a ServerUnreachableError), a refusal read back as a
 * HubError, and who listens on the port (serverHealth). HubClient makes its calls through it:
 * the one-shot ones with {@link call} (no `fetch`: see http_exchange.ts), streams with
 * {@link request}.
 */
import type { ErrorBody } from "../core/mod.ts";
import type { Health } from "./api.ts";
import { HubError, ServerUnreachableError } from "./client_errors.ts";
import { type HttpAnswer, httpExchange } from "./http_exchange.ts";

/** Where the server listens. The hostname is loopback unless a test says otherwise. */
export interface HubClientOptions {
  port: number;
  hostname?: string;
  /** Sent as `Authorization: Bearer <token>` when the server requires one. */
  token?: string;
}

/**
 * Asks who listens on the server's port: persistproc's health (its version, pid, port and data
 * directory). Not a Hub verb: it is about the connection, not the processes. Fails with code
 * `not_persistproc` when another program answers, with the server's refusal when it wants
 * another token, and with ServerUnreachableError when nothing answers.
 */
export async function serverHealth(server: HubClientOptions): Promise<Health> {
  const answer = await call(server, "GET", "/api/health");
  if (answer.status === 401 && answer.headers.has("www-authenticate")) {
    throw errorFromAnswer(answer, "/api/health");
  }
  const body = parseOrNull(answer.text) as Partial<Health> | null;
  if (!isOk(answer) || body?.name !== "persistproc") {
    throw new HubError(
      "not_persistproc",
      `Port ${server.port} is in use by another program`,
      answer.status,
    );
  }
  return body as Health;
}

/** Whether an answer's status is a success (2xx), as `Response.ok` says. */
export function isOk(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The server's origin, e.g. `http://127.0.0.1:8947`. */
export function originOf(server: HubClientOptions): string {
  return `http://${server.hostname ?? "127.0.0.1"}:${server.port}`;
}

/**
 * One call to the server, its answer read whole; not reaching it at all (or an answer that is
 * not HTTP) is a ServerUnreachableError. Aborting `signal` rejects with its reason.
 */
export async function call(
  server: HubClientOptions,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  try {
    return await httpExchange({
      hostname: server.hostname ?? "127.0.0.1",
      port: server.port,
      method,
      path,
      headers: headersFor(server, body),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ServerUnreachableError(server.port, { cause: error });
  }
}

/** A streaming call to the server; not reaching it at all is a ServerUnreachableError. */
export async function request(
  server: HubClientOptions,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetch(originOf(server) + path, {
      method,
      signal,
      headers: headersFor(server, body),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ServerUnreachableError(server.port, { cause: error });
  }
}

function headersFor(server: HubClientOptions, body: unknown): Record<string, string> {
  return {
    ...(body === undefined ? {} : { "content-type": "application/json" }),
    // What the server records as who started a process.
    "x-persistproc-client": "cli",
    ...(server.token ? { authorization: `Bearer ${server.token}` } : {}),
  };
}

/** Turns an error response into a `HubError`, also when the body is not the API's shape. */
export async function errorFrom(response: Response): Promise<HubError> {
  const text = await response.text().catch(() => "");
  const answer = { status: response.status, statusText: response.statusText, text };
  return errorFromAnswer(answer, new URL(response.url).pathname);
}

/** Turns an error answer to a call of `path` into a `HubError` (see {@link errorFrom}). */
export function errorFromAnswer(
  answer: Pick<HttpAnswer, "status" | "statusText" | "text">,
  path: string,
): HubError {
  const { status, statusText, text } = answer;
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    if (typeof error?.code === "string" && typeof error.message === "string") {
      // A server older than this client answers a route it lacks as `not_found`, which would
      // read as "no such process".
      if (error.code === "no_route" || error.message.startsWith("No route for ")) {
        return new HubError(
          "no_route",
          `The server does not offer ${path.split("?")[0]}: it is older than this ` +
            "client. Restart it (persistproc shutdown) to run this version",
          status,
        );
      }
      return new HubError(error.code, error.message, status, error.pid);
    }
  } catch {
    // Not JSON: fall through to a generic error naming the status.
  }
  const detail = text.trim().slice(0, 200) || statusText;
  return new HubError("http_error", `Server answered ${status}: ${detail}`, status);
}
