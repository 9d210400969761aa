import { InvalidArgumentError } from "../errors.ts";
/**
 * Parses the time bounds callers give to `output`.
 */

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO-8601 date or date-time with any offset (`2026-11-22T10:00:00+01:00`, `...Z`).
 * One without an offset is taken as UTC, the zone the logs are stamped in. Anything else is a
 * InvalidArgumentError naming the field, never silently ignored.
 */
export function parseTime(field: string, value: string): Date {
  const text = value.trim();
  if (!ISO_8601.test(text)) {
    throw new InvalidArgumentError(
      `Invalid ${field} "${value}": expected ISO-8601 such as 2026-11-22T10:00:00Z or 2026-11-22T11:00:00+01:00`,
    );
  }
  let normalised = text.replace(" ", "T");
  if (!/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(normalised) || /^\d{4}-\d{2}-\d{2}$/.test(normalised)) {
    normalised += normalised.includes("T") ? "Z" : "T00:00:00Z";
  }
  normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, "$1:$2").replace(/([+-]\d{2})$/, "$1:00");
  const time = new Date(normalised);
  if (Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError(`Invalid ${field} "${value}": no such date`);
  }
  return time;
}
