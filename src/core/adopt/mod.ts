/** What the doors use of core/adopt/; they import it only from here (tasks/check_layers.ts). */
export type { AdoptRequest, AdoptResult } from "./adopt_process.ts";
export { describePlan } from "./adoption_plan.ts";
export type { AdoptionPlan } from "./adoption_plan.ts";
