import assert from "node:assert/strict";
import {
  addressInUse,
  conflictFromOutput,
  nameHolder,
  portsAfterStop,
  portsInCommand,
} from "./conflict.ts";
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
  const holder = await conflictFromOutput(lines, {}, [], 999_999_999);
  assert.equal(holder?.port, port);
  assert.equal(holder?.pid, Deno.pid);
  // A message without a port (Python's) uses the port waited for.
  const python = ["OSError: [Errno 98] Address already in use"];
  assert.equal((await conflictFromOutput(python, { port }, [], 999_999_999))?.pid, Deno.pid);
  assert.equal(await conflictFromOutput(["all fine"], { port }, [], 999_999_999), null);
});

Deno.test("conflictFromOutput falls back to a held port of the command line when the message names none", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const python = ["OSError: [Errno 98] Address already in use"];
  const commandLine = `python3 -m http.server ${port} --bind 127.0.0.1`;
  const holder = await conflictFromOutput(python, { commandLine }, [], 999_999_999);
  assert.equal(holder?.port, port);
  assert.equal(holder?.pid, Deno.pid);
  assert.equal(await conflictFromOutput(python, { commandLine: "python3 -m x" }, [], 999), null);
});

Deno.test("portsInCommand finds the arguments that look like ports, each once", () => {
  assert.deepEqual(portsInCommand("python3 -m http.server 8000 --bind 127.0.0.1"), [8000]);
  assert.deepEqual(
    portsInCommand("vite --port 5173 -p 3000 --listen=0.0.0.0:4000 'localhost:9000' 5173"),
    [5173, 3000, 4000, 9000],
  );
  assert.deepEqual(portsInCommand("sleep 0 && serve 70000 v8 x1"), []);
});

/** What Node 20 prints when a server's port is taken: the report, a stack, then its fields. */
const NODE_REPORT = [
  "node:events:497",
  "      throw er; // Unhandled 'error' event",
  "      ^",
  "",
  "Error: listen EADDRINUSE: address already in use :::3000",
  "    at Server.setupListenHandle [as _listen2] (node:net:1908:16)",
  "    at listenInCluster (node:net:1965:12)",
  "Emitted 'error' event on Server instance at:",
  "    at emitErrorNT (node:net:1944:8)",
  "  code: 'EADDRINUSE',",
  "  errno: -98,",
  "  syscall: 'listen',",
  "  address: '::',",
  "  port: 3000",
  "}",
  "",
  "Node.js v20.19.0",
];

Deno.test("addressInUse finds Node's report line and its port, not the fields after it", () => {
  assert.deepEqual(addressInUse(NODE_REPORT), {
    line: "Error: listen EADDRINUSE: address already in use :::3000",
    port: 3000,
  });
  assert.deepEqual(addressInUse(["  code: 'EADDRINUSE',", "  port: 8080"]), {
    line: "  code: 'EADDRINUSE',",
    port: 8080,
  });
  assert.equal(addressInUse(["all good"]), null);
});

Deno.test("portsAfterStop looks again at a socket no process owns, and reports it freed once it leaves", async () => {
  let looks = 0;
  const report = await portsAfterStop([4100], [], (port) => {
    looks++;
    return Promise.resolve(looks < 3 ? [{ port, pid: null, pgid: null, command: null }] : []);
  });
  assert.deepEqual(report, { freed_ports: [4100], held_ports: [] });
  assert.equal(looks, 3);
});

Deno.test("portsAfterStop names a holder that a process owns at once", async () => {
  let looks = 0;
  const report = await portsAfterStop([4100], [], (port) => {
    looks++;
    return Promise.resolve([{ port, pid: 77, pgid: 77, command: "node server.js" }]);
  });
  assert.deepEqual(report.held_ports, [{
    port: 4100,
    pid: 77,
    command: "node server.js",
    label: null,
  }]);
  assert.equal(looks, 1);
});
