/** What the doors use of core/output/; they import it only from here (tasks/check_layers.ts). */
export type { OutputWaitRequest, WaitedOutputPage } from "./output_wait.ts";
export type { OutputPage, OutputRequest } from "./query.ts";
export { DEFAULT_LOG_MAX_BYTES } from "./output_store.ts";
