/**
 * One HTTP/1.1 request over a fresh TCP connection, its answer read whole: what the client's
 * one-shot calls (list, stop, output, health...) need, without `fetch`. A CLI process makes
 * one or two calls and exits, and its first `fetch` costs it about 10 ms of CPU (Deno loads
 * fetch's and the Response's JavaScript and builds an HTTP client), half again an empty
 * `deno run`; this costs it about 1 ms. Streams (follow, events) still use `fetch`.
 *
 * The request says `connection: close`, so the answer ends where its length says (a
 * `content-length`, or chunked framing) or, failing both, when the server closes.
 */

import { concatBytes } from "../core/mod.ts";

/** An answer read whole. Header names are lower case. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Map<string, string>;
  text: string;
}

/** A request to send; `headers` are sent as given, after `host` and `connection`. */
export interface HttpRequest {
  hostname: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEAD_END = [13, 10, 13, 10];

/**
 * Sends `request` and reads its answer. A refused or broken connection, or an answer that is
 * not HTTP, rejects with the error met; an abort of `request.signal` closes the connection and
 * rejects with the signal's reason.
 */
export async function httpExchange(request: HttpRequest): Promise<HttpAnswer> {
  const { hostname, port, method, path, signal } = request;
  signal?.throwIfAborted();
  const conn = await Deno.connect({ hostname, port });
  const close = () => {
    try {
      conn.close();
    } catch { /* closed already */ }
  };
  signal?.addEventListener("abort", close, { once: true });
  try {
    // An abort while connecting came before the listener: it would never fire.
    signal?.throwIfAborted();
    const body = request.body === undefined ? undefined : encoder.encode(request.body);
    const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, "connection: close"];
    for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
    if (body !== undefined) lines.push(`content-length: ${body.length}`);
    const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
    await writeAll(conn, body === undefined ? head : concatBytes([head, body]));
    return await readAnswer(conn);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener("abort", close);
    close();
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  while (bytes.length > 0) bytes = bytes.subarray(await conn.write(bytes));
}

/** Reads the status line, the headers and the body the framing says. */
async function readAnswer(conn: Deno.Conn): Promise<HttpAnswer> {
  const reader = new ByteReader(conn);
  const headEnd = await reader.until(HEAD_END);
  const [statusLine, ...headerLines] = decoder.decode(reader.take(headEnd)).split("\r\n");
  reader.take(HEAD_END.length);
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (status === null) throw new Error(`Not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`Malformed header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const code = Number(status[1]);
  let body: Uint8Array;
  if (hasNoBody(code)) body = new Uint8Array();
  else if (/\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")) {
    body = await readChunked(reader);
  } else if (headers.has("content-length")) {
    const length = Number(headers.get("content-length"));
    if (!Number.isSafeInteger(length) || length < 0) throw new Error("Malformed content-length");
    await reader.fill(length);
    body = reader.take(length);
  } else body = await reader.rest();
  return { status: code, statusText: status[2] ?? "", headers, text: decoder.decode(body) };
}

/** Statuses whose answers have no body whatever their headers say. */
function hasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** A chunked body: `size CRLF data CRLF` until a size of 0, then trailers until an empty line. */
async function readChunked(reader: ByteReader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const lineEnd = await reader.until([13, 10]);
    const size = parseInt(decoder.decode(reader.take(lineEnd)).split(";")[0].trim(), 16);
    reader.take(2);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error("Malformed chunk size");
    if (size === 0) break;
    await reader.fill(size + 2);
    parts.push(reader.take(size));
    reader.take(2);
  }
  for (;;) {
    const trailerEnd = await reader.until([13, 10]);
    reader.take(trailerEnd + 2);
    if (trailerEnd === 0) break;
  }
  return concatBytes(parts);
}

/**
 * Bytes read from a connection and not yet taken, in a buffer that doubles when full (so a
 * large answer is copied a few times, not once per read). Taken bytes are never written over:
 * what `take` returned stays valid.
 */
class ByteReader {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  #ended = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Reads until at least `length` bytes are held; the connection ending first is an error. */
  async fill(length: number): Promise<void> {
    while (this.#end - this.#start < length) {
      if (!await this.#read()) throw new Error("The connection closed mid-answer");
    }
  }

  /** Reads until `pattern` is held; resolves with where it starts, from the first byte held. */
  async until(pattern: number[]): Promise<number> {
    let from = 0;
    for (;;) {
      const held = this.#buffer.subarray(this.#start, this.#end);
      const at = indexOf(held, pattern, from);
      if (at !== -1) return at;
      from = Math.max(0, held.length - pattern.length + 1);
      if (!await this.#read()) throw new Error("The connection closed mid-answer");
    }
  }

  /** Reads until the connection ends; resolves with everything held. */
  async rest(): Promise<Uint8Array> {
    while (await this.#read());
    return this.take(this.#end - this.#start);
  }

  /** The first `length` bytes held, no longer held. */
  take(length: number): Uint8Array {
    const taken = this.#buffer.subarray(this.#start, this.#start + length);
    this.#start += length;
    return taken;
  }

  async #read(): Promise<boolean> {
    if (this.#ended) return false;
    if (this.#buffer.length - this.#end < 16 * 1024) {
      const held = this.#end - this.#start;
      const grown = new Uint8Array(Math.max(64 * 1024, 2 * held + 16 * 1024));
      grown.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = grown;
      this.#start = 0;
      this.#end = held;
    }
    const n = await this.#conn.read(this.#buffer.subarray(this.#end));
    if (n === null) {
      this.#ended = true;
      return false;
    }
    this.#end += n;
    return true;
  }
}

function indexOf(bytes: Uint8Array, pattern: number[], from: number): number {
  outer: for (let i = from; i <= bytes.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}
