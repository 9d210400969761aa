import assert from "node:assert/strict";
import { portListens, urlAnswers } from "./probes.ts";
import type { ProcessInfo } from "../types.ts";

Deno.test("portListens is true for a listener that no other managed process owns", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  assert.equal(await portListens([], port, 999_999_999), true);
  listener.close();
  assert.equal(await portListens([], port, 999_999_999), false);
});

Deno.test({
  name: "portListens is false while another managed process's tree holds the port",
  ignore: Deno.build.os !== "linux",
}, async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const ownGroup = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  const other = { pid: ownGroup, status: "running" } as ProcessInfo;
  assert.equal(await portListens([other], listener.addr.port, 999_999_999), false);
  assert.equal(await portListens([other], listener.addr.port, ownGroup), true);
});

Deno.test("urlAnswers accepts 2xx and 3xx, not 4xx or a closed port", async () => {
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/ok") return new Response("ok");
    if (path === "/moved") return Response.redirect(`${request.url}/elsewhere`, 302);
    return new Response("no", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const deadline = Date.now() + 5_000;
  assert.equal(await urlAnswers(new URL(`${base}/ok`), deadline), true);
  assert.equal(await urlAnswers(new URL(`${base}/moved`), deadline), true);
  assert.equal(await urlAnswers(new URL(`${base}/missing`), deadline), false);
  assert.equal(await urlAnswers(new URL("http://127.0.0.1:1/"), deadline), false);
});
