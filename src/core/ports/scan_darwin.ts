/**
 * Finds the TCP ports that given processes listen on, on macOS, where there is no /proc and no
 * `ss`: `lsof` in its field output mode (`-F`) says it in a form meant for programs.
 */

/**
 * The arguments for `lsof` that list the TCP listening sockets of the given pids, numerically
 * (`-nP`: no DNS or service-name lookups, which can take seconds) and in field form (`-Fpn`).
 * `-a` makes the pid and socket selections both apply rather than either. lsof exits 1 when
 * nothing matched, which means "no listeners", not failure.
 */
export function lsofListenerArgs(pids: readonly number[]): string[] {
  if (pids.length === 0) throw new RangeError("No pids to scan");
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`Invalid pid ${pid}`);
  }
  return ["-nP", "-iTCP", "-sTCP:LISTEN", "-a", "-p", pids.join(","), "-Fpn"];
}

/**
 * Parses the output of `lsof -nP -iTCP -sTCP:LISTEN -a -p PIDS -Fpn` into the ports each pid
 * listens on, ascending and without repeats (a server bound to both IPv4 and IPv6 shows a port
 * twice). Every line starts with a field letter: `p` opens a process, `n` names one of its
 * sockets (`*:3000`, `127.0.0.1:8080`, `[::1]:5173`); other fields (`f`, which some lsof
 * versions always add) and connected sockets (`a->b`) are skipped. Pids without a listening
 * socket are absent from the map.
 */
export function parseLsofListeners(text: string): Map<number, number[]> {
  const ports = new Map<number, Set<number>>();
  let pid: number | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    const field = line[0];
    const value = line.slice(1);
    if (field === "p") {
      pid = /^\d+$/.test(value) ? Number(value) : null;
    } else if (field === "n" && pid !== null && !value.includes("->")) {
      const port = /:(\d+)$/.exec(value);
      if (!port) continue;
      const number = Number(port[1]);
      if (number < 1 || number > 65_535) continue;
      let set = ports.get(pid);
      if (!set) ports.set(pid, set = new Set());
      set.add(number);
    }
  }
  return new Map([...ports].map(([p, set]) => [p, [...set].sort((a, b) => a - b)]));
}
