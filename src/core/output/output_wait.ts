/**
 * Waiting on a running process before reading its output: until a new line matches a
 * pattern, until the process exits, or until a timeout. It is the agent's "edit, wait for the
 * next `compiled`, read what it printed" in one call, instead of polling `output` and `list`.
 */
import { InvalidArgumentError } from "../errors.ts";
import { stripAnsi } from "./ansi.ts";
import { decodeCursor } from "./cursor.ts";
import { compilePattern, type LinePattern } from "./line_pattern.ts";
import { cursorLogId, ERR_MARK, type OutputHub, type OutputRequest, readOutput } from "./query.ts";
import type { WaitOptions } from "../hub.ts";
import { runWait } from "../wait_engine.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import type { Supervision } from "../supervisor/supervision.ts";
import type { ProcessEvent, ProcessInfo } from "../types.ts";
import { waitTimeoutMs } from "../wait_timeout.ts";
import type { z } from "zod";
import type { outputWaitRequestSchema } from "../wire/requests.ts";
import type { outputWaitOutcomeSchema, waitedOutputPageSchema } from "../wire/results.ts";

/** `output` with its wait: what to wait for before the read. */
export type OutputWaitRequest = z.infer<typeof outputWaitRequestSchema>;

/** How the wait ended. */
export type OutputWaitOutcome = z.infer<typeof outputWaitOutcomeSchema>;

/** The read, and the wait's outcome when one was asked for. */
export type WaitedOutputPage = z.infer<typeof waitedOutputPageSchema>;

/**
 * Reads output as readOutput does; with wait_for_log or wait_for_exit, first waits until the
 * condition is met, the process exits, or the timeout passes. The read then returns what came
 * after `cursor` (a line matched without one: what came since the call began; else the newest
 * lines), so the caller sees what the wait was about.
 */
export async function readOutputWaiting(
  core: Supervision,
  request: OutputWaitRequest,
  options: WaitOptions = {},
): Promise<WaitedOutputPage> {
  const { wait_for_log, wait_for_exit, wait_timeout, ...read } = request;
  if (wait_for_log === undefined && !wait_for_exit) {
    if (wait_timeout !== undefined) {
      throw new InvalidArgumentError("wait_timeout needs wait_for_log or wait_for_exit");
    }
    // Resolved once the request is found sound.
    return await readOutput(
      { get: (target) => Promise.try(() => core.resolve(target).info()) },
      read,
    );
  }
  const timeoutMs = waitTimeoutMs(wait_timeout);
  const pattern = wait_for_log === undefined ? null : compilePattern("wait_for_log", wait_for_log);
  const entry = core.resolve(read);
  // Every read below is of this entry: a restart during the wait gives it another pid, not
  // another entry.
  const hub: OutputHub = { get: () => Promise.resolve(entry.info()) };
  const info = entry.info();
  const stream = read.stream ?? "combined";
  if (read.cursor !== undefined) {
    // A bad cursor is refused now, not after the wait.
    decodeCursor(read.cursor, cursorLogId(info, stream));
  }
  // A wait for a line without a cursor is about what is printed from now on: that is what it
  // matches, and (unless another window is asked for) what it reads.
  const fromNow = pattern !== null && read.cursor === undefined &&
      read.since_time === undefined && read.before_time === undefined && read.grep === undefined
    ? (await readOutput(hub, { ...read, lines: 1 })).next_cursor
    : undefined;
  const cursor = read.cursor ?? fromNow;
  const wanted = { pattern, exit: !!wait_for_exit, stream, cursor, read: { ...read, cursor } };
  const outcome = await waitOn(hub, entry, wanted, timeoutMs, options);
  // A wait that did not match shows the newest lines instead: why it exited, or what it does.
  const page = await readOutput(hub, {
    ...read,
    cursor: outcome.wait_result === "ready" ? cursor : read.cursor,
  });
  return { ...page, ...outcome };
}

interface Wanted {
  pattern: LinePattern | null;
  exit: boolean;
  stream: string;
  cursor?: string;
  read: OutputRequest;
}

async function waitOn(
  hub: OutputHub,
  entry: ManagedProcess,
  wanted: Wanted,
  timeoutMs: number,
  options: WaitOptions,
): Promise<OutputWaitOutcome> {
  let matched: string | null = null;
  let ended: ProcessInfo | null = null;
  const { pattern } = wanted;
  const pending = () => [
    ...(pattern ? [`log /${pattern.source}/`] : []),
    ...(wanted.exit ? ["exit"] : []),
  ];
  const { result, waited_ms } = await runWait({ ...options, timeoutMs, pending }, async (run) => {
    // From here on every stored line reaches the listener: the call "began" at this instant.
    run.defer(entry.subscribe((event: ProcessEvent) => {
      if (run.done) return;
      if (event.type === "line") {
        if (!pattern || matched !== null) return;
        if (wanted.stream !== "combined" && event.stream !== wanted.stream) return;
        const text = stripAnsi(event.text);
        if (pattern.test(text)) {
          matched = text;
          run.finish("ready");
        }
      } else if (event.type === "exit") {
        // A restart by someone ends only a wait for the exit: the next run may print the line.
        if (event.restarting && !wanted.exit) return;
        ended ??= event.process;
        run.finish("exited");
      }
    }));
    const now = entry.info();
    if (pattern && wanted.cursor !== undefined) {
      // Lines stored between the cursor and now count too.
      const earlier = await readOutput(hub, {
        ...wanted.read,
        grep: pattern.source,
        context: 0,
        lines: 1,
        max_bytes: 1 << 20, // the caller's budget is for the page, not for this one line
        since_time: undefined,
        before_time: undefined,
      });
      const line = earlier.output.at(-1);
      if (line !== undefined && !run.done) {
        const marked = wanted.stream === "combined" && line.startsWith(ERR_MARK);
        matched = stripAnsi(marked ? line.slice(ERR_MARK.length) : line);
        run.finish("ready");
      }
    }
    if (now.status !== "running" && !run.done) {
      ended = now;
      run.finish("exited");
    }
  });
  const outcome: OutputWaitOutcome = { wait_result: result, matched_line: matched, waited_ms };
  if (result === "exited" && ended) {
    const end = ended as ProcessInfo;
    outcome.exit_code = end.exit_code;
    outcome.exit_signal = end.exit_signal;
  }
  return outcome;
}
