/**
 * End-to-end: the token a server requires by default, on every route, and the limits on what
 * a client may make it hold (body size, follow streams).
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { FIXTURES, hubTest, startHub, type TestHub, waitFor } from "./_hub.ts";

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "auth-test", version: "0" },
  },
});

/** Every route that acts or reads, as the page, the CLI and an agent call them. */
function routes(pid: number): [string, string, string | undefined][] {
  const json = (value: unknown) => JSON.stringify(value);
  return [
    ["POST", "/mcp", INITIALIZE],
    ["POST", "/mcp/", INITIALIZE],
    ["GET", "/mcp/", undefined],
    ["GET", "/api/health", undefined],
    ["POST", "/api/hub/output", json({ pid })],
    ["POST", "/api/hub/restart", json({ pid })],
    ["POST", "/api/hub/list", "{}"],
    ["POST", "/api/hub/stop", json({ pid })],
    ["POST", "/api/hub/start", json({ command: "touch pwned", working_directory: "/tmp" })],
    ["GET", `/api/hub/follow?pid=${pid}&lines=10`, undefined],
    ["POST", "/api/shutdown", "{}"],
    ["GET", "/api/nothing-here", undefined],
  ];
}

async function send(
  hub: TestHub,
  [method, path, body]: [string, string, string | undefined],
  authorization?: string,
): Promise<Response> {
  return await fetch(hub.base + path, {
    method,
    body,
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(authorization === undefined ? {} : { authorization }),
    },
  });
}

hubTest("every route answers 401 without the token or with a wrong one", async (hub) => {
  assert.ok(hub.token && hub.token.length >= 22, "a token of at least 128 bits");
  const { body: started } = await hub.api("ctrl", {
    action: "start",
    label: "ticker",
    command_or_label: "./ticker.sh",
    working_directory: FIXTURES,
  });
  const wrong = [
    undefined,
    "",
    "Bearer",
    "Bearer wrong-token",
    `Bearer ${hub.token}x`,
    `Bearer ${hub.token!.slice(0, -1)}`,
    `Basic ${btoa(`user:${hub.token}`)}`,
    hub.token,
  ];
  for (const route of routes(started.pid)) {
    for (const authorization of wrong) {
      const response = await send(hub, route, authorization);
      const what = `${route[0]} ${route[1]} with ${JSON.stringify(authorization)}`;
      assert.equal(response.status, 401, what);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="persistproc"');
      const { error } = await response.json();
      assert.equal(error.code, "unauthorized", what);
      assert.match(error.message, /Authorization: Bearer/);
      // The command it names reaches this server's port and data dir.
      assert.ok(
        error.message.includes(`'persistproc --port ${hub.port} --data-dir ${hub.dataDir} token'`),
        error.message,
      );
    }
  }
  // Nothing was stopped, restarted or started, and the server still runs.
  const { body } = await hub.api("list", {});
  assert.deepEqual(
    body.processes.map((p: { pid: number; status: string }) => [p.pid, p.status]),
    [[started.pid, "running"]],
  );
  // The page's own files are public: they act on nothing.
  for (const path of ["/", "/app.js", "/app.css"]) {
    const response = await fetch(hub.base + path);
    await response.body?.cancel();
    assert.equal(response.status, 200, path);
  }
  // With the token (any case of the scheme), the same requests get through.
  const health = await fetch(`${hub.base}/api/health`, {
    headers: { authorization: `bearer ${hub.token}` },
  });
  assert.equal((await health.json()).name, "persistproc");
});

Deno.test("the token file is created owner-only (0600) in an owner-only data dir", async () => {
  await using hub = await startHub();
  const file = await Deno.stat(`${hub.dataDir}/token`);
  assert.equal(file.mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(hub.dataDir)).mode! & 0o777, 0o700);
  assert.match(hub.token!, /^[A-Za-z0-9_-]{43}$/);
  // Not in the server's output, its command line or its state file.
  assert.ok(!hub.output().includes(hub.token!), hub.output());
  const { pid } = await (await hub.fetch("/api/health")).json();
  const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
  assert.ok(!cmdline.includes(hub.token!));
  // The state file is saved a moment after start-up (a loaded machine answered health first).
  const state = await waitFor(
    "the state file",
    () => Deno.readTextFile(`${hub.dataDir}/state.json`),
  );
  assert.ok(!state.includes(hub.token!));
});

