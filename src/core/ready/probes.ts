/**
 * The checks a start-and-wait repeats until they pass: does the port listen for this start,
 * does the URL answer.
 */
import { findPortHolders } from "../ports/listeners.ts";
import type { ProcessInfo } from "../types.ts";

/**
 * Whether the port listens for this start: held by the process's tree, or by a process that
 * is not another managed one (a container's proxy, a server that left the group). The port was
 * free before the spawn, so such a holder is the program's doing.
 */
export async function portListens(
  processes: readonly ProcessInfo[],
  port: number,
  pgid: number,
): Promise<boolean> {
  const holders = await findPortHolders(port);
  if (holders === null) return await connects(port);
  const others = new Set(
    processes.filter((p) => p.status === "running" && p.pid !== pgid).map((p) => p.pid),
  );
  return holders.some((holder) => holder.pgid === null || !others.has(holder.pgid));
}

/** Whether something accepts TCP connections on the loopback port (when scans see nothing). */
async function connects(port: number): Promise<boolean> {
  for (const hostname of ["127.0.0.1", "::1"]) {
    try {
      const conn = await Deno.connect({ hostname, port });
      conn.close();
      return true;
    } catch { /* not listening on this address */ }
  }
  return false;
}

/** Whether the URL answers 2xx or 3xx (redirects are not followed). */
export async function urlAnswers(
  url: URL,
  deadline: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const timeout = AbortSignal.timeout(Math.max(1, Math.min(2_000, deadline - Date.now())));
  try {
    const response = await fetch(url, {
      redirect: "manual",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}
