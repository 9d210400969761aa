/**
 * Times as a person at a terminal reads and types them: shown in local time, and `--since` /
 * `--before` taking local clock times (`16:19`), durations (`5m`, `2h`) and ISO-8601 (local
 * unless it carries an offset). The server and `--format json` keep UTC.
 */

import { UsageError } from "./args.ts";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a `--since`/`--before` value as the instant it means, relative to `now`: a duration
 * ago, a clock time today (yesterday when that is still ahead), or an ISO date or date-time
 * (local time unless it carries `Z` or an offset). Anything else is a UsageError naming `flag`.
 */
export function parseCliTime(flag: string, value: string, now = new Date()): Date {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) {
    return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2].toLowerCase()]);
  }
  const clock = CLOCK.exec(text);
  if (clock) {
    const [hours, minutes, seconds] = clock.slice(1, 4).map((n) => Number(n ?? 0));
    if (hours > 23 || minutes > 59 || seconds > 59) throw invalid(flag, value);
    const time = new Date(now);
    time.setHours(hours, minutes, seconds, Number((clock[4] ?? "0").padEnd(3, "0")));
    if (time.getTime() > now.getTime() + 60_000) time.setDate(time.getDate() - 1);
    return time;
  }
  const full = DATE_TIME.exec(text);
  if (full) {
    const [year, month, day, hours, minutes, seconds] = full.slice(1, 7).map((n) => Number(n ?? 0));
    const millis = Number((full[7] ?? "0").padEnd(3, "0"));
    const zone = full[8];
    let time: Date;
    if (zone === undefined) {
      time = new Date(year, month - 1, day, hours, minutes, seconds, millis);
    } else {
      const utc = Date.UTC(year, month - 1, day, hours, minutes, seconds, millis);
      time = new Date(utc - offsetMinutes(zone) * 60_000);
    }
    // new Date(2026, 1, 30) is March 2nd: a day the month does not have is a mistake.
    if (Number.isNaN(time.getTime()) || (zone === undefined && time.getMonth() !== month - 1)) {
      throw invalid(flag, value);
    }
    return time;
  }
  throw invalid(flag, value);
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

function invalid(flag: string, value: string): UsageError {
  return new UsageError(
    `Invalid ${flag} "${value}": expected a local time (16:19, 2026-11-22 16:19), a duration ` +
      `ago (90s, 5m, 2h, 1d) or ISO-8601 with an offset (2026-11-22T15:19:00Z)`,
  );
}

const two = (n: number) => String(n).padStart(2, "0");

/** The local offset of `time` as `+01:00`. */
function localOffset(time: Date): string {
  const minutes = -time.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** An instant in local time with its offset: `2026-11-22 16:19:03.120+01:00`. */
export function formatLocalTime(time: Date): string {
  const date = `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())}`;
  const clock = `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
  const millis = String(time.getMilliseconds()).padStart(3, "0");
  return `${date} ${clock}.${millis}${localOffset(time)}`;
}

const UTC_STAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z";
const LEADING_STAMP = new RegExp(`^${UTC_STAMP}(?= |$)`);
const RUN_MARKER = new RegExp(`^(--- run \\d+ \\(.*\\) )(${UTC_STAMP})( ---)$`);

/**
 * A line as the server gives it, with its UTC time shown in local time: a leading stamp
 * (`--timestamps`), or the time in a run's marker (`--- run 2 (restart) <time> ---`).
 */
export function localizeLine(line: string): string {
  return localizeMarker(line.replace(LEADING_STAMP, local));
}

/** A line of output with the time of a run's marker, if it is one, in local time. */
export function localizeMarker(line: string): string {
  if (!line.startsWith("--- run ")) return line;
  return line.replace(
    RUN_MARKER,
    (_, before: string, stamp: string, after: string) => before + local(stamp) + after,
  );
}

function local(stamp: string): string {
  const time = new Date(stamp);
  return Number.isNaN(time.getTime()) ? stamp : formatLocalTime(time);
}
