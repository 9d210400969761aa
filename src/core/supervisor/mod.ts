/** What the doors use of core/supervisor/; they import it only from here (tasks/check_layers.ts). */
export { Supervisor } from "./supervisor.ts";
