/**
 * One event as one terminal line, the form `persistproc events` prints, an agent's monitor
 * reads and the Claude Code channel sends: `persistproc: "api" (pid 12346) crashed: exit 1 at 14:12:31; last stderr: Error: ...`.
 * What came from the program (its label, its output) is escaped, so a line stays one line.
 */
import type { HubEvent } from "./event.ts";

/**
 * The event in one line; see the module comment. One that stands for a flood says how many
 * and over how long: `crashed 4 times in 9 s, the last: exit 1 at 14:12:40`, or
 * `restarted by autorestart at 14:12:40 (the last of 4 in 9 s)`.
 */
export function eventLine(event: HubEvent): string {
  const subject = `persistproc: ${nameOf(event)} (pid ${event.pid})`;
  if (!event.merged) return `${subject} ${happened(event)}`;
  const span = within(event.merged_since, event.time);
  if (event.kind === "exited" && event.crashed) {
    const last = happened(event).replace(/^crashed: /, "");
    return `${subject} crashed ${event.merged} times${span}, the last: ${last}`;
  }
  return `${subject} ${happened(event)} (the last of ${event.merged}${span || " like it"})`;
}

/** How long from `since` to `until`: ` in 9 s`, ` within a second`; "" when not known. */
function within(since: string | undefined, until: string): string {
  const seconds = Math.round((Date.parse(until) - Date.parse(since ?? "")) / 1000);
  if (Number.isNaN(seconds)) return "";
  return seconds < 1 ? " within a second" : ` in ${seconds} s`;
}

/** The process's name: its label, quoted, or its command when the label is the default one. */
function nameOf(event: HubEvent): string {
  const suffix = ` in ${event.working_directory}`;
  const name = event.label.endsWith(suffix) && event.label.length > suffix.length
    ? event.label.slice(0, -suffix.length)
    : event.label;
  return JSON.stringify(name);
}

/** What happened, with when. */
function happened(event: HubEvent): string {
  const at = `at ${clock(event.time)}`;
  switch (event.kind) {
    case "started":
      return event.started_by ? `started by ${printable(event.started_by)} ${at}` : `started ${at}`;
    case "restarted":
      return event.by ? `restarted by ${printable(event.by)} ${at}` : `restarted ${at}`;
    case "ready":
      return `ready (${printable((event.met ?? []).join(", "))}) ${at}`;
    case "exited":
      return exited(event, at);
    case "port_opened":
      return `opened port ${event.port} ${at}`;
    case "port_closed":
      return `closed port ${event.port} ${at}`;
    case "autorestart_backoff":
      return `will be restarted by autorestart at ${clock(event.restart_at ?? event.time)}` +
        ` (attempt ${event.attempt})`;
    case "autorestart_gave_up":
      return `crashed ${event.attempt} times in a row: autorestart gave up ${at}`;
    case "log_match":
      return `printed a line matching notify_on_log ${at}: ${printable(event.line ?? "")}`;
    case "log_error":
      return `output cannot be stored ${at}: ${printable(event.message ?? "")}`;
    case "log_warning":
      return `output warning ${at}: ${printable(event.message ?? "")}`;
  }
}

function exited(event: HubEvent, at: string): string {
  const how = event.exit_signal
    ? event.exit_signal
    : event.exit_code === null || event.exit_code === undefined
    ? "exit code unknown"
    : `exit ${event.exit_code}`;
  const word = event.crashed ? "crashed" : event.stopped ? "stopped" : "exited";
  const tail = event.stderr_tail
    ? `; last stderr: ${printable(event.stderr_tail.split("\n").join(" | "))}`
    : "";
  return `${word}: ${how} ${at}${tail}`;
}

/** Local wall-clock time, `14:12:31`. */
function clock(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((n) => String(n).padStart(2, "0")).join(":");
}

/** Text with its control characters (escape sequences, newlines) shown as `\xNN`. */
function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
