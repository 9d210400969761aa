/** What the doors use of core/ready/; they import it only from here (tasks/check_layers.ts). */
export type { ReadyOutcome } from "./ready_wait.ts";
