import assert from "node:assert/strict";
import { AGENT_NAMES, agentSetupText, mcpUrl } from "./agent_setup.ts";

const url = mcpUrl(9000);

Deno.test("setup text for Claude Code is the command to run", () => {
  assert.equal(
    agentSetupText(url, "claude"),
    "Claude Code (claude) - run:\n  claude mcp add --transport http persistproc " +
      "http://127.0.0.1:9000/mcp/",
  );
});

Deno.test("setup snippets for JSON-configured agents parse as JSON", () => {
  for (const agent of ["cursor", "vscode", "gemini"]) {
    const snippet = agentSetupText(url, agent).split("\n").slice(1).join("\n");
    assert.match(JSON.stringify(JSON.parse(snippet)), /http:\/\/127\.0\.0\.1:9000\/mcp\//);
  }
});

Deno.test("setup text without an agent covers every agent", () => {
  const text = agentSetupText(url);
  for (const agent of AGENT_NAMES) assert.match(text, new RegExp(`\\(${agent}\\)`));
  assert.match(text, /\[mcp_servers\.persistproc\]\n {2}url = "http:\/\/127\.0\.0\.1:9000\/mcp\/"/);
});

Deno.test("an unknown agent is refused with the list of known ones", () => {
  assert.throws(() => agentSetupText(url, "emacs"), /known agents: claude, cursor/);
});
