import assert from "node:assert/strict";
import { listenAddress } from "./serve.ts";

Deno.test("listenAddress prints loopback for a wildcard host, saying every interface listens", () => {
  assert.deepEqual(listenAddress("http://127.0.0.1:8947/mcp/"), {
    local: "http://127.0.0.1:8947/mcp/",
    everywhere: "",
  });
  assert.deepEqual(listenAddress("http://0.0.0.0:8947/mcp/"), {
    local: "http://127.0.0.1:8947/mcp/",
    everywhere: " (every interface, --host 0.0.0.0; from another machine, use this one's address)",
  });
  assert.deepEqual(listenAddress("http://[::]:8947/mcp/"), {
    local: "http://[::1]:8947/mcp/",
    everywhere: " (every interface, --host ::; from another machine, use this one's address)",
  });
  assert.equal(listenAddress("http://[::1]:8947/mcp/").everywhere, "");
});
