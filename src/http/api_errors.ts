/**
 * The JSON API's error answers: `{ error: { code, message, pid? } }` with the status that fits
 * the code (see reportError), so a client can tell a refusal from a failure by its code.
 */
import { reportError } from "../mcp/tool_errors.ts";

/** The answer to a request that failed with `error`. */
export function errorResponse(error: unknown): Response {
  const { status, ...body } = reportError(error);
  return Response.json({ error: body }, { status });
}
