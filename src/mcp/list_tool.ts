/** The list tool: the managed processes matching a filter, with their ports. */
import { compactProcess } from "./compact.ts";
import { listInput, listOptions } from "./input_schemas.ts";
import { listOutput } from "./output_schemas.ts";
import { define, listeningWords, READ_ONLY, recordNotes, startedBy, summary } from "./tool.ts";

/** The list tool; see the module comment. */
export const list = define({
  name: "list",
  title: "List managed processes",
  description:
    "List managed processes, running and recently ended, with their TCP ports. Check here before starting a dev server: it may be running.",
  inputSchema: { ...listInput, ...listOptions },
  outputSchema: listOutput,
  annotations: READ_ONLY,
  async run(hub, { log_dir, ...filter }, context) {
    const processes = await hub.list(filter);
    const caller = startedBy(context.client);
    const records = processes.map((p) => compactProcess(p, { logDir: log_dir, caller }));
    const text = processes.length === 0
      ? `No managed processes${
        filter.status ? ` with status ${[filter.status].flat().join(" or ")}` : ""
      }`
      : processes.map((p, i) =>
        `${summary(p)}${recordNotes(records[i])}${listeningWords(records[i])}`
      ).join("\n");
    return {
      structured: { processes: records },
      text: log_dir
        ? `${text}\n${processes.map((p) => `log_dir of PID ${p.pid}: ${p.log_dir}`).join("\n")}`
        : text,
    };
  },
});
