/**
 * The text form of `list`: an aligned table of PID, STATUS, EXIT, STARTED, PORTS, BY (who
 * started it) and LABEL, with
 * the label last so that long ones do not push the other columns about.
 */

import type { ProcessInfo, ProcessStatus } from "../core/mod.ts";
import { type Colour, paint } from "./print.ts";
import { escapeControls } from "../core/process/mod.ts";

const STATUS_COLOURS: Record<ProcessStatus, Colour | null> = {
  running: "green",
  exited: null,
  stopped: "yellow",
  failed: "red",
};

/** How to render the table. */
interface TableOptions {
  /** Colour the status column. */
  colour: boolean;
  /** The present moment, to decide whether a start time needs its date. */
  now: Date;
}

/**
 * Renders processes as table lines, header first. Columns are padded by their plain width
 * and coloured afterwards, so escape codes never disturb the alignment.
 */
export function formatProcessTable(
  processes: (ProcessInfo & { ports?: number[] })[],
  options: TableOptions,
): string[] {
  // Restarts get a column only when there are any to show.
  const restarts = processes.some((p) => p.restarts > 0 || p.restart_at);
  const header = ["PID", "STATUS", "EXIT", ...(restarts ? ["RESTARTS"] : []), "STARTED"];
  header.push("PORTS", "BY", "LABEL");
  const rows = processes.map((p) => [
    String(p.pid),
    p.restart_at ? "backoff" : p.status,
    exitColumn(p),
    ...(restarts ? [restartsColumn(p, options.now)] : []),
    formatStarted(new Date(p.start_time), options.now),
    p.ports?.length ? p.ports.join(",") : "-",
    escapeControls(p.started_by ?? "-"),
    escapeControls(p.label),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length))
  );
  const line = (cells: string[], status?: ProcessStatus) =>
    cells.map((cell, column) => {
      const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]);
      const colour = column === 1 && status ? STATUS_COLOURS[status] : null;
      // (A process backing off is coloured as the failure it is recovering from.)
      return colour ? paint(colour, padded, options.colour) : padded;
    }).join("  ");
  return [
    line(header),
    ...rows.map((row, i) => line(row, processes[i].status)),
  ];
}

/** The RESTARTS column: how many, and while backing off when the next attempt comes. */
function restartsColumn(process: ProcessInfo, now: Date): string {
  if (!process.restart_at) return String(process.restarts);
  return `${process.restarts}, next ${formatStarted(new Date(process.restart_at), now)}`;
}

/** The EXIT column: the signal, else the code, else `-` while running. */
function exitColumn(process: ProcessInfo): string {
  if (process.exit_signal !== null) return process.exit_signal;
  return process.exit_code === null ? "-" : String(process.exit_code);
}

/**
 * A start time in local time: `14:03:27` when it was today, `2026-11-21 09:15` before.
 */
export function formatStarted(start: Date, now: Date): string {
  if (Number.isNaN(start.getTime())) return "?";
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(start.getHours())}:${two(start.getMinutes())}`;
  const sameDay = start.toDateString() === now.toDateString();
  if (sameDay) return `${time}:${two(start.getSeconds())}`;
  return `${start.getFullYear()}-${two(start.getMonth() + 1)}-${two(start.getDate())} ${time}`;
}
