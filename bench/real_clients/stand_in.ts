/**
 * A stand-in model on loopback that speaks the three model APIs the real clients call: Anthropic
 * Messages (Claude Code), Gemini generateContent (Gemini CLI) and OpenAI Responses (Codex). It
 * plays session.ts's script by answering with tool calls in turn, and records the exact text of
 * each tool result the client sends back: what the client's model would read.
 */
import { type Call, callFor, isPersistproc, type StepRecord, toolName } from "./session.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** How persistproc's MCP instructions begin, to see whether a client hands them to its model. */
const INSTRUCTIONS_START = "persistproc owns the long-running processes";

/** A conversation as the stand-in reads it from any of the three APIs. */
interface History {
  /** The persistproc calls the model made so far, in order, with the id the client uses. */
  calls: { id: string; name: string; args: Record<string, unknown> }[];
  /** Results by call id (Gemini has no ids: there, by position). */
  results: Map<string, { text: string; raw: string }>;
  /** The tool names the client offers its model. */
  tools: string[];
}

/** The stand-in's decision for one request: a tool call under the client's name for it (a
 * persistproc step, or any tool of the client's), or a closing text. */
export type Turn = { call: Pick<Call, "args">; name: string; id: string } | { text: string };

/** See the module comment. */
export class StandIn {
  readonly records: StepRecord[] = [];
  /** Every request, one line each (path and what was decided), to see what a client asks. */
  readonly log: string[] = [];
  /** Bytes of persistproc's tool definitions as the client sends them to the model (JSON), and
   * whether the request carries the server's MCP instructions; from the first main request. */
  tools?: { bytes: number; instructions: boolean };

  constructor(private readonly folder: string) {}

  /** The HTTP handler to serve with `Deno.serve`. */
  handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const body: Json = req.method === "POST" ? await req.json().catch(() => ({})) : {};
    const path = url.pathname;
    if (path.endsWith("/messages/count_tokens")) return Response.json({ input_tokens: 100 });
    if (path.endsWith("/messages")) return this.anthropic(body, path);
    if (path.includes(":countTokens")) return Response.json({ totalTokens: 100 });
    if (path.includes(":generateContent") || path.includes(":streamGenerateContent")) {
      return this.gemini(body, path, url.searchParams.get("alt") === "sse");
    }
    if (path.endsWith("/responses")) return this.openai(body, path);
    this.log.push(`${req.method} ${url.pathname}${url.search}: not served`);
    if (path.endsWith("/models")) return Response.json({ object: "list", data: [], models: [] });
    return new Response("not served by the stand-in", { status: 404 });
  };

  /** Notes the size of the tool definitions the first time the model is offered them. */
  private offered(definitions: unknown[], body: unknown): void {
    this.tools ??= {
      bytes: new TextEncoder().encode(JSON.stringify(definitions)).length,
      instructions: JSON.stringify(body).includes(INSTRUCTIONS_START),
    };
  }

  /** Records results not yet recorded and decides the next turn. */
  private turn(history: History, where: string): Turn {
    const { calls, results, tools } = history;
    calls.forEach((call, step) => {
      const result = results.get(call.id);
      if (!result || this.records.some((r) => r.step === step + 1)) return;
      const tool = call.name.replace(/^.*?(ctrl|list|output)$/, "$1");
      this.records.push({ step: step + 1, tool, args: call.args, ...result });
    });
    const texts = this.records.map((r) => r.text);
    const call = callFor(calls.length, this.folder, texts);
    const decided = call ? `${call.tool} (step ${calls.length + 1})` : "done";
    this.log.push(`${where}: ${tools.length} tools, ${calls.length} calls so far -> ${decided}`);
    if (!call) return { text: "Done: started, listed, read, restarted and stopped the server." };
    return { call, name: toolName(tools, call.tool), id: `call_${calls.length + 1}` };
  }

  private anthropic(body: Json, path: string): Response {
    const tools: string[] = (body.tools ?? []).map((t: Json) => t.name).filter(Boolean);
    if (!tools.some(isPersistproc)) {
      this.log.push(`${path}: side request (tools: ${tools.join(" ")})`);
      return anthropicReply(body, { text: "ok" });
    }
    const history: History = { calls: [], results: new Map(), tools };
    for (const message of body.messages ?? []) {
      if (!Array.isArray(message.content)) continue;
      for (const block of message.content) {
        if (block.type === "tool_use" && isPersistproc(block.name)) {
          history.calls.push({ id: block.id, name: block.name, args: block.input });
        }
        if (block.type === "tool_result") {
          const text = typeof block.content === "string"
            ? block.content
            : (block.content ?? []).map((c: Json) => c.text ?? "").join("");
          history.results.set(block.tool_use_id, { text, raw: JSON.stringify(block) });
        }
      }
    }
    this.offered(body.tools.filter((t: Json) => isPersistproc(t.name ?? "")), body);
    return anthropicReply(body, this.turn(history, path));
  }

  private gemini(body: Json, path: string, sse: boolean): Response {
    const tools: string[] = (body.tools ?? []).flatMap((t: Json) =>
      (t.functionDeclarations ?? []).map((f: Json) => f.name)
    );
    if (!tools.some(isPersistproc)) {
      this.log.push(`${path}: side request (${tools.length} tools)`);
      const json = body.generationConfig?.responseMimeType === "application/json";
      const text = json
        ? JSON.stringify({
          reasoning: "stand-in",
          next_speaker: "user",
          model_choice: "flash",
          complexity_reasoning: "stand-in",
          complexity_score: 50,
        })
        : "ok";
      return geminiReply({ text }, sse);
    }
    const history: History = { calls: [], results: new Map(), tools };
    let answered = 0;
    for (const content of body.contents ?? []) {
      for (const part of content.parts ?? []) {
        if (part.functionCall && isPersistproc(part.functionCall.name)) {
          const id = `call_${history.calls.length + 1}`;
          history.calls.push({ id, name: part.functionCall.name, args: part.functionCall.args });
        }
        if (part.functionResponse) {
          answered += 1;
          const response = part.functionResponse.response;
          const text = typeof response?.output === "string"
            ? response.output
            : JSON.stringify(response);
          history.results.set(`call_${answered}`, {
            text,
            raw: JSON.stringify(part.functionResponse),
          });
        }
      }
    }
    const declared = body.tools.flatMap((t: Json) => t.functionDeclarations ?? []);
    this.offered(declared.filter((f: Json) => isPersistproc(f.name)), body);
    return geminiReply(this.turn(history, path), sse);
  }

  private openai(body: Json, path: string): Response {
    // Codex offers an MCP server's tools as a namespace (`mcp__persistproc`) of bare names.
    const tools: string[] = (body.tools ?? []).flatMap((t: Json) =>
      t.type === "namespace" ? (t.tools ?? []).map((f: Json) => `${t.name}__${f.name}`) : [t.name]
    );
    const history: History = { calls: [], results: new Map(), tools };
    for (const item of body.input ?? []) {
      if (item.type === "function_call" && isPersistproc(item.name)) {
        history.calls.push({ id: item.call_id, name: item.name, args: JSON.parse(item.arguments) });
      }
      if (item.type === "function_call_output") {
        const output = item.output;
        const text = typeof output === "string"
          ? output
          : Array.isArray(output)
          ? output.map((c: Json) => c.text ?? "").join("")
          : JSON.stringify(output);
        history.results.set(item.call_id, { text, raw: JSON.stringify(item) });
      }
    }
    if (!tools.some(isPersistproc)) {
      const kinds = (body.tools ?? []).map((t: Json) => `${t.type}:${t.name ?? ""}`);
      this.log.push(`${path}: side request (tools: ${kinds.join(" ")})`);
      return openaiReply({ text: "ok" });
    }
    const offered = body.tools.filter((t: Json) =>
      isPersistproc(t.name ?? "") || t.name?.includes("persistproc")
    );
    this.offered(offered, body);
    return openaiReply(this.turn(history, path));
  }
}

