/**
 * Drives the real clients (Claude Code, Gemini CLI, Codex) through session.ts's 7 steps against a
 * fresh persistproc server each, with stand_in.ts as their model, and prints what each client's
 * model read per step. See README.md beside this file. Not part of the test suite.
 *
 *   deno run -A bench/real_clients/run.ts --clients <dir> [--only claude,gemini,codex]
 *     [--server <another checkout's main.ts>] [--one-server] [--out runs.json]
 *
 * `<dir>` holds the clients' node_modules (`npm i --prefix <dir> ...`, see README.md).
 */
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { SERVER_V8_FLAGS } from "../../src/cli/permissions.ts";
import { startHub, type TestHub } from "../../tests/_hub.ts";
import { PROMPT, SERVER_MJS, type StepRecord } from "./session.ts";
import { StandIn } from "./stand_in.ts";
import { type StepBytes, stepBytes, wrongFacts } from "./report.ts";

/** How a client is set up in a throwaway home and run once, non-interactively. */
interface Client {
  name: string;
  version(dir: string): string[];
  /** Writes its config under `home`; returns the command line and environment. */
  setup(o: { dir: string; home: string; hub: TestHub; model: string }): {
    argv: string[];
    env: Record<string, string>;
  };
}

const CLIENTS: Record<string, Client> = {
  claude: {
    name: "Claude Code",
    version: (dir) => claudeBin(dir).concat("--version"),
    setup({ dir, home, hub, model }) {
      const config = `${home}/mcp.json`;
      Deno.writeTextFileSync(
        config,
        JSON.stringify({
          mcpServers: {
            persistproc: { type: "http", url: `${hub.base}/mcp/`, headers: hub.auth },
          },
        }),
      );
      return {
        argv: [
          ...claudeBin(dir),
          "-p",
          PROMPT,
          "--mcp-config",
          config,
          "--strict-mcp-config",
          "--allowedTools",
          "mcp__persistproc",
          "--model",
          "claude-sonnet-4-5",
        ],
        env: {
          ANTHROPIC_BASE_URL: model,
          ANTHROPIC_API_KEY: "stand-in",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          DISABLE_AUTOUPDATER: "1",
          // MCP tools in the first request, not behind ToolSearch: results read the same either way.
          ENABLE_TOOL_SEARCH: "false",
        },
      };
    },
  },
  gemini: {
    name: "Gemini CLI",
    version: (dir) => [`${dir}/node_modules/.bin/gemini`, "--version"],
    setup({ dir, home, hub, model }) {
      writeConfig(
        `${home}/.gemini/settings.json`,
        JSON.stringify({
          mcpServers: {
            persistproc: { httpUrl: `${hub.base}/mcp/`, headers: hub.auth, trust: true },
          },
          security: { auth: { selectedType: "gemini-api-key" } },
          privacy: { usageStatisticsEnabled: false },
        }),
      );
      return {
        argv: [`${dir}/node_modules/.bin/gemini`, "-p", PROMPT, "--yolo", "--skip-trust"],
        env: { GEMINI_API_KEY: "stand-in", GOOGLE_GEMINI_BASE_URL: model },
      };
    },
  },
  codex: {
    name: "Codex",
    version: (dir) => [`${dir}/node_modules/.bin/codex`, "--version"],
    setup({ dir, home, hub, model }) {
      writeConfig(`${home}/.codex/config.toml`, codexConfig(hub, model));
      return {
        argv: [`${dir}/node_modules/.bin/codex`, "exec", "--skip-git-repo-check", PROMPT],
        env: { CODEX_HOME: `${home}/.codex`, STAND_IN_KEY: "stand-in" },
      };
    },
  },
};

/** Codex's config.toml: the stand-in as its model provider, persistproc as its MCP server, no
 * approvals; `more` lines are appended. */
export function codexConfig(hub: TestHub, model: string, more: string[] = []): string {
  return [
    `model = "stand-in"`,
    `model_provider = "stand_in"`,
    `approval_policy = "never"`,
    `sandbox_mode = "danger-full-access"`,
    `[model_providers.stand_in]`,
    `name = "stand-in"`,
    `base_url = "${model}/v1"`,
    `wire_api = "responses"`,
    `env_key = "STAND_IN_KEY"`,
    `[mcp_servers.persistproc]`,
    `url = "${hub.base}/mcp/"`,
    `http_headers = { "Authorization" = "${hub.auth.authorization}" }`,
    ...more,
    ``,
  ].join("\n");
}

/** Writes a client's config file, making its folder. */
export function writeConfig(path: string, text: string): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

