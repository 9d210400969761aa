/** What the doors use of core/events/; they import it only from here (tasks/check_layers.ts). */
export { KIND_FILTERS } from "./event.ts";
export type { EventQuery, HubEvent, KindFilter } from "./event.ts";
export { eventLine } from "./event_line.ts";
export { KEPT_EVENTS } from "./event_log.ts";
