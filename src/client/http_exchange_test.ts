import assert from "node:assert/strict";
import { httpExchange } from "./http_exchange.ts";

/** A TCP server that answers each connection with `answer` (raw bytes) and records requests. */
function rawServer(answer: (request: string) => string | null) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const served = (async () => {
    for await (const conn of listener) {
      const buffer = new Uint8Array(64 * 1024);
      let request = "";
      while (!request.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) break;
        request += new TextDecoder().decode(buffer.subarray(0, n));
      }
      requests.push(request);
      const text = answer(request);
      if (text === null) continue; // never answers; the test aborts
      await conn.write(new TextEncoder().encode(text));
      conn.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    requests,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

const call = (port: number, signal?: AbortSignal) =>
  httpExchange({
    hostname: "127.0.0.1",
    port,
    method: "POST",
    path: "/api/hub/list",
    headers: { "content-type": "application/json" },
    body: '{"é":1}',
    signal,
  });

Deno.test("httpExchange sends the request with its length and reads a sized answer", async () => {
  await using server = rawServer(() =>
    'HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"é"}extra'
  );
  const answer = await call(server.port);
  assert.equal(answer.status, 409);
  assert.equal(answer.statusText, "Conflict");
  assert.equal(answer.headers.get("content-type"), "application/json");
  assert.equal(answer.text, '{"a":"é"}');
  assert.match(server.requests[0], /^POST \/api\/hub\/list HTTP\/1\.1\r\n/);
  assert.match(server.requests[0], /\r\nhost: 127\.0\.0\.1:\d+\r\n/);
  assert.match(server.requests[0], /\r\ncontent-length: 8\r\n\r\n/);
});

Deno.test("httpExchange reads a chunked answer and one that ends when the server closes", async () => {
  await using chunked = rawServer(() =>
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n[1,2\r\n3;x=y\r\n,3]\r\n0\r\nT: 1\r\n\r\n"
  );
  assert.equal((await call(chunked.port)).text, "[1,2,3]");
  await using closed = rawServer(() => "HTTP/1.0 200 OK\r\n\r\nuntil the end");
  assert.equal((await call(closed.port)).text, "until the end");
});

Deno.test("httpExchange refuses what is not HTTP, and an answer cut short", async () => {
  await using other = rawServer(() => "SSH-2.0-OpenSSH_9.2\r\n\r\n");
  await assert.rejects(call(other.port), /Not an HTTP answer/);
  await using cut = rawServer(() => "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc");
  await assert.rejects(call(cut.port), /closed mid-answer/);
});

Deno.test("httpExchange gives up with the signal's reason when aborted", async () => {
  await using silent = rawServer(() => null);
  const abort = new AbortController();
  const pending = call(silent.port, abort.signal);
  while (silent.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  abort.abort(new Error("gave up"));
  await assert.rejects(pending, /gave up/);
});

Deno.test("httpExchange reads a large answer whole, sized or chunked", async () => {
  const body = "0123456789abcdef".repeat(200_000); // 3.2 MB, many reads
  await using sized = rawServer(() =>
    `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`
  );
  assert.equal((await call(sized.port)).text, body);
  const chunks = body.match(/.{1,70000}/g)!.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`);
  await using chunked = rawServer(() =>
    `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunks.join("")}0\r\n\r\n`
  );
  assert.equal((await call(chunked.port)).text, body);
});

Deno.test("httpExchange gives up when aborted while it connects", async () => {
  await using silent = rawServer(() => null);
  const abort = new AbortController();
  const pending = call(silent.port, abort.signal);
  abort.abort(new Error("gave up early")); // Deno.connect is still pending
  const deadline = AbortSignal.timeout(10_000);
  const timedOut = new Promise<never>((_, reject) =>
    deadline.addEventListener("abort", () => reject(new Error("still waiting")), { once: true })
  );
  await assert.rejects(Promise.race([pending, timedOut]), /gave up early/);
});
