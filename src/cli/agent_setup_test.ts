import assert from "node:assert/strict";
import { AGENT_NAMES, agentSetupText, mcpUrl } from "./agent_setup.ts";

const url = mcpUrl(9000);
const token = "t0k-en_123";

/** The snippet of one agent's section: its lines after the title, unindented. */
function snippet(agent: string, withToken: string | null): string {
  const section = agentSetupText(url, withToken, agent).split("\n\n")[0];
  return section.split("\n").slice(1).map((line) => line.slice(2)).join("\n");
}

Deno.test("setup for Claude Code is one command, user-wide, with the header after the URL", () => {
  assert.equal(
    snippet("claude", token),
    "claude mcp add --transport http --scope user persistproc http://127.0.0.1:9000/mcp/ " +
      '--header "Authorization: Bearer t0k-en_123"',
  );
  assert.equal(
    snippet("claude", null),
    "claude mcp add --transport http --scope user persistproc http://127.0.0.1:9000/mcp/",
  );
});

Deno.test("setup snippets for JSON-configured agents carry the header in `headers`", () => {
  const cursor = JSON.parse(snippet("cursor", token));
  assert.deepEqual(cursor, {
    mcpServers: { persistproc: { url, headers: { Authorization: `Bearer ${token}` } } },
  });
  const vscode = JSON.parse(snippet("vscode", token));
  assert.deepEqual(vscode, {
    servers: {
      persistproc: { type: "http", url, headers: { Authorization: `Bearer ${token}` } },
    },
  });
  const gemini = JSON.parse(snippet("gemini", token));
  assert.deepEqual(gemini, {
    mcpServers: { persistproc: { httpUrl: url, headers: { Authorization: `Bearer ${token}` } } },
  });
  assert.deepEqual(JSON.parse(snippet("cursor", null)), { mcpServers: { persistproc: { url } } });
});

Deno.test("setup for Codex sets http_headers in its TOML table", () => {
  assert.equal(
    snippet("codex", token),
    `[mcp_servers.persistproc]\nurl = "${url}"\n` +
      `http_headers = { "Authorization" = "Bearer ${token}" }`,
  );
});

Deno.test("setup text without an agent covers every agent", () => {
  const text = agentSetupText(url, token);
  for (const agent of AGENT_NAMES) assert.match(text, new RegExp(`\\(${agent}\\)`));
  assert.match(text, /keep them out of shared repositories/);
});

Deno.test("an unknown agent is refused with the list of known ones", () => {
  assert.throws(() => agentSetupText(url, null, "emacs"), /known agents: claude, cursor/);
});
