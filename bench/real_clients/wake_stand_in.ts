/**
 * The stand-in model of the wake scenario (wake.ts): it starts a program that crashes a few seconds
 * later (ctrl start over MCP), arms the client's own waker on it (Claude Code's Monitor or a
 * background Bash, Gemini CLI's background run_shell_command, Codex's shell), ends its turn, and
 * records every later request the client sends: whether the client woke its model, when, and the
 * exact text that reached it.
 */
import { isPersistproc } from "./session.ts";
import { anthropicReply, geminiReply, openaiReply, type Turn } from "./stand_in.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** What the crash's line holds, to find it wherever a client puts it in a request. */
export const CRASH_MARK = "crashed: exit 1";

/** The label the scenario starts its program under. */
export const LABEL = "api";

/** A waker: the client's tool the model arms, and its arguments given the command that reaches
 * the server (`persistproc --port P --data-dir D`). */
export interface Waker {
  tool: string;
  args(cli: string): Record<string, unknown>;
}

/** One request the client sent its model after the start. */
export interface WakeRequest {
  /** Milliseconds since the epoch when it arrived. */
  at: number;
  /** Tool calls the model had made so far (all tools). */
  calls: number;
  /** The text of the conversation's newest turn (what the client just added), flattened. */
  last: string;
  /** Each string of the request holding the crash's line, as the client sent it. */
  crashTexts: string[];
}

/** See the module comment. */
export class WakeStandIn {
  /** Every main request (the ones offering persistproc's tools), in order. */
  readonly requests: WakeRequest[] = [];
  /** Side requests (titles, routing, ...): path and what they offered, one line each. */
  readonly side: string[] = [];
  /** The waker tool's definition as the client offered it, and the command the model armed. */
  wakerDefinition?: unknown;
  armed?: { at: number; args: Record<string, unknown>; cliFrom: "instructions" | "fallback" };
  /** Main requests made before the client offered persistproc's tools. */
  beforeMcp = 0;
  /** The tools the client offered its model in its first main request. */
  toolNames?: string[];
  /** Whether the client gave its model the server's MCP instructions. */
  instructions = false;

  constructor(
    private readonly folder: string,
    private readonly waker: Waker,
    private readonly fallbackCli: string,
  ) {}

