/**
 * The end of an adopted process: it is not this server's child, so no exit notice comes, and
 * its end is seen by looking whether its pid still names it.
 */
import { isSameProcess } from "../system/processes.ts";

/** How often an adopted process is checked for life. */
const ADOPTED_POLL_MS = 250;

/** Resolves once `pid` no longer names the process with start token `token`. */
export async function whenGone(pid: number, token: string): Promise<void> {
  while (isSameProcess(pid, token)) {
    await new Promise((resolve) => setTimeout(resolve, ADOPTED_POLL_MS));
  }
}
