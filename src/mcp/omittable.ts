/**
 * How the MCP tools' schemas take a field from the core's: the type and bounds are the core's,
 * the description the tool's, and null is never part of it (agents and several clients handle
 * an absent field better than a null one).
 */
import { z } from "zod";

/**
 * A field of a core schema (src/core/wire/) as a tool's schema gives it, with the tool's
 * description: optional, and never null. A tool's result leaves out what the core's record has
 * as null, empty or default (see compact.ts), and an agent leaves out what it does not mean
 * rather than sending null.
 */
export function omittable<T extends z.ZodType>(
  field: T,
  description: string,
): z.ZodOptional<Bare<T>> {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner.optional().describe(description) as z.ZodOptional<Bare<T>>;
}

/** A schema without its optional and nullable wrappers. */
type Bare<T extends z.ZodType> = T extends z.ZodOptional<infer U extends z.ZodType> ? Bare<U>
  : T extends z.ZodNullable<infer U extends z.ZodType> ? Bare<U>
  : T;