/** Claude Code's native binary: the npm wrapper finds it even when install scripts did not run. */
export function claudeBin(dir: string): string[] {
  return ["node", `${dir}/node_modules/@anthropic-ai/claude-code/cli-wrapper.cjs`];
}

/** What one client's run gave. */
interface ClientRun {
  client: string;
  version: string;
  records: StepRecord[];
  /** persistproc's tool definitions as the client offers them to its model. */
  tools: StandIn["tools"];
  /** started_by of the session's process, as the JSON API keeps it. */
  startedBy: unknown;
  exitCode: number;
  /** The client's own output and the stand-in's request log, to see why a run fell short. */
  printed: string;
  requests: string[];
}

/** One client's session, on its own fresh server unless given one (`--one-server`). */
async function runOne(
  key: string,
  dir: string,
  server: { main?: string; shared?: TestHub },
): Promise<ClientRun> {
  const client = CLIENTS[key];
  const [vProgram, ...vArgs] = client.version(dir);
  const version = new TextDecoder().decode(
    (await new Deno.Command(vProgram, { args: vArgs, stderr: "null" }).output()).stdout,
  ).trim();
  const folder = Deno.realPathSync(await Deno.makeTempDir({ prefix: "real-client-work-" }));
  const home = await Deno.makeTempDir({ prefix: "real-client-home-" });
  Deno.writeTextFileSync(`${folder}/server.mjs`, SERVER_MJS);
  await using own = server.shared ? null : await startServer(server.main);
  const hub = server.shared ?? own!;
  const standIn = new StandIn(folder);
  await using model = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    standIn.handle,
  );
  const { argv: [program, ...args], env } = client.setup({
    dir,
    home,
    hub,
    model: `http://127.0.0.1:${model.addr.port}`,
  });
  const child = new Deno.Command(program, {
    args,
    cwd: folder,
    env: { ...env, HOME: home, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
  const out = await child.output();
  clearTimeout(timer);
  const { body } = await hub.api("list", {});
  await Deno.remove(home, { recursive: true }).catch(() => {});
  await Deno.remove(folder, { recursive: true }).catch(() => {});
  const decoder = new TextDecoder();
  return {
    client: client.name,
    version,
    records: standIn.records,
    tools: standIn.tools,
    startedBy: body.processes?.find((p: { working_directory: string }) =>
      p.working_directory === folder
    )?.started_by,
    exitCode: out.code,
    printed: decoder.decode(out.stdout) + decoder.decode(out.stderr),
    requests: standIn.log,
  };
}

/** A fresh server: this checkout's, or `main` (another checkout's main.ts). */
function startServer(main?: string): Promise<TestHub> {
  const program = main ? [Deno.execPath(), "run", "-A", SERVER_V8_FLAGS, main] : undefined;
  return startHub([], { program });
}

/** The report of one run, as markdown. */
function report(run: ClientRun): string {
  const steps = stepBytes(run.records);
  const sum = (pick: (s: StepBytes) => number) => steps.reduce((n, s) => n + pick(s), 0);
  const rows = steps.map((s) =>
    `| ${s.step} | ${s.tool}${
      s.isError ? " (error)" : ""
    } | ${s.form} | ${s.model} | ${s.persistproc} |`
  );
  const wrong = wrongFacts(run.records);
  return [
    `### ${run.client} ${run.version} (exit ${run.exitCode})`,
    "",
    "| step | tool | form | model reads (B) | persistproc's (B) |",
    "| ---: | ---- | ---- | --------------: | ----------------: |",
    ...rows,
    `| | total | | ${sum((s) => s.model)} | ${sum((s) => s.persistproc)} |`,
    "",
    `tool definitions: ${run.tools?.bytes} B${
      run.tools?.instructions ? ", with the server's instructions" : ""
    }; started_by: ${JSON.stringify(run.startedBy)}; facts: ${
      wrong.length ? wrong.join("; ") : "all right"
    }`,
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      clients: { type: "string" },
      only: { type: "string", default: "claude,gemini,codex" },
      server: { type: "string" },
      "one-server": { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  if (!values.clients) throw new TypeError("--clients <dir> is required (see README.md)");
  const runs: ClientRun[] = [];
  // One server for all: each client's list then shows the processes the others started.
  await using shared = values["one-server"] ? await startServer(values.server) : null;
  for (const key of values.only.split(",")) {
    const run = await runOne(key, values.clients, {
      main: values.server,
      shared: shared ?? undefined,
    });
    runs.push(run);
    Deno.stdout.writeSync(new TextEncoder().encode(`\n${report(run)}\n`));
  }
  if (values.out) Deno.writeTextFileSync(values.out, JSON.stringify(runs, null, 2));
}
