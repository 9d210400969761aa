/** What the doors use of core/system/; they import it only from here (tasks/check_layers.ts). */
export { closeInheritedOnExec } from "./close_on_exec.ts";
export { trimMalloc } from "./malloc_trim.ts";