  /** The HTTP handler to serve with `Deno.serve`. */
  handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const body: Json = req.method === "POST" ? await req.json().catch(() => ({})) : {};
    const path = url.pathname;
    if (path.endsWith("/messages/count_tokens")) return Response.json({ input_tokens: 100 });
    if (path.endsWith("/messages")) {
      const tools = (body.tools ?? []).map((t: Json) => t.name).filter(Boolean);
      const messages = body.messages ?? [];
      const calls = messages.flatMap((m: Json) =>
        Array.isArray(m.content)
          ? m.content.filter((b: Json) => b.type === "tool_use")
          : []
      ).length;
      const turn = this.turn(path, body, tools, calls, flatten(messages.at(-1)?.content));
      if ("call" in turn) {
        this.wakerDefinition ??= body.tools.find((t: Json) => t.name === this.waker.tool);
      }
      return anthropicReply(body, turn);
    }
    if (path.includes(":countTokens")) return Response.json({ totalTokens: 100 });
    if (path.includes(":generateContent") || path.includes(":streamGenerateContent")) {
      const declared = (body.tools ?? []).flatMap((t: Json) => t.functionDeclarations ?? []);
      const contents = body.contents ?? [];
      const calls = contents.flatMap((c: Json) => c.parts ?? [])
        .filter((p: Json) => p.functionCall).length;
      const tools = declared.map((f: Json) => f.name);
      const stream = url.searchParams.get("alt") === "sse";
      if (!tools.some(isPersistproc)) {
        this.side.push(`${path}: ${tools.length} tools`);
        const json = body.generationConfig?.responseMimeType === "application/json";
        return geminiReply({ text: json ? GEMINI_ROUTER : "ok" }, stream);
      }
      this.wakerDefinition ??= declared.find((f: Json) => f.name === this.waker.tool);
      return geminiReply(
        this.turn(path, body, tools, calls, flatten(contents.at(-1)?.parts)),
        stream,
      );
    }
    if (path.endsWith("/responses")) {
      const tools: string[] = (body.tools ?? []).flatMap((t: Json) =>
        t.type === "namespace"
          ? (t.tools ?? []).map((f: Json) => `${t.name}__${f.name}`)
          : [t.name ?? t.type]
      );
      const input = body.input ?? [];
      const calls = input.filter((i: Json) => /_call$/.test(i.type ?? "")).length;
      const lastModel = input.findLastIndex((i: Json) =>
        i.role === "assistant" || /_call$/.test(i.type ?? "")
      );
      this.wakerDefinition ??= (body.tools ?? []).find((t: Json) => t.name === this.waker.tool);
      return openaiReply(this.turn(path, body, tools, calls, flatten(input.slice(lastModel + 1))));
    }
    this.side.push(`${req.method} ${path}: not served`);
    if (path.endsWith("/models")) return Response.json({ object: "list", data: [], models: [] });
    return new Response("not served by the stand-in", { status: 404 });
  };

  /** Decides the next turn: start, arm, then end each turn with a short text. */
  private turn(path: string, body: Json, tools: string[], calls: number, last: string): Turn {
    if (!tools.some(isPersistproc)) {
      // The client's main loop before its MCP servers were connected: the prompt is typed again.
      if (tools.includes(this.waker.tool)) this.beforeMcp += 1;
      this.side.push(`${path}: side request (${tools.length} tools)`);
      trace(`[stand-in] side ${path}`);
      return { text: "ok" };
    }
    this.toolNames ??= tools;
    const text = JSON.stringify(body);
    this.instructions ||= text.includes("persistproc owns the long-running processes");
    this.requests.push({ at: Date.now(), calls, last, crashTexts: stringsWith(body, CRASH_MARK) });
    trace(`[stand-in] ${calls} calls; last: ${last.slice(0, 300)}`);
    if (calls === 0) {
      const ctrl = tools.find((t) => isPersistproc(t) && t.endsWith("ctrl")) ?? "ctrl";
      const args = {
        action: "start",
        command_or_label: "node crash.mjs",
        working_directory: this.folder,
        label: LABEL,
      };
      return { call: { args }, name: ctrl, id: "call_1" };
    }
    if (calls === 1) {
      // The command the server's instructions give, as a model would copy it.
      const named = /`(persistproc [^`]*?) events --follow/.exec(text)?.[1];
      const args = this.waker.args(named ?? this.fallbackCli);
      this.armed = { at: Date.now(), args, cliFrom: named ? "instructions" : "fallback" };
      // A persistproc tool is named as the client names it (`output` as mcp_persistproc_output...).
      const name = tools.find((t) => t === this.waker.tool) ??
        tools.find((t) => isPersistproc(t) && t.endsWith(this.waker.tool)) ?? this.waker.tool;
      return { call: { args }, name, id: "call_2" };
    }
    const heard = this.requests.at(-1)!.crashTexts.length > 0;
    return { text: heard ? "The api server crashed; I will look at its output." : "Waiting." };
  }
}

/** Gemini CLI's router asks for JSON; this answer keeps it on the main model. */
const GEMINI_ROUTER = JSON.stringify({
  reasoning: "stand-in",
  next_speaker: "user",
  model_choice: "flash",
  complexity_reasoning: "stand-in",
  complexity_score: 50,
});

/** With WAKE_VERBOSE set, a line on stderr per request, to watch a run. */
function trace(line: string): void {
  if (Deno.env.get("WAKE_VERBOSE")) Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
}

/** The text of a message's content in any of the three APIs (blocks, parts or items), joined. */
function flatten(content: Json): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map(flatten).join("\n");
  if (typeof content.text === "string") return content.text;
  if (content.type === "tool_result") return `[tool_result] ${flatten(content.content)}`;
  if (content.functionResponse) {
    return `[functionResponse] ${JSON.stringify(content.functionResponse.response)}`;
  }
  if (content.functionCall) return `[functionCall] ${JSON.stringify(content.functionCall)}`;
  if (content.type === "function_call_output") return `[output] ${flatten(content.output)}`;
  if (content.content !== undefined) return flatten(content.content);
  return JSON.stringify(content);
}

/** Every string inside a JSON value that holds `needle`. */
function stringsWith(value: Json, needle: string): string[] {
  if (typeof value === "string") return value.includes(needle) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => stringsWith(v, needle));
  if (value && typeof value === "object") {
    return Object.values(value).flatMap((v) => stringsWith(v, needle));
  }
  return [];
}
