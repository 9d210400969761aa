/**
 * What a client's model read, told apart from what the client wrapped around it, and checked
 * against what happened: the lines in the order the program wrote them, one port throughout,
 * the statuses each step should show.
 */
import type { StepRecord } from "./session.ts";

/** The wrappers the clients put around a tool result (not persistproc's bytes): Claude Code's
 * trailing `<system-reminder>` blocks, Gemini CLI's `<untrusted_context>` tags, Codex's
 * `Wall time: ... Output:` header. */
const WRAPPERS = [
  /(\n*<system-reminder>[\s\S]*?<\/system-reminder>\s*)+$/,
  /^<untrusted_context>\n|\n<\/untrusted_context>$/g,
  /^Wall time: [\d.]+ seconds\nOutput:\n/,
];

/** One step as the report shows it. */
export interface StepBytes {
  step: number;
  tool: string;
  /** Bytes the model read: the tool result's text as the client put it in the request. */
  model: number;
  /** Of those, persistproc's: the text without the client's wrapper. */
  persistproc: number;
  /** `JSON` when the client passed `JSON.stringify(structuredContent)`, `text` when the text. */
  form: "JSON" | "text";
  isError: boolean;
}

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** The persistproc part of a tool result's text. */
function unwrapped(text: string): string {
  return WRAPPERS.reduce((rest, wrapper) => rest.replace(wrapper, ""), text);
}

/** Bytes and form of each step. */
export function stepBytes(records: StepRecord[]): StepBytes[] {
  return records.map((r) => {
    const own = unwrapped(r.text);
    let form: StepBytes["form"] = "text";
    try {
      if (typeof JSON.parse(own) === "object") form = "JSON";
    } catch { /* the text form */ }
    return {
      step: r.step,
      tool: r.tool,
      model: bytes(r.text),
      persistproc: bytes(own),
      form,
      isError: /"is_error":true|"isError":true/.test(r.raw) || /^Error|"error"/.test(own),
    };
  });
}

/** The output lines a result carries, whichever form: JSON's `output` text, or the text form's
 * lines under its header. */
function outputLines(own: string): string[] {
  try {
    const output = JSON.parse(own).output;
    return typeof output === "string" ? output.split("\n") : [];
  } catch {
    return own.split("\n").slice(1);
  }
}

/** A port number as either form names it: `"ports":[N]`, `"assigned_port":N`, `port N`,
 * `listening on N` or the program's own `listening on http://127.0.0.1:N`. */
const PORT_MENTION = /(?:ports?"?:\s*\[?|port |listening on (?:http:\/\/[\d.]+:)?)(\d{4,5})/g;

/** What the model was told that is not what happened; empty when every fact checked holds. */
export function wrongFacts(records: StepRecord[]): string[] {
  const wrong: string[] = [];
  const own = (step: number) => unwrapped(records.find((r) => r.step === step)?.text ?? "");
  if (records.length < 7) wrong.push(`only ${records.length} of 7 steps reached the model`);
  // The program wrote "line i" then "warn i" for i = 1..30: any page of them keeps that order.
  for (const step of [3, 4, 6]) {
    const seen = outputLines(own(step)).flatMap((line) => {
      const match = /^(?:\[err\] )?(line|warn) (\d+)$/.exec(line);
      return match ? [Number(match[2]) * 2 + (match[1] === "warn" ? 1 : 0)] : [];
    });
    const stride = step === 4 ? 2 : 1; // stderr alone: warn i, warn i+1, ...
    if (seen.some((n, i) => i > 0 && n !== seen[i - 1] + stride)) {
      wrong.push(`step ${step}: lines out of write order`);
    }
  }
  // The list (step 2) may show other clients' processes and their ports (`--one-server`).
  const portsOf = (text: string) => [...unwrapped(text).matchAll(PORT_MENTION)].map((m) => m[1]);
  const ports = new Set(records.filter((r) => r.step !== 2).flatMap((r) => portsOf(r.text)));
  if (ports.size !== 1) {
    wrong.push(`ports named: ${[...ports].join(", ") || "none"} (one expected)`);
  }
  if (!portsOf(own(2)).some((port) => ports.has(port))) wrong.push("step 2: the port is missing");
  const expect: [number, RegExp, string][] = [
    [1, /running/, "start says running"],
    [1, /compiled/, "start names the matched line"],
    [2, /running/, "list says running"],
    [5, /running/, "restart says running"],
    [6, /run 2 \(restart\)[\s\S]*compiled/, "the wait shows the restart and the matched line"],
    [7, /stopped/, "stop says stopped"],
  ];
  for (const [step, pattern, what] of expect) {
    if (!pattern.test(own(step))) wrong.push(`step ${step}: not true that ${what}`);
  }
  const pid = (step: number) => /(?:pid"?:?\s*|PID )(\d+)/.exec(own(step))?.[1];
  if (pid(1) === pid(5)) wrong.push("restart shows the old PID");
  return wrong;
}
