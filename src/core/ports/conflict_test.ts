import assert from "node:assert/strict";
import { conflictFromOutput, nameHolder } from "./conflict.ts";
import type { ProcessInfo } from "../types.ts";

const managed = [
  { pid: 40, status: "running", label: "web" },
  { pid: 50, status: "exited", label: "old" },
] as ProcessInfo[];

Deno.test("nameHolder labels a holder in a running managed process's group", () => {
  const holder = { port: 3000, pid: 41, pgid: 40, command: "node server.js" };
  assert.deepEqual(nameHolder(holder, managed), {
    port: 3000,
    pid: 41,
    command: "node server.js",
    label: "web",
  });
  assert.equal(nameHolder({ ...holder, pgid: 50 }, managed).label, null, "ended ones do not count");
});

Deno.test("conflictFromOutput names the holder of the port an address-in-use message names", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const lines = ["starting", `Error: listen EADDRINUSE: address already in use :::${port}`];
  const holder = await conflictFromOutput(lines, undefined, [], 999_999_999);
  assert.equal(holder?.port, port);
  assert.equal(holder?.pid, Deno.pid);
  // A message without a port (Python's) uses the port waited for.
  const python = ["OSError: [Errno 98] Address already in use"];
  assert.equal((await conflictFromOutput(python, port, [], 999_999_999))?.pid, Deno.pid);
  assert.equal(await conflictFromOutput(["all fine"], port, [], 999_999_999), null);
});
