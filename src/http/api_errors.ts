/**
 * The JSON API's error answers: `{ error: { code, message, pid? } }` with the status that fits
 * the code (see reportError), so a client can tell a refusal from a failure by its code.
 */
import type { ErrorBody } from "../core/mod.ts";
import { reportError } from "../mcp/tool_errors.ts";

/**
 * The answer to a request that failed with `error`; a bug (an error that is not a domain
 * error) is logged under `where`, the route, and answered 500 with a generic message.
 */
export function errorResponse(error: unknown, where = "A JSON API request"): Response {
  const { status, ...body } = reportError(error, where);
  return Response.json({ error: body } satisfies ErrorBody, { status });
}
