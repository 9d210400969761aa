import assert from "node:assert/strict";
import { findPortHolders, listeningPorts, parsePs, withPorts } from "./listeners.ts";
import { parseProcNetTcp, parseSsListeners } from "./scan_linux.ts";

Deno.test("parseProcNetTcp keeps listening sockets only, by inode", () => {
  const text = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0",
    "   1: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 100 0 0 10 0",
    "   2: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 0:0 0:0 0 1000 0 77 1",
  ].join("\n");
  assert.deepEqual([...parseProcNetTcp(text)], [["4242", 3000], ["77", 8080]]);
});

Deno.test("parseSsListeners reads ports and every holding process", () => {
  const text = [
    'LISTEN 0 511 127.0.0.1:3000 0.0.0.0:* users:(("node",pid=41,fd=20))',
    'LISTEN 0 128 [::]:8080 [::]:* users:(("gunicorn",pid=7,fd=5),("gunicorn",pid=8,fd=5))',
    "LISTEN 0 128 0.0.0.0:22 0.0.0.0:*",
  ].join("\n");
  assert.deepEqual(parseSsListeners(text), [
    { port: 3000, pid: 41, command: "node" },
    { port: 8080, pid: 7, command: "gunicorn" },
    { port: 8080, pid: 8, command: "gunicorn" },
    { port: 22, pid: null, command: null },
  ]);
});

Deno.test("parsePs maps pids to group and command line", () => {
  const ps = parsePs("    1     1 /sbin/init\n  420   400 python3 -m http.server 8000\n");
  assert.deepEqual(ps.get(420), { pgid: 400, command: "python3 -m http.server 8000" });
});

Deno.test({
  name: "listeningPorts and findPortHolders see a socket this process listens on",
  ignore: Deno.build.os !== "linux",
}, async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  const ports = await listeningPorts([pgid, 999_999_999]);
  assert.ok(ports.get(pgid)?.includes(port), `port ${port} in ${ports.get(pgid)}`);
  assert.deepEqual(ports.get(999_999_999), []);
  const holders = await findPortHolders(port);
  assert.ok(holders?.some((holder) => holder.pid === Deno.pid && holder.pgid === pgid));
});

Deno.test("findPortHolders finds nobody on a free port", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  assert.deepEqual(await findPortHolders(port), []);
});

Deno.test({
  name: "withPorts: an ended process's pid, now some other group's, lends it no ports",
  ignore: Deno.build.os !== "linux",
}, async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  // An ended entry whose pid now leads this test's group, with a leftover elsewhere.
  const [ended] = await withPorts([{ pid: pgid, status: "exited" }], () => [999_999_998]);
  assert.deepEqual(ended.ports, [], "not by group once ended");
  const [live] = await withPorts([{ pid: pgid, status: "running" }]);
  assert.ok(live.ports.includes(listener.addr.port), "by group while it runs");
});

Deno.test({
  name: "listeningPorts sees a port opened or closed since its last scan, the processes the same",
  ignore: Deno.build.os !== "linux",
}, async () => {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  const before = (await listeningPorts([pgid])).get(pgid)!;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  try {
    assert.ok(!before.includes(port));
    assert.ok((await listeningPorts([pgid])).get(pgid)!.includes(port), "opened");
  } finally {
    listener.close();
  }
  assert.ok(!(await listeningPorts([pgid])).get(pgid)!.includes(port), "closed");
});

Deno.test({
  name:
    "withPorts shows a port a fresh scan has seen, though its shared scan is younger than 0.5 s",
  ignore: Deno.build.os !== "linux",
}, async () => {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  const running = [{ pid: pgid, status: "running" }];
  await withPorts(running); // fills list's shared scan
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  assert.ok((await listeningPorts([pgid])).get(pgid)?.includes(port), "the fresh scan sees it");
  const [listed] = await withPorts(running);
  assert.ok(listed.ports.includes(port), `port ${port} in ${listed.ports}`);
});