/** A server-sent event stream of the given events. */
export function sse(events: [string | null, Json][]): Response {
  const text = events.map(([event, data]) =>
    `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`
  ).join("");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** An Anthropic Messages answer (SSE when the request streams) holding one turn. */
export function anthropicReply(body: Json, turn: Turn): Response {
  const block = "call" in turn
    ? { type: "tool_use", id: turn.id, name: turn.name, input: turn.call.args }
    : { type: "text", text: turn.text };
  const message = {
    id: `msg_${crypto.randomUUID()}`,
    type: "message",
    role: "assistant",
    model: body.model ?? "stand-in",
    content: [block],
    stop_reason: "call" in turn ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20 },
  };
  if (!body.stream) return Response.json(message);
  const start = block.type === "tool_use" ? { ...block, input: {} } : { ...block, text: "" };
  const delta = block.type === "tool_use"
    ? { type: "input_json_delta", partial_json: JSON.stringify(block.input) }
    : { type: "text_delta", text: block.text };
  return sse([
    ["message_start", {
      type: "message_start",
      message: { ...message, content: [], stop_reason: null, usage: { ...message.usage } },
    }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: start }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: 20 },
    }],
    ["message_stop", { type: "message_stop" }],
  ]);
}

/** A Gemini generateContent answer (SSE when streaming) holding one turn. */
export function geminiReply(turn: Turn, stream: boolean): Response {
  const part = "call" in turn
    ? { functionCall: { name: turn.name, args: turn.call.args } }
    : { text: turn.text };
  const reply = {
    candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
    modelVersion: "stand-in",
  };
  return stream ? sse([[null, reply]]) : Response.json(reply);
}

/** An OpenAI Responses answer (SSE) holding one turn. */
export function openaiReply(turn: Turn): Response {
  const id = `resp_${crypto.randomUUID()}`;
  const item = "call" in turn
    ? {
      type: "function_call",
      id: `fc_${turn.id}`,
      call_id: turn.id,
      ...namespaced(turn.name),
      arguments: JSON.stringify(turn.call.args),
      status: "completed",
    }
    : {
      type: "message",
      id: `msg_${id}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: turn.text, annotations: [] }],
    };
  const usage = {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 20,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 120,
  };
  return sse([
    ["response.created", { type: "response.created", response: { id, status: "in_progress" } }],
    ["response.output_item.added", { type: "response.output_item.added", output_index: 0, item }],
    ["response.output_item.done", { type: "response.output_item.done", output_index: 0, item }],
    ["response.completed", {
      type: "response.completed",
      response: { id, status: "completed", output: [item], usage },
    }],
  ]);
}

/** A Responses API call's name: a namespaced tool (`mcp__persistproc__ctrl`) as its namespace
 * and bare name. */
function namespaced(name: string): { name: string; namespace?: string } {
  const match = /^(mcp__.+)__([^_]+)$/.exec(name);
  return match ? { namespace: match[1], name: match[2] } : { name };
}
