/**
 * The wire shapes as zod schemas, the one source of each: the core's types are inferred from
 * them, the doors derive their schemas from them (the MCP tools' compact outputs and inputs,
 * the JSON API's arguments), and the client's types are the same inferred types. Doors import
 * them only from here (tasks/check_layers.ts). Importing it loads zod, so modules that only
 * need a type import it with `import type`.
 */
export {
  listedProcessSchema,
  listResultSchema,
  portHolderSchema,
  portsSchema,
  processInfoSchema,
  stopReportSchema,
} from "./process.ts";
export {
  adoptRequestSchema,
  outputWaitRequestSchema,
  pidSchema,
  processFilterSchema,
  processTargetSchema,
  restartOptionsSchema,
  startRequestSchema,
  stopOptionsSchema,
} from "./requests.ts";
export {
  adoptionPlanSchema,
  adoptResultSchema,
  startResultSchema,
  stopResultSchema,
  waitedOutputPageSchema,
} from "./results.ts";
export { hubEventSchema } from "./events.ts";
