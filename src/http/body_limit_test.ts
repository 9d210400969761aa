import assert from "node:assert/strict";
import { BodyTooLargeError, readBody } from "./body_limit.ts";

function streamOf(chunks: number[], pulled: { count: number }): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const size = chunks[pulled.count++];
      if (size === undefined) controller.close();
      else controller.enqueue(new Uint8Array(size));
    },
  });
}

Deno.test("readBody() returns a body within the cap whole", async () => {
  const request = new Request("http://x/", { method: "POST", body: '{"a":1}' });
  assert.equal(new TextDecoder().decode(await readBody(request, 16)), '{"a":1}');
});

Deno.test("readBody() refuses a declared length over the cap without reading", async () => {
  const pulled = { count: 0 };
  const request = new Request("http://x/", {
    method: "POST",
    body: streamOf([8, 8, 8], pulled),
    headers: { "content-length": "24" },
  });
  await assert.rejects(readBody(request, 16), BodyTooLargeError);
  assert.ok(pulled.count <= 1, `${pulled.count} chunks pulled`);
});

Deno.test("readBody() stops reading a streamed body once it passes the cap", async () => {
  const pulled = { count: 0 };
  const request = new Request("http://x/", {
    method: "POST",
    body: streamOf([8, 8, 8, 8, 8, 8], pulled),
  });
  await assert.rejects(readBody(request, 16), /larger than/);
  assert.ok(pulled.count < 6, `${pulled.count} chunks pulled`);
});
