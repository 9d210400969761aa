/** What the doors use of core/ports/; they import it only from here (tasks/check_layers.ts). */
export { findPortHolders, LIST_SCAN_MS } from "./listeners.ts";
