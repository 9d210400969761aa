/**
 * How the CLI says what a start, stop or restart did: one sentence naming the process, its
 * PID and ports, for `start`, `stop`, `restart` and `run`.
 */

import type { WaitedCtrlResult } from "../client/api.ts";
import type { StartResult } from "../core/mod.ts";
import { describeEnding } from "./exit_status.ts";
import { displayName } from "./process_name.ts";

/**
 * What a start, stop or restart did, in a sentence (a start adds its log folder): `started
 * 'web' (PID 12345), assigned port 23885`, `stopped 'web' (PID 12345): killed by SIGTERM`.
 */
export function describeCtrl(result: WaitedCtrlResult & { was_running?: boolean }): string {
  const name = `${displayName(result)} (PID ${result.pid})`;
  switch (result.action) {
    case "start":
      return `${describeStart(result)}\nlog: ${result.log_dir}`;
    case "stop":
      if (result.autorestart_cancelled) {
        return `${name} had ended (${
          describeEnding(result)
        }) and was waiting to be restarted; autorestart is cancelled${released(result)}`;
      }
      if (result.was_running === false) {
        // What the program left running held ports: the stop ended it and freed them.
        const leftovers = released(result);
        return leftovers
          ? `${name} had ended (${
            describeEnding(result)
          }); stopped what it left running${leftovers}`
          : `${name} was not running (${result.status}: ${describeEnding(result)})`;
      }
      return `stopped ${name}: ${describeEnding(result)}${released(result)}`;
    case "restart":
      return `restarted ${name}${listening(result)}${released(result)}${notReady(result)}`;
  }
}

/**
 * What a start did, as `start` and `run` say it: `started 'web' (PID 12345)` (or `already
 * running:`), its ports, and on a line of its own how an assigned port reaches the program.
 */
export function describeStart(result: StartResult): string {
  const name = `${displayName(result)} (PID ${result.pid})`;
  return `${result.already_running ? "already running:" : "started"} ${name}${listening(result)}${
    released(result)
  }${notReady(result)}${result.port_note ? `\n${result.port_note}` : ""}`;
}

/** After a wait that failed, so the last line does not read as a success. */
function notReady(result: StartResult): string {
  if (result.ready !== false) return "";
  return result.status === "running" ? "; it is not ready" : "; it exited before it was ready";
}

/**
 * What a stop (or a restart's stop of the old run) found of the ports the tree had held:
 * `; freed port 3000`, or who still holds one. (A port a restart's new run listens on again
 * is not free: the server leaves it out of freed_ports, and listening() says it.)
 */
function released(result: StartResult): string {
  const freed = result.freed_ports ?? [];
  const held = (result.held_ports ?? []).map((h) =>
    `port ${h.port} still held by ${h.command ?? "a process"}${
      h.pid === null ? "" : ` (PID ${h.pid})`
    }`
  );
  return [
    ...(freed.length ? [`freed port${freed.length > 1 ? "s" : ""} ${freed.join(", ")}`] : []),
    ...held,
  ].map((part) => `; ${part}`).join("");
}

/** The ports it listens on: `, listening on 3000`. */
function listening(result: StartResult): string {
  const assigned = result.assigned_port ? `, assigned port ${result.assigned_port}` : "";
  const ports = result.ports ?? [];
  // A launcher that exited with 0 leaving a daemon: what listens is what it left running.
  if (ports.length && result.status !== "running") {
    return `${assigned}; it ${describeEnding(result)}${leavingListeners(result.pid, ports)}`;
  }
  return `${assigned}${ports.length ? `, listening on ${ports.join(", ")}` : ""}`;
}

/**
 * What a program that ended left running, when that listens (a launcher that daemonized):
 * `, leaving processes that listen on 5432 (they run on; stop them with: persistproc stop 41)`.
 */
export function leavingListeners(pid: number, ports: readonly number[]): string {
  return `, leaving processes that listen on ${
    ports.join(", ")
  } (they run on; stop them with: persistproc stop ${pid})`;
}
