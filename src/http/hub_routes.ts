/**
 * The hub's verbs over HTTP: `POST /api/hub/<verb>` with the verb's arguments as a JSON object,
 * answered with what the server's hub returned, as JSON. Each route maps one verb straight onto
 * the hub, so a client (src/client/hub_client.ts) implements the same interface and a failure
 * keeps its code. `follow` and `events` stream (see json_api.ts); `shutdown` is `POST /api/shutdown`.
 * A verb that waits (start, restart, output) answers once its wait is over.
 */
import { z } from "zod";
import type { Hub, StartRequest } from "../core/mod.ts";
import * as wire from "../core/wire/mod.ts";
import type { ClientInfo } from "../mcp/client_info.ts";

/** One verb: the shape of its arguments, and the call on the hub. */
interface HubRoute<Shape extends z.ZodRawShape> {
  input: Shape;
  call(hub: Hub, args: z.infer<z.ZodObject<Shape>>, caller: ClientInfo | null): Promise<unknown>;
}

function route<Shape extends z.ZodRawShape>(
  verb: HubRoute<Shape>,
): HubRoute<z.ZodRawShape> {
  return verb as unknown as HubRoute<z.ZodRawShape>;
}

const targetShape = wire.processTargetSchema.shape;
const stopShape = { ...targetShape, force: wire.stopOptionsSchema.shape.force };

/**
 * Who a start says started the process: the request's own `started_by` when it names one,
 * else the calling client (`cli`, `dashboard`, or the User-Agent's product).
 */
function withStarter(request: StartRequest, caller: ClientInfo | null): StartRequest {
  if (request.started_by !== undefined) return request;
  return { ...request, started_by: callerName(caller) };
}

/** The calling client as `name/version` (or its name alone), or null when unknown. */
function callerName(caller: ClientInfo | null): string | null {
  return caller && (caller.version ? `${caller.name}/${caller.version}` : caller.name);
}

/** The verbs, by the name in their path. */
export const HUB_ROUTES: ReadonlyMap<string, HubRoute<z.ZodRawShape>> = new Map(Object.entries({
  start: route({
    input: wire.startRequestSchema.shape,
    call: (hub, request, caller) => hub.start(withStarter(request, caller)),
  }),
  stop: route({
    input: stopShape,
    call: (hub, { force, ...target }) => hub.stop(target, { force }),
  }),
  restart: route({
    input: { ...targetShape, ...wire.restartOptionsSchema.shape },
    call: (hub, { pid, command_or_label, working_directory, by, ...options }, caller) =>
      hub.restart({ pid, command_or_label, working_directory }, {
        ...options,
        by: by === undefined ? callerName(caller) : by,
      }),
  }),
  list: route({ input: wire.processFilterSchema.shape, call: (hub, filter) => hub.list(filter) }),
  get: route({ input: targetShape, call: (hub, target) => hub.get(target) }),
  port_conflict: route({ input: targetShape, call: (hub, target) => hub.portConflict(target) }),
  output: route({
    input: wire.outputWaitRequestSchema.shape,
    call: (hub, request) => hub.output(request),
  }),
  adopt: route({
    input: wire.adoptRequestSchema.omit({ started_by: true }).shape,
    call: (hub, request, caller) => hub.adopt({ ...request, started_by: callerName(caller) }),
  }),
  forget: route({ input: targetShape, call: (hub, target) => hub.forget(target) }),
}));

/** The arguments' schema of each verb, strict: an unknown field is refused. */
export const HUB_SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map(
  [...HUB_ROUTES].map(([name, verb]) => [name, z.object(verb.input).strict()]),
);
