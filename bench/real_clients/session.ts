/**
 * The scripted 7-step session the stand-in model plays in every real client, and what it records:
 * the exact text of each tool result the client hands back to its model.
 */

/** One tool call the stand-in asks for: the persistproc tool's bare name and its arguments. */
export interface Call {
  tool: "ctrl" | "list" | "output";
  args: Record<string, unknown>;
}

/** What one client handed its model for one step. */
export interface StepRecord {
  step: number;
  tool: string;
  args: Record<string, unknown>;
  /** The text the model reads: the tool result's text, as the client put it in the request. */
  text: string;
  /** The result as it travelled in the model API's request body (JSON), for reference. */
  raw: string;
}

/** The program the session starts: 30 lines on stdout and 30 on stderr, alternating; then an
 * HTTP server on `PORT`, which says "compiled" 3 s after it listens (what the wait looks for). */
export const SERVER_MJS = `import http from "node:http";
for (let i = 1; i <= 30; i++) {
  console.log("line " + i);
  console.error("warn " + i);
}
const server = http.createServer((_req, res) => res.end("ok\\n"));
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log("listening on http://127.0.0.1:" + server.address().port);
  setTimeout(() => console.log("compiled in 3 s"), 3000);
});
`;

/** The prompt each client is given; the stand-in ignores it and plays the script. */
export const PROMPT =
  "Start the dev server in this folder with persistproc, look at it, read its output, restart it, then stop it.";

/** The persistproc call for a step (0-based), given what the model read at earlier steps; null
 * when the session is over. */
export function callFor(step: number, folder: string, earlier: string[]): Call | null {
  const target = { command_or_label: "node server.mjs", working_directory: folder };
  switch (step) {
    case 0:
      return {
        tool: "ctrl",
        args: {
          action: "start",
          ...target,
          assign_port: "PORT",
          wait_for_port: true,
          wait_for_log: "compiled",
        },
      };
    case 1:
      return { tool: "list", args: {} };
    case 2:
      return { tool: "output", args: { ...target, lines: 20 } };
    case 3:
      return { tool: "output", args: { ...target, stream: "stderr", grep: "warn 2[5-9]" } };
    case 4:
      return { tool: "ctrl", args: { action: "restart", ...target, wait_for_port: true } };
    case 5: {
      // A model passes the cursor of its last read of the combined stream (step 3), so the wait
      // sees the restarted run's lines, however long the restart took.
      const cursor = /next_cursor"?[:\s]+"?([^\s",}]+)/.exec(earlier[2] ?? "")?.[1];
      return {
        tool: "output",
        args: { ...target, wait_for_log: "compiled", wait_timeout: 20, ...(cursor && { cursor }) },
      };
    }
    case 6:
      return { tool: "ctrl", args: { action: "stop", ...target } };
    default:
      return null;
  }
}

/** The name a client gave a persistproc tool in its tool list (`mcp__persistproc__ctrl`,
 * `ctrl`, ...), or the bare name when the list does not show it. */
export function toolName(names: string[], tool: Call["tool"]): string {
  return names.find((name) => name === tool) ??
    names.find((name) => name.includes("persistproc") && name.endsWith(tool)) ??
    tool;
}

/** Whether a tool name the client used is one of persistproc's. */
export function isPersistproc(name: string): boolean {
  return /(^|persistproc\w*?)(ctrl|list|output)$/.test(name);
}
