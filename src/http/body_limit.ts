/**
 * The cap on request bodies: the JSON API and MCP take small JSON documents, so a body larger
 * than {@link MAX_BODY_BYTES} is refused with 413 as soon as it is known to be too large, from
 * its Content-Length or while it streams in, and never held whole in memory.
 */
import type { ErrorBody } from "../core/mod.ts";

/** The largest request body the server reads: 4 MiB. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A request body is over the cap. */
export class BodyTooLargeError extends Error {
  readonly code = "payload_too_large";
  constructor(limit: number) {
    super(`The request body is larger than ${limit / (1024 * 1024)} MiB`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads the whole body of `request`, at most `limit` bytes. Throws BodyTooLargeError before
 * reading anything when Content-Length is over the cap, and as soon as the bytes read pass it.
 */
export async function readBody(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await request.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  if (request.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The 413 answer, in the API's error shape. */
export function tooLarge(error: BodyTooLargeError): Response {
  return Response.json(
    { error: { code: error.code, message: error.message } } satisfies ErrorBody,
    { status: 413, headers: { connection: "close" } },
  );
}
