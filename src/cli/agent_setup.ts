/**
 * How to point each coding agent at the server's MCP endpoint: the text `serve` prints on
 * start and `persistproc setup [agent]` prints on demand.
 */

/** One agent: its name on the command line, its display name, and its instructions. */
interface Agent {
  title: string;
  /** Where the snippet goes, or null when it is a command to run. */
  file: string | null;
  snippet: (url: string) => string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

const AGENTS: Record<string, Agent> = {
  claude: {
    title: "Claude Code",
    file: null,
    snippet: (url) => `claude mcp add --transport http persistproc ${url}`,
  },
  cursor: {
    title: "Cursor",
    file: "~/.cursor/mcp.json",
    snippet: (url) => json({ mcpServers: { persistproc: { url } } }),
  },
  vscode: {
    title: "VS Code",
    file: ".vscode/mcp.json",
    snippet: (url) => json({ servers: { persistproc: { type: "http", url } } }),
  },
  gemini: {
    title: "Gemini CLI",
    file: "~/.gemini/settings.json",
    snippet: (url) => json({ mcpServers: { persistproc: { httpUrl: url } } }),
  },
  codex: {
    title: "Codex",
    file: "~/.codex/config.toml",
    snippet: (url) => `[mcp_servers.persistproc]\nurl = "${url}"`,
  },
};

/** The agents `setup` knows, by the name it takes on the command line. */
export const AGENT_NAMES: readonly string[] = Object.keys(AGENTS);

/** The MCP endpoint of a server on `port`. */
export function mcpUrl(port: number): string {
  return `http://127.0.0.1:${port}/mcp/`;
}

/**
 * The set-up instructions for one agent, or for all of them when `agent` is undefined.
 * Throws a RangeError naming the known agents when `agent` is not one of them.
 */
export function agentSetupText(url: string, agent?: string): string {
  if (agent !== undefined && !(agent in AGENTS)) {
    throw new RangeError(`Unknown agent "${agent}"; known agents: ${AGENT_NAMES.join(", ")}`);
  }
  const names = agent === undefined ? AGENT_NAMES : [agent];
  const sections = names.map((name) => {
    const { title, file, snippet } = AGENTS[name];
    const where = file === null ? "run:" : `add to ${file}:`;
    const body = snippet(url).split("\n").map((line) => `  ${line}`).join("\n");
    return `${title} (${name}) - ${where}\n${body}`;
  });
  const intro = agent === undefined ? `Connect an agent to ${url}\n\n` : "";
  return intro + sections.join("\n\n");
}
