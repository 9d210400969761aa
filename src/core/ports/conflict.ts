/**
 * Port conflicts around a start: a port already held before the spawn, or a child that failed
 * with "address already in use". Either way the caller learns who holds the port, and its
 * label when that is a process persistproc manages, so it can stop or reuse it.
 */
import { PortConflictError, type PortHolderInfo } from "../errors.ts";
import { findPortHolders, type PortHolder } from "./listeners.ts";
import type { ProcessInfo, StopReport } from "../types.ts";

const ADDRESS_IN_USE = /EADDRINUSE|address already in use|port \d+ is (?:already )?in use/i;
/** A program that moved to another port on its own (Vite's "trying another one"): no conflict. */
const MOVED_ON = /trying another|another one|instead\b|next (?:free|available)/i;
const PORT_IN_MESSAGE = /(?::|\bport\s+)(\d{1,5})\b/gi;

/** Names a holder, with the label of the running managed process whose tree it belongs to. */
export function nameHolder(holder: PortHolder, processes: readonly ProcessInfo[]): PortHolderInfo {
  const owner = holder.pgid === null
    ? undefined
    : processes.find((p) => p.status === "running" && p.pid === holder.pgid);
  return {
    port: holder.port,
    pid: holder.pid,
    command: holder.command,
    label: owner?.label ?? null,
  };
}

/**
 * The holder of `port` outside the process tree `ownGroup` (the managed process being waited
 * for), or null when the port is free, held by that tree, or the OS cannot tell.
 */
export async function foreignHolder(
  port: number,
  processes: readonly ProcessInfo[],
  ownGroup?: number,
): Promise<PortHolderInfo | null> {
  const holders = await findPortHolders(port);
  const foreign = holders?.find((holder) => holder.pgid === null || holder.pgid !== ownGroup);
  return foreign ? nameHolder(foreign, processes) : null;
}

/**
 * Throws PortConflictError, naming the holder, when a process outside `ownGroup` holds `port`.
 * `directory` is where the process being started runs: a managed holder in another folder is
 * another worktree's, which the error says, advising an assigned port rather than a restart.
 */
export async function assertPortFree(
  port: number,
  processes: readonly ProcessInfo[],
  ownGroup?: number,
  directory?: string,
): Promise<void> {
  const holder = await foreignHolder(port, processes, ownGroup);
  if (!holder) return;
  const owner = holder.label === null
    ? undefined
    : processes.find((p) => p.label === holder.label && p.status === "running");
  const elsewhere = directory !== undefined && owner !== undefined &&
      owner.working_directory !== directory
    ? owner.working_directory
    : undefined;
  throw new PortConflictError(holder, { holderFolder: elsewhere });
}

/**
 * The line in which a program reports that an address is in use, and the port it names: the
 * first such line naming a port (Node's `Error: listen EADDRINUSE: address already in use
 * :::3000`, before its stack and its `code: 'EADDRINUSE'`), else any such line with the port
 * from a `port: 3000` line of the same report. Null when the output says nothing of the kind.
 */
export function addressInUse(
  lines: readonly string[],
): { line: string; port: number | null } | null {
  const reports = lines.filter((line) => ADDRESS_IN_USE.test(line) && !MOVED_ON.test(line));
  if (reports.length === 0) return null;
  const portsIn = (line: string) =>
    [...line.matchAll(PORT_IN_MESSAGE)].map((m) => Number(m[1])).filter(isPort);
  const naming = reports.find((line) => portsIn(line).length > 0);
  if (naming !== undefined) return { line: naming, port: portsIn(naming).at(-1)! };
  const field = lines.map((line) => /^\s*port:\s*(\d{1,5})\b/.exec(line)?.[1])
    .map(Number).find(isPort);
  return { line: reports[0], port: field ?? null };
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65_535;
}

/** Command-line ports looked up at most, so a long argument list costs few scans. */
const MAX_COMMAND_PORTS = 5;

/**
 * The arguments of a command line that may name a port it listens on, in order, each once: a
 * bare number (`http.server 8000`, `-p 8000`), one after `=` or `:` (`--port=8000`,
 * `0.0.0.0:8000`). Only ports from 1 to 65535 count.
 */
export function portsInCommand(commandLine: string): number[] {
  const ports = commandLine.split(/[\s'"]+/).map((arg) => /(?:^|[=:])(\d{1,5})$/.exec(arg)?.[1])
    .map(Number).filter(isPort);
  return [...new Set(ports)].slice(0, MAX_COMMAND_PORTS);
}

/**
 * When the child's output says an address is in use, the holder of the port it was after: the
 * port waited for, else the port the report names, else (a report naming no port, as Python's
 * `OSError: [Errno 98] Address already in use`) the first port its command line names that
 * another process holds. Null when the output says nothing of the kind or the port is free
 * again.
 */
export async function conflictFromOutput(
  lines: readonly string[],
  wanted: { port?: number; commandLine?: string },
  processes: readonly ProcessInfo[],
  ownGroup: number,
): Promise<PortHolderInfo | null> {
  const report = addressInUse(lines);
  if (report === null) return null;
  const port = wanted.port ?? report.port ?? undefined;
  if (port !== undefined) return await foreignHolder(port, processes, ownGroup);
  for (const candidate of portsInCommand(wanted.commandLine ?? "")) {
    const holder = await foreignHolder(candidate, processes, ownGroup);
    if (holder) return holder;
  }
  return null;
}

/** How long a stop report waits for a socket that no process owns any more to leave the table. */
const UNOWNED_SETTLE_MS = 1_000;
const UNOWNED_POLL_MS = 50;

/**
 * After a stop: which of the `ports` its tree listened on are free now, and which are still
 * held, by whom. A port the OS cannot tell about is left out of both. A listening socket that
 * no process owns is one whose process is still exiting (its files are closed before the
 * socket leaves the kernel's table), so it is looked at again for up to a second before it is
 * reported as held.
 */
export async function portsAfterStop(
  ports: readonly number[],
  processes: readonly ProcessInfo[],
  find: (port: number) => Promise<PortHolder[] | null> = findPortHolders,
): Promise<StopReport> {
  const report: StopReport = { freed_ports: [], held_ports: [] };
  for (const port of ports) {
    const holders = await settledHolders(port, find);
    if (holders === null) continue;
    if (holders.length === 0) report.freed_ports.push(port);
    else report.held_ports.push(...holders.map((holder) => nameHolder(holder, processes)));
  }
  return report;
}

async function settledHolders(
  port: number,
  find: (port: number) => Promise<PortHolder[] | null>,
): Promise<PortHolder[] | null> {
  const deadline = Date.now() + UNOWNED_SETTLE_MS;
  for (;;) {
    const holders = await find(port);
    const unowned = holders !== null && holders.length > 0 &&
      holders.every((holder) => holder.pid === null);
    if (!unowned || Date.now() >= deadline) return holders;
    await new Promise((resolve) => setTimeout(resolve, UNOWNED_POLL_MS));
  }
}
