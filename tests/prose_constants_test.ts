/**
 * A number that the words name (the stop grace, the wait limits, output's defaults, how many
 * ended processes and events are kept, the autorestart backoff) comes from the constant the
 * code uses, interpolated: each phrase below is what the words say with today's values. The
 * test renders the MCP tools (descriptions and schemas) and every command's --help, finds each
 * phrase there, and finds none typed into the source, where a changed constant would leave it
 * stale.
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { z } from "zod";
import {
  BACKOFF_FIRST_MS,
  BACKOFF_MAX_MS,
  DEFAULT_LINES,
  DEFAULT_MAX_BYTES,
  DEFAULT_WAIT_SECONDS,
  MAX_AUTORESTARTS,
  MAX_ENDED,
  MAX_WAIT_SECONDS,
  NO_WAIT_LIMIT,
  STOP_GRACE_SECONDS,
} from "../src/core/mod.ts";
import { KEPT_EVENTS } from "../src/core/events/mod.ts";
import { DEFAULT_LOG_MAX_BYTES } from "../src/core/output/mod.ts";
import { LIST_SCAN_MS } from "../src/core/ports/mod.ts";
import { allCommands } from "../src/cli/command_table.ts";
import { commandHelp, globalHelp } from "../src/cli/help.ts";
import { DEFAULT_PORT } from "../src/cli/settings.ts";
import { TOOLS } from "../src/mcp/tools.ts";
import { sources, SRC } from "../tasks/check_layers.ts";

/** What the MCP tools say, as tools/list renders it: descriptions and schemas. */
function toolWords(): string {
  return TOOLS.map((tool) =>
    JSON.stringify([
      tool.description,
      z.toJSONSchema(z.object(tool.inputSchema)),
      z.toJSONSchema(z.object(tool.outputSchema)),
    ])
  ).join("\n");
}

/** What `persistproc --help` and each command's help say. */
async function helpWords(): Promise<string> {
  const commands = await allCommands();
  return [globalHelp(commands), ...commands.map(commandHelp)].join("\n");
}

/** Each phrase, where it is said: in the tools' words or in the help. */
const PHRASES: [string, "tools" | "help"][] = [
  [`SIGKILL after ${STOP_GRACE_SECONDS} s`, "tools"],
  [`within ${STOP_GRACE_SECONDS} s`, "tools"],
  [`lingers (${STOP_GRACE_SECONDS} s)`, "help"],
  [`default ${DEFAULT_WAIT_SECONDS}, max ${MAX_WAIT_SECONDS})`, "tools"],
  [`max ${MAX_WAIT_SECONDS}, ${NO_WAIT_LIMIT}: no limit`, "tools"],
  [`default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}`, "help"],
  [`Newest N lines (default ${DEFAULT_LINES})`, "tools"],
  [`Byte budget (default ${DEFAULT_MAX_BYTES})`, "tools"],
  [`the last ${MAX_ENDED})`, "tools"],
  [`gives up after ${MAX_AUTORESTARTS} quick failures`, "tools"],
  [`gives up after ${MAX_AUTORESTARTS} such failures`, "help"],
  [`doubling to ${BACKOFF_MAX_MS / 1000} s`, "help"],
  [`from ${BACKOFF_FIRST_MS / 1000} s to ${BACKOFF_MAX_MS / 1000} s`, "help"],
  [`keeps the last ${KEPT_EVENTS.toLocaleString("en-US")} events`, "help"],
  [`default ${DEFAULT_LOG_MAX_BYTES} =`, "help"],
  [`default ${DEFAULT_PORT})`, "help"],
  [`at most ${LIST_SCAN_MS / 1000} s old`, "tools"],
];

Deno.test("the words name each limit and default with the constant's value", async () => {
  const said = { tools: toolWords(), help: await helpWords() };
  const missing = PHRASES.filter(([phrase, where]) => !said[where].includes(phrase));
  assert.deepEqual(missing, []);
});

Deno.test("no limit or default is typed into the source's words", () => {
  const typed: string[] = [];
  for (const file of sources(SRC)) {
    if (file.endsWith("_test.ts")) continue;
    const text = Deno.readTextFileSync(file);
    for (const [phrase] of PHRASES) {
      if (text.includes(phrase)) typed.push(`${relative(SRC, file)}: "${phrase}"`);
    }
  }
  assert.deepEqual(typed, []);
});
