/**
 * Assigned ports: a TCP port chosen for a process and passed to it in an environment variable
 * (`PORT`), so that two checkouts of one project running the same dev server do not fight
 * over one port. The choice is deterministic, a hash of the label and the working directory
 * into a fixed range, so the same process in the same directory gets the same port again and
 * a bookmark to it keeps working; a port that is taken is passed over for the next one.
 */
import { InvalidArgumentError, PersistprocError } from "../errors.ts";
import { findPortHolders } from "./listeners.ts";
import type { ProcessInfo } from "../types.ts";

/** The first port assigned. */
export const ASSIGNED_PORT_FIRST = 20_000;
/** How many ports the range holds: 20000 to 29999. */
export const ASSIGNED_PORT_COUNT = 10_000;
/** How many ports are tried, from the preferred one on, before giving up. */
const TRIES = 200;

/** A port passed to a process, and the variable it is passed in. */
interface PortAssignment {
  variable: string;
  port: number;
}

/** The port a label in a directory prefers: FNV-1a of both, into the range. */
export function preferredPort(label: string, directory: string): number {
  let hash = 0x811c9dc5;
  const text = `${label}\n${directory}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return ASSIGNED_PORT_FIRST + hash % ASSIGNED_PORT_COUNT;
}

/** What choosing a port needs to know. */
interface AssignOptions {
  /** The port this label had before: taken again while it is free. */
  previous?: number | null;
  /** Ports assigned to other managed processes, which may not listen yet. */
  reserved: ReadonlySet<number>;
  /** Whether nothing listens on the port (default: asks the OS). */
  isFree?: (port: number) => Promise<boolean>;
}

/**
 * Chooses the port for `label` in `directory`: the previous one if it is still free, else the
 * preferred one or the first free one after it (wrapping within the range). Throws when none
 * of the ports tried is free.
 */
export async function assignPort(
  label: string,
  directory: string,
  options: AssignOptions,
): Promise<number> {
  const isFree = options.isFree ?? portIsFree;
  const usable = async (port: number) => !options.reserved.has(port) && await isFree(port);
  if (options.previous && await usable(options.previous)) return options.previous;
  const first = preferredPort(label, directory) - ASSIGNED_PORT_FIRST;
  for (let i = 0; i < TRIES; i++) {
    const port = ASSIGNED_PORT_FIRST + (first + i) % ASSIGNED_PORT_COUNT;
    if (await usable(port)) return port;
  }
  throw new PersistprocError(
    "port_in_use",
    `Cannot assign a port to "${label}": ${TRIES} ports from ${
      ASSIGNED_PORT_FIRST + first
    } on are all taken`,
  );
}

/**
 * The start request (or spec) with a port assigned in `variable` (see assignPort): set in its
 * environment and recorded as its `assigned_port`. `where` is the label and real directory
 * the start will have; `processes` are the managed ones, whose ports are left alone.
 */
export async function withAssignedPort<T extends { environment?: Record<string, string> }>(
  request: T,
  variable: string,
  where: { label: string; working_directory: string },
  processes: readonly ProcessInfo[],
): Promise<T & { assigned_port: PortAssignment }> {
  checkPortVariable(variable);
  const others = processes.filter((p) => p.label !== where.label && p.assigned_port !== null);
  const port = await assignPort(where.label, where.working_directory, {
    previous: processes.find((p) => p.label === where.label)?.assigned_port,
    reserved: new Set(others.map((p) => p.assigned_port!)),
  });
  return {
    ...request,
    environment: { ...request.environment, [variable]: String(port) },
    assigned_port: { variable, port },
  };
}

/** Whether a variable name can carry an assigned port (letters, digits, `_`). */
export function checkPortVariable(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name)) {
    throw new InvalidArgumentError(
      `Invalid assign_port "${name}": expected an environment variable name such as PORT`,
    );
  }
  return name;
}

/** Whether nothing listens on the port: the OS names no holder and it can be bound. */
async function portIsFree(port: number): Promise<boolean> {
  const holders = await findPortHolders(port);
  if (holders !== null && holders.length > 0) return false;
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}
