/**
 * How to point each coding agent at the server's MCP endpoint: the text `serve` prints on
 * start and `persistproc setup [agent]` prints on demand, with the server's token filled in
 * so that it is one copy-paste. The forms follow each agent's documentation: Claude Code's
 * `--header` takes several values, so it comes after the name and URL.
 */

/** One agent: its display name, where its snippet goes, and the snippet. */
interface Agent {
  title: string;
  /** Where the snippet goes, or null when it is a command to run. */
  file: string | null;
  /** The snippet; `token` is null when the server needs none. */
  snippet: (url: string, token: string | null) => string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The `headers` object of the JSON-configured agents, empty when no token is needed. */
const headers = (token: string | null) =>
  token === null ? {} : { headers: { Authorization: `Bearer ${token}` } };

const AGENTS: Record<string, Agent> = {
  claude: {
    title: "Claude Code",
    file: null,
    snippet: (url, token) =>
      `claude mcp add --transport http --scope user persistproc ${url}` +
      (token === null ? "" : ` --header "Authorization: Bearer ${token}"`),
  },
  cursor: {
    title: "Cursor",
    file: "~/.cursor/mcp.json",
    snippet: (url, token) => json({ mcpServers: { persistproc: { url, ...headers(token) } } }),
  },
  vscode: {
    title: "VS Code",
    file: ".vscode/mcp.json",
    snippet: (url, token) =>
      json({ servers: { persistproc: { type: "http", url, ...headers(token) } } }),
  },
  gemini: {
    title: "Gemini CLI",
    file: "~/.gemini/settings.json",
    snippet: (url, token) =>
      json({ mcpServers: { persistproc: { httpUrl: url, ...headers(token) } } }),
  },
  codex: {
    title: "Codex",
    file: "~/.codex/config.toml",
    snippet: (url, token) =>
      `[mcp_servers.persistproc]\nurl = "${url}"` +
      (token === null ? "" : `\nhttp_headers = { "Authorization" = "Bearer ${token}" }`),
  },
};

/** The agents `setup` knows, by the name it takes on the command line. */
export const AGENT_NAMES: readonly string[] = Object.keys(AGENTS);

/** The MCP endpoint of a server on `port`. */
export function mcpUrl(port: number): string {
  return `http://127.0.0.1:${port}/mcp/`;
}

/**
 * The set-up instructions for one agent, or for all of them when `agent` is undefined, with
 * `token` in each agent's header setting (none when `token` is null). Throws a RangeError
 * naming the known agents when `agent` is not one of them.
 */
export function agentSetupText(url: string, token: string | null, agent?: string): string {
  if (agent !== undefined && !(agent in AGENTS)) {
    throw new RangeError(`Unknown agent "${agent}"; known agents: ${AGENT_NAMES.join(", ")}`);
  }
  const names = agent === undefined ? AGENT_NAMES : [agent];
  const sections = names.map((name) => {
    const { title, file, snippet } = AGENTS[name];
    const where = file === null ? "run:" : `add to ${file}:`;
    const body = snippet(url, token).split("\n").map((line) => `  ${line}`).join("\n");
    return `${title} (${name}) - ${where}\n${body}`;
  });
  const intro = agent === undefined ? `Connect an agent to ${url}\n\n` : "";
  const secret = token === null
    ? ""
    : "\n\nThese hold the server's token: keep them out of shared repositories.";
  return intro + sections.join("\n\n") + secret;
}