Deno.test("--no-auth serves without a token and warns first; --token is used as given", async () => {
  {
    await using open = await startHub(["--no-auth"]);
    assert.match(open.output(), /^warning: authentication is off \(--no-auth\)/);
    assert.equal(open.token, undefined);
    const response = await fetch(`${open.base}/api/hub/list`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.deepEqual(await response.json(), []);
    await assert.rejects(Deno.stat(`${open.dataDir}/token`), Deno.errors.NotFound);
  }
  {
    const token = "given-token-1234567890";
    await using given = await startHub(["--token", token], { token });
    assert.equal((await given.api("list", {})).status, 200);
    const other = await fetch(`${given.base}/api/health`, {
      headers: { authorization: "Bearer " + "x".repeat(token.length) },
    });
    await other.body?.cancel();
    assert.equal(other.status, 401);
    // A given token is not written anywhere.
    await assert.rejects(Deno.stat(`${given.dataDir}/token`), Deno.errors.NotFound);
  }
});

/** Sends a raw HTTP request and reads the reply's first line (and headers). */
async function rawHead(port: number, head: string, body: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    await conn.write(body);
    const buffer = new Uint8Array(4096);
    let reply = "";
    while (!reply.includes("\r\n\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      reply += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return reply;
  } finally {
    conn.close();
  }
}

hubTest(
  "a JSON body over 4 MiB gets 413 before it is read whole, on the API and MCP",
  async (hub) => {
    const big = JSON.stringify({ padding: "x".repeat(5 * 1024 * 1024) });
    for (const path of ["/api/hub/list", "/mcp/"]) {
      const response = await hub.fetch(path, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: big,
      });
      assert.equal(response.status, 413, path);
      assert.match(await response.text(), /larger than 4 MiB/);
      // Streamed without a length, it is cut off as it passes the cap.
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      let sent = 0;
      const streamed = await hub.fetch(path, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: new ReadableStream({
          pull(controller) {
            if (sent++ < 100) controller.enqueue(chunk);
            else controller.close();
          },
        }),
      });
      await streamed.body?.cancel();
      assert.equal(streamed.status, 413, `${path}, streamed`);
    }
    // Announced as 5 MiB, it is refused at once, with only a few bytes of it sent.
    const reply = await rawHead(
      hub.port,
      `POST /api/hub/list HTTP/1.1\r\nHost: 127.0.0.1:${hub.port}\r\n` +
        `Authorization: Bearer ${hub.token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${5 * 1024 * 1024}\r\n\r\n`,
      new TextEncoder().encode('{"padding":"'),
    );
    assert.match(reply, /^HTTP\/1\.1 413/);
    // Just under the cap is still read.
    const fits = await hub.api("list", { pid: 1, padding: "x".repeat(1024 * 1024) });
    assert.equal(fits.status, 400, JSON.stringify(fits.body));
    assert.match(fits.body.error.message, /padding/);
  },
);

hubTest("at most 64 log followers at once; the next gets a clear 429", async (hub) => {
  const { body: started } = await hub.api("ctrl", {
    action: "start",
    label: "ticker",
    command_or_label: "./ticker.sh",
    working_directory: FIXTURES,
  });
  const follow = () => hub.fetch(`/api/hub/follow?pid=${started.pid}&lines=1`);
  const open: Response[] = [];
  try {
    for (let i = 0; i < 64; i++) {
      const response = await follow();
      open.push(response);
      assert.equal(response.status, 200, `follower ${i + 1}`);
    }
    const refused = await follow();
    assert.equal(refused.status, 429);
    const { error } = await refused.json();
    assert.equal(error.code, "too_many_followers");
    assert.match(error.message, /64 streams are open; close one/);
    // Once one goes away, there is room again.
    await open.pop()!.body!.cancel();
    const again = await waitFor("room for a follower", async () => {
      const response = await follow();
      if (response.status === 200) return response;
      await response.body?.cancel();
      return null;
    });
    open.push(again);
  } finally {
    await Promise.all(open.map((response) => response.body?.cancel()));
  }
});

hubTest("a second server on the port knows the first for a persistproc by its 401", async (hub) => {
  const otherDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  try {
    const result = await cli({ port: hub.port, dataDir: otherDir }, ["serve", "--quiet"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^error: persistproc is already running on port ${hub.port}$`, "m"),
    );
  } finally {
    await Deno.remove(otherDir, { recursive: true });
  }
});

hubTest(
  "the dashboard's sign-in cookie is HttpOnly and SameSite=Strict, and only its own origin may use it",
  async (hub) => {
    const session = await hub.fetch("/api/session", { method: "POST" });
    assert.equal(session.status, 204);
    const cookie = session.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^persistproc_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\/$/);
    assert.ok(!cookie.includes(hub.token!), "the cookie holds the token itself");
    const pair = cookie.split(";")[0];
    const list = (headers: Record<string, string>) =>
      fetch(`${hub.base}/api/hub/list`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json", cookie: pair, ...headers },
      });
    const own = await list({ origin: hub.base, "sec-fetch-site": "same-origin" });
    assert.equal(own.status, 200);
    await own.body?.cancel();
    // Another loopback port is the same site to a browser, but not the page's origin.
    for (
      const headers of <Record<string, string>[]> [
        { origin: "http://127.0.0.1:5173", "sec-fetch-site": "same-site" },
        { "sec-fetch-site": "cross-site" },
      ]
    ) {
      const refused = await list(headers);
      assert.equal(refused.status, 401, JSON.stringify(headers));
      await refused.body?.cancel();
    }
    const foreign = await list({ origin: "http://evil.example" });
    assert.equal(foreign.status, 403);
    await foreign.body?.cancel();
    // MCP clients send the header: the cookie is the page's alone.
    const mcp = await fetch(`${hub.base}/mcp/`, {
      method: "POST",
      body: INITIALIZE,
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        cookie: pair,
      },
    });
    assert.equal(mcp.status, 401);
    await mcp.body?.cancel();
    const wrong = await list({ cookie: "persistproc_session=" + "0".repeat(64) });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
  },
);
