/**
 * ctrl's adopt action: take over a process started outside persistproc. Nothing is stopped
 * until a person agreed: through elicitation when the client can ask its user (the MCP door
 * then asks, and calls again with the answer), else by a second call with `confirm: true`
 * after the agent asked. The plan and the work are the hub's adopt verb (src/core/adopt/).
 */
import { describePlan } from "../core/adopt/mod.ts";
import { type Hub, InvalidArgumentError } from "../core/mod.ts";
import type { ReadyOutcome } from "../core/ready/mod.ts";
import type { z } from "zod";
import type { ctrlInput } from "./input_schemas.ts";
import { startedBy, summary, type ToolContext, type ToolResult, waitOptions } from "./tool.ts";
import { compactAdoption, compactProcess, compactWait } from "./compact.ts";

type CtrlArgs = z.infer<z.ZodObject<typeof ctrlInput>>;

/** The fields adopt takes; any other is refused, naming it. */
const ADOPT_FIELDS = new Set(["action", "pid", "port", "confirm", "wait_timeout"]);

/** Runs `ctrl(action: "adopt")`; see the module comment. */
export async function adoptAction(
  hub: Hub,
  args: CtrlArgs,
  context: ToolContext,
): Promise<ToolResult> {
  const stray = Object.entries(args).find(([key, value]) =>
    value !== undefined && !ADOPT_FIELDS.has(key)
  );
  if (stray) throw new InvalidArgumentError(`${stray[0]} does not apply to adopt`);
  if (args.port !== undefined && args.pid !== undefined) {
    throw new InvalidArgumentError("adopt takes a pid or a port, not both");
  }
  if (args.port === undefined && args.pid === undefined) {
    throw new InvalidArgumentError("adopt needs the pid or the port of the process to adopt");
  }
  const asked = { pid: args.pid, port: args.port, wait_timeout: args.wait_timeout };
  // A client that can ask its user does: a confirm the agent sends is not the user's word.
  const answer = context.human ? context.human.answer : args.confirm ? "accept" : null;
  if (answer !== "accept") {
    const plan = (await hub.adopt(asked)).adoption;
    const asking = context.human !== undefined && answer === null;
    const text = answer === null
      ? `Not adopted yet: ${describePlan(plan)}\n${
        asking
          ? ""
          : `Ask the user; if they agree, call ctrl again with action "adopt", pid ${plan.pid}, confirm: true`
      }`.trimEnd()
      : `Not adopted: the user declined. ${plan.command} (PID ${plan.pid}) runs on as before`;
    return {
      structured: { action: "adopt", adopted: false, adoption: compactAdoption(plan) },
      text,
      ...(asking ? { askHuman: `${describePlan(plan)}\nAdopt it?` } : {}),
    };
  }
  // Consent goes straight to the verb, which carries out only a plan it showed in an earlier
  // call: looking again here would count as showing whatever holds the port now.
  const done = await hub.adopt(
    { ...asked, confirm: true, started_by: startedBy(context.client) },
    waitOptions(context),
  );
  if (!done.adopted) throw new Error("A confirmed adoption came back not adopted");
  const plan = done.adoption;
  const { stopped_with, adoption: _plan, adopted: _adopted, ...started } = done;
  const waited = started.wait_result
    ? started.ready
      ? `; port ${plan.wait_for_port} listens`
      : `; not ready (${started.wait_result})`
    : "";
  return {
    structured: {
      action: "adopt",
      adopted: true,
      adoption: compactAdoption(plan),
      ...compactProcess(started, { caller: startedBy(context.client) }),
      ...compactWait(started.wait_result === undefined ? null : started as ReadyOutcome),
    },
    text: `adopted: stopped PID ${plan.pid} (${stopped_with ?? "already gone"}); started ${
      summary(started)
    }${waited}${started.ports.length ? `; listening on ${started.ports.join(", ")}` : ""}`,
  };
}
