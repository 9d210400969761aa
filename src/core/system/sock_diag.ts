/**
 * The listening TCP sockets of this network namespace, asked of the kernel's socket
 * diagnostics (netlink `sock_diag`, Linux, through libc over FFI; `--allow-ffi`). Asked for
 * listening sockets only, the kernel walks only its table of those; reading `/proc/net/tcp`
 * and `tcp6` walks every bucket of the connection table as well, which costs about 9 ms of CPU
 * on a machine with 24 GiB (0.06 ms this way), and the port watch, `list` and every start's
 * answer need it. Where the kernel cannot be asked (not Linux, no FFI, a sandbox that refuses
 * netlink), {@link listeningTcpSockets} returns null and the caller reads `/proc/net/tcp`.
 */

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const AF_INET = 2;
const AF_INET6 = 10;
const IPPROTO_TCP = 6;
const TCPF_LISTEN = 1 << 10;
/** `struct nlmsghdr` and `struct inet_diag_req_v2`. */
const HEADER_BYTES = 16;
const REQUEST_BYTES = HEADER_BYTES + 56;
/** Where `struct inet_diag_msg` holds the local port (big-endian) and the socket's inode. */
const SPORT_AT = 4;
const INODE_AT = 68;
const MESSAGE_BYTES = 72;

type Libc = ReturnType<typeof openLibc>;

function openLibc(name: string) {
  return Deno.dlopen(
    name,
    {
      socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
      send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
      recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
      close: { parameters: ["i32"], result: "i32" },
    } as const,
  ).symbols;
}

/** libc, null once it proved unreachable or the kernel refused; undefined: not tried yet. */
let libc: Libc | null | undefined;
const buffer = new Uint8Array(new ArrayBuffer(64 * 1024));
const view = new DataView(buffer.buffer);

/**
 * Inode (as `/proc/<pid>/fd` names it, `socket:[inode]`) to local port of every listening TCP
 * socket, IPv4 and IPv6; null when the kernel cannot be asked here.
 */
export function listeningTcpSockets(): Map<string, number> | null {
  if (libc === undefined) libc = Deno.build.os === "linux" ? reachLibc() : null;
  if (libc === null) return null;
  const sockets = new Map<string, number>();
  try {
    for (const family of [AF_INET, AF_INET6]) dump(libc, family, sockets);
  } catch {
    libc = null; // refused (seccomp, an old kernel): /proc/net/tcp from now on
    return null;
  }
  return sockets;
}

function reachLibc(): Libc | null {
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      return openLibc(name);
    } catch { /* the next name, or no FFI */ }
  }
  return null;
}

/** Adds the listening sockets of one address family; throws when the kernel refuses. */
function dump(libc: Libc, family: number, sockets: Map<string, number>): void {
  const fd = libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) throw new Error("socket(AF_NETLINK) failed");
  try {
    const request = new Uint8Array(new ArrayBuffer(REQUEST_BYTES));
    const fields = new DataView(request.buffer);
    fields.setUint32(0, REQUEST_BYTES, true);
    fields.setUint16(4, SOCK_DIAG_BY_FAMILY, true);
    fields.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true);
    fields.setUint32(8, 1, true); // sequence number
    request[HEADER_BYTES] = family;
    request[HEADER_BYTES + 1] = IPPROTO_TCP;
    fields.setUint32(HEADER_BYTES + 4, TCPF_LISTEN, true);
    if (Number(libc.send(fd, request, BigInt(REQUEST_BYTES), 0)) !== REQUEST_BYTES) {
      throw new Error("send to sock_diag failed");
    }
    for (;;) {
      const n = Number(libc.recv(fd, buffer, BigInt(buffer.length), 0));
      if (n <= 0) throw new Error("recv from sock_diag failed");
      for (let at = 0; at + HEADER_BYTES <= n;) {
        const length = view.getUint32(at, true);
        const type = view.getUint16(at + 4, true);
        if (type === NLMSG_DONE) return;
        if (type === NLMSG_ERROR || length < HEADER_BYTES) throw new Error("sock_diag refused");
        const message = at + HEADER_BYTES;
        if (length >= HEADER_BYTES + MESSAGE_BYTES) {
          const inode = view.getUint32(message + INODE_AT, true);
          if (inode !== 0) sockets.set(String(inode), view.getUint16(message + SPORT_AT, false));
        }
        at += (length + 3) & ~3;
      }
    }
  } finally {
    libc.close(fd);
  }
}
