import assert from "node:assert/strict";
import { HubError } from "./client_errors.ts";
import { HubClient } from "./hub_client.ts";

/** A server answering every request with `answer`, and a client for it. */
function fakeServer(answer: () => Response) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, answer);
  return {
    client: new HubClient({ port: server.addr.port }),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

Deno.test("a refusal keeps the server's code, message and pid", async () => {
  await using fake = fakeServer(() =>
    Response.json({
      error: { code: "already_running", message: '"web" is already running (PID 7)', pid: 7 },
    }, { status: 409 })
  );
  const error = await fake.client.start({ command: "x", working_directory: "/" }).catch((e) => e);
  assert.ok(error instanceof HubError);
  assert.equal(error.code, "already_running");
  assert.equal(error.pid, 7);
  assert.equal(error.status, 409);
});

Deno.test("a route an older server lacks is not mistaken for a process not found", async () => {
  await using fake = fakeServer(() =>
    Response.json({
      error: { code: "not_found", message: "No route for POST /api/hub/list" },
    }, { status: 404 })
  );
  const error = await fake.client.list().catch((e) => e);
  assert.ok(error instanceof HubError);
  assert.equal(error.code, "no_route");
  assert.match(error.message, /does not offer \/api\/hub\/list: it is older than this client/);
});
