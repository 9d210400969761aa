/**
 * Who a 2025-era client is, across its requests. Such a client names itself once, in its
 * `initialize` handshake; its later requests carry only a User-Agent, which for most clients
 * names their runtime (`node`, `Deno/2.9.6`), not themselves. The door serves these clients
 * statelessly, so nothing ties a later request to the handshake but what the client sends back:
 * the `Mcp-Session-Id` the door hands out with the handshake's answer, which a client must send
 * on every later request (Streamable HTTP, 2025-03-26 and later). Nothing else is kept per
 * session: an id this server never gave (say, from before a restart) is served as before,
 * named by its User-Agent, and the client keeps working without a new handshake.
 */
import { clientFromImplementation, type ClientInfo } from "./client_info.ts";

/** The header a Streamable HTTP session is named by. */
export const SESSION_HEADER = "mcp-session-id";

/** How many clients' names are kept; the oldest handshake is forgotten first. */
const KEPT = 1_000;

/** The names 2025-era clients gave in their handshakes, by the session id each was handed. */
export class LegacySessions {
  readonly #names = new Map<string, ClientInfo>();

  /**
   * The session id to hand out with the answer to `body` when it is an `initialize` naming
   * its client (the name is then remembered under it); else null.
   */
  open(body: unknown): string | null {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
    const { method, params } = body as { method?: unknown; params?: { clientInfo?: unknown } };
    if (method !== "initialize") return null;
    const client = clientFromImplementation(params?.clientInfo);
    if (!client) return null;
    const id = crypto.randomUUID();
    this.#names.set(id, client);
    if (this.#names.size > KEPT) this.#names.delete(this.#names.keys().next().value!);
    return id;
  }

  /** The client that opened session `id` with this server, or null. */
  clientOf(id: string | null | undefined): ClientInfo | null {
    return id ? this.#names.get(id) ?? null : null;
  }
}

/** `response` with the session header set to `id`; its body is passed on unread. */
export function withSession(response: Response, id: string): Response {
  const headers = new Headers(response.headers);
  headers.set(SESSION_HEADER, id);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
