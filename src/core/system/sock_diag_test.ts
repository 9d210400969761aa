import assert from "node:assert/strict";
import { listeningTcpSockets } from "./sock_diag.ts";
import { readProcListenInodes } from "../ports/scan_linux.ts";

const linux = Deno.build.os === "linux";

/** The inode of the listening socket on `port`, as one map of them says. */
function inodeOf(sockets: Map<string, number>, port: number): string | undefined {
  return [...sockets].find(([, p]) => p === port)?.[0];
}

Deno.test(
  "the kernel names a listening socket with the inode and port /proc/net/tcp gives it, until it closes",
  {
    ignore: !linux,
  },
  () => {
    for (const hostname of ["127.0.0.1", "::1"]) {
      let listener: Deno.TcpListener;
      try {
        listener = Deno.listen({ hostname, port: 0 });
      } catch {
        continue; // no IPv6 here
      }
      const port = (listener.addr as Deno.NetAddr).port;
      let inode: string | undefined;
      try {
        const asked = listeningTcpSockets();
        assert.ok(asked, "sock_diag answers on Linux");
        inode = inodeOf(asked, port);
        assert.ok(inode, `port ${port} (${hostname}) is listed`);
        assert.equal(readProcListenInodes()?.get(inode), port);
      } finally {
        listener.close();
      }
      // By its inode: another test may listen on the same port as soon as it is free.
      assert.equal(listeningTcpSockets()!.has(inode!), false, `socket of port ${port} closed`);
    }
  },
);
