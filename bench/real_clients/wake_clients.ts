/**
 * How wake.ts sets up each client: its MCP config pointing at the server, the settings its waker
 * needs, and the command line, non-interactive or interactive; and which of its tools the stand-in
 * model arms, with what.
 */
import type { TestHub } from "../../tests/_hub.ts";
import { claudeBin, codexConfig, writeConfig } from "./run.ts";
import { LABEL, type Waker } from "./wake_stand_in.ts";

/** The prompt each client is given; the stand-in ignores it and plays its script. */
export const PROMPT =
  "Start the dev server in this folder with persistproc as api, and tell me if it crashes.";

/** A client in the wake scenario. */
export interface WakeClient {
  version(dir: string): string[];
  waker: Waker;
  setup(o: {
    dir: string;
    home: string;
    folder: string;
    hub: TestHub;
    interactive: boolean;
    model: string;
  }): { argv: string[]; env: Record<string, string> };
}

/** The README's commands, as a model copies them from the server's instructions. */
const follow = (cli: string) =>
  `${cli} events --follow --label ${LABEL} --kind crashed,autorestart_gave_up`;
const wait = (cli: string) => `${cli} wait ${LABEL}`;

/** Claude Code's Monitor on the README's command, for `timeoutMs`. */
function monitor(timeoutMs: number): Waker {
  return {
    tool: "Monitor",
    args: (cli) => ({
      description: `crashes of the ${LABEL} dev server`,
      timeout_ms: timeoutMs,
      command: follow(cli),
    }),
  };
}

/** persistproc's own wait over MCP, with no time limit. */
const mcpWait: Waker = {
  tool: "output",
  args: () => ({ command_or_label: LABEL, wait_for_exit: true, wait_timeout: 0 }),
};

/** A key Claude Code takes without asking (its last 20 characters are pre-approved). */
const CLAUDE_KEY = "sk-ant-stand-in-0123456789abcdefghij";

function claude(waker: Waker): WakeClient {
  return {
    version: (dir) => claudeBin(dir).concat("--version"),
    waker,
    setup({ dir, home, folder, hub, interactive, model }) {
      const config = `${home}/mcp.json`;
      writeConfig(
        config,
        JSON.stringify({
          mcpServers: {
            persistproc: { type: "http", url: `${hub.base}/mcp/`, headers: hub.auth },
          },
        }),
      );
      // What an interactive first run would ask: theme, folder trust, the API key.
      writeConfig(
        `${home}/.claude.json`,
        JSON.stringify({
          hasCompletedOnboarding: true,
          theme: "dark",
          customApiKeyResponses: { approved: [CLAUDE_KEY.slice(-20)], rejected: [] },
          projects: { [folder]: { hasTrustDialogAccepted: true, allowedTools: [] } },
        }),
      );
      return {
        argv: [
          ...claudeBin(dir),
          ...(interactive ? [] : ["-p", PROMPT]),
          "--mcp-config",
          config,
          "--strict-mcp-config",
          "--allowedTools",
          "mcp__persistproc",
          "Monitor",
          "Bash",
          "--model",
          "claude-sonnet-4-5",
        ],
        env: {
          ANTHROPIC_BASE_URL: model,
          ANTHROPIC_API_KEY: CLAUDE_KEY,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          DISABLE_AUTOUPDATER: "1",
          ENABLE_TOOL_SEARCH: "false",
        },
      };
    },
  };
}

/** The clients and wakers the scenario can run, by name (`--only`). */
export const wakeClients: Record<string, WakeClient> = {
  "claude-monitor": claude(monitor(1_800_000)),
  // A monitor that expires (5 s) before the crash (10 s): what Claude Code tells the model then.
  "claude-monitor-expiry": claude(monitor(5_000)),
  // persistproc's own wait over MCP, with no time limit (run with --crash-after 150000): Claude
  // Code moves a call that runs over 2 minutes to the background.
  "claude-mcp-wait": claude(mcpWait),
  "claude-bash": claude({
    tool: "Bash",
    args: (cli) => ({
      command: wait(cli),
      description: `Wait for the ${LABEL} dev server to exit`,
      run_in_background: true,
    }),
  }),
  gemini: gemini((cli) => wait(cli)),
  // A control without persistproc: a background command that prints a line and fails at about the
  // time of the crash.
  // The MCP wait with no time limit in Gemini CLI and Codex (--crash-after 150000, as above).
  "gemini-mcp-wait": gemini(() => "", true, mcpWait),
  "codex-mcp-wait": { ...codex(), waker: mcpWait },
  "gemini-control": gemini(() => `sleep 10; echo "control line"; exit 3`),
  // Only one of the README's two settings: inject, without model steering.
  "gemini-inject-only": gemini((cli) => wait(cli), false),
  codex: codex(),
};

/** Gemini CLI with the README's two settings (or without model steering), running `command` in
 * the background. */
function gemini(
  command: (cli: string) => string,
  steering = true,
  waker?: Waker,
): WakeClient {
  return {
    version: (dir) => [`${dir}/node_modules/.bin/gemini`, "--version"],
    waker: waker ?? {
      tool: "run_shell_command",
      args: (cli) => ({
        command: command(cli),
        description: `Wait for the ${LABEL} dev server to exit`,
        is_background: true,
      }),
    },
    setup({ dir, home, hub, interactive, model }) {
      writeConfig(
        `${home}/.gemini/settings.json`,
        JSON.stringify({
          mcpServers: {
            persistproc: { httpUrl: `${hub.base}/mcp/`, headers: hub.auth, trust: true },
          },
          // The README's two settings.
          tools: { shell: { backgroundCompletionBehavior: "inject" } },
          experimental: { modelSteering: steering },
          security: { auth: { selectedType: "gemini-api-key" } },
          privacy: { usageStatisticsEnabled: false },
        }),
      );
      return {
        argv: [
          `${dir}/node_modules/.bin/gemini`,
          ...(interactive ? [] : ["-p", PROMPT]),
          "--yolo",
          "--skip-trust",
        ],
        env: { GEMINI_API_KEY: "stand-in", GOOGLE_GEMINI_BASE_URL: model },
      };
    },
  };
}

/** Codex, running `wait` with exec_command (it yields after 1 s: a background terminal). */
function codex(): WakeClient {
  return {
    version: (dir) => [`${dir}/node_modules/.bin/codex`, "--version"],
    waker: {
      tool: "exec_command",
      args: (cli) => ({ cmd: wait(cli), yield_time_ms: 1000 }),
    },
    setup({ dir, home, folder, hub, interactive, model }) {
      // Trusted, so that the interactive Codex does not ask.
      const trusted = [`[projects."${folder}"]`, `trust_level = "trusted"`];
      writeConfig(`${home}/.codex/config.toml`, codexConfig(hub, model, trusted));
      const codex = `${dir}/node_modules/.bin/codex`;
      return {
        argv: interactive ? [codex] : [codex, "exec", "--skip-git-repo-check", PROMPT],
        env: { CODEX_HOME: `${home}/.codex`, STAND_IN_KEY: "stand-in" },
      };
    },
  };
}
