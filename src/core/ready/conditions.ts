/**
 * What a start waits for, as callers give it and as the wait uses it: a port, a log line, a
 * URL and a timeout, checked before anything is spawned.
 */
import { InvalidArgumentError } from "../errors.ts";
import { compilePattern, type LinePattern } from "../output/line_pattern.ts";
import type { ProcessInfo, ReadyConditions } from "../types.ts";
import { waitTimeoutMs } from "../wait_timeout.ts";

/** The conditions checked and compiled, as the wait uses them. */
export interface Conditions {
  port?: number;
  log?: LinePattern;
  url?: URL;
  timeoutMs: number;
}

/**
 * Checks the wait conditions before anything is spawned; null when none is given. A bad
 * value is an InvalidArgumentError naming the field.
 */
export function parseConditions(
  raw: ReadyConditions & { wait_for_port?: number },
): Conditions | null {
  const { wait_for_port: port, wait_for_log: log, wait_for_url: url } = raw;
  if (port === undefined && log === undefined && url === undefined) {
    if (raw.wait_timeout !== undefined) {
      throw new InvalidArgumentError(
        "wait_timeout needs wait_for_port, wait_for_log or wait_for_url",
      );
    }
    return null;
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
    throw new InvalidArgumentError(
      `Invalid wait_for_port ${port}: expected a whole number from 1 to 65535`,
    );
  }
  const timeoutMs = waitTimeoutMs(raw.wait_timeout);
  return {
    port,
    log: log === undefined ? undefined : compilePattern("wait_for_log", log),
    url: url === undefined ? undefined : parseUrl(url),
    timeoutMs,
  };
}

function parseUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch { /* reported below */ }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidArgumentError(
      `Invalid wait_for_url "${text}": expected an http:// or https:// URL`,
    );
  }
  if (mayConnect(url)) return url;
  // A server whose network permission names 127.0.0.1 only (the compiled binary's) still
  // understands the usual http://localhost:PORT.
  const loopback = new URL(url);
  loopback.hostname = "127.0.0.1";
  if (url.hostname === "localhost" && mayConnect(loopback)) return loopback;
  throw new InvalidArgumentError(
    `Cannot wait for "${text}": this server may not connect to ${url.host}; use a http://127.0.0.1 URL`,
  );
}

function mayConnect(url: URL): boolean {
  return Deno.permissions.querySync({ name: "net", host: url.host }).state === "granted";
}

/** The conditions with `wait_for_port: true` replaced by the process's assigned port. */
export function withPort(
  raw: ReadyConditions,
  process: ProcessInfo,
): ReadyConditions & { wait_for_port?: number } {
  if (raw.wait_for_port !== true) return { ...raw, wait_for_port: raw.wait_for_port };
  if (process.assigned_port === null) {
    throw new InvalidArgumentError(
      `wait_for_port: true waits for the assigned port, and "${process.label}" has none (start it with assign_port)`,
    );
  }
  return { ...raw, wait_for_port: process.assigned_port };
}

/** The conditions in words, as a wait reports them: `port 3000`, `log /ready/`, `url ...`. */
export function describeConditions(conditions: Conditions): string[] {
  const { port, log, url } = conditions;
  return [
    ...(port !== undefined ? [`port ${port}`] : []),
    ...(log ? [`log /${log.source}/`] : []),
    ...(url ? [`url ${url}`] : []),
  ];
}
