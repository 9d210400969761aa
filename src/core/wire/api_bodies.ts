/**
 * What the JSON API answers besides the Hub's records: a failure's body and the server's
 * health. The server builds them (src/http/) and the client reads them (src/client/) as these
 * types, so both sides spell them once.
 */
import { z } from "zod";

/**
 * A failed request's body: `{ error: { code, message, pid? } }`. The code is a domain error's
 * (ERROR_STATUS) or one of the HTTP door's own (`unauthorized`, `forbidden`, `no_route`,
 * `too_many_followers`, `payload_too_large`); `pid` names the process in the way (the one already
 * running, the port's holder).
 */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), pid: z.number().optional() }),
});

/** What `GET /api/health` answers: who is listening, and where it keeps its data. */
export const healthSchema = z.object({
  name: z.string(),
  version: z.string(),
  pid: z.number(),
  port: z.number(),
  data_dir: z.string(),
});
