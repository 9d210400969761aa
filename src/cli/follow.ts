/**
 * Following a process from the terminal: print its output as it comes, stay with it through
 * restarts, and end with its exit code; on Ctrl+C ask, stop or detach.
 */

import { HubError, ServerUnreachableError } from "../client/client_errors.ts";
import type { HubClient } from "../client/hub_client.ts";
import { serverHealth } from "../client/server_connection.ts";
import { followUntilExit } from "../client/follow_until_exit.ts";
import { describeConflict, MAX_LINES, type ProcessEvent, type ProcessInfo } from "../core/mod.ts";
import { describeEnding, exitCodeOf } from "./exit_status.ts";
import { leavingListeners } from "./ctrl_words.ts";
import { localizeLine, localizeMarker } from "./time.ts";
import { printErr, printFrame, printOut, stdoutIsGone } from "./print.ts";
import { displayName } from "./process_name.ts";
import { ask } from "./prompt.ts";

/** What Ctrl+C does: ask (at a terminal), stop the process, or leave it running. */
export type OnInterrupt = "ask" | "stop" | "detach";

/** How lines are printed: the text alone, the stored form, or every event as JSON. */
type Rendering = "text" | "raw" | "json";

/** What to follow and how. */
interface FollowOptions {
  client: HubClient;
  process: ProcessInfo;
  /** How many stored lines to show before live output. */
  backlog: number;
  /** Lines stamped before this ISO time are dropped, so a new start shows only its own. */
  since?: string;
  rendering: Rendering;
  onInterrupt: OnInterrupt;
  /** Whether someone at a terminal can answer a question; `ask` detaches when not. */
  interactive: boolean;
}

/**
 * Follows until the process ends for good (resolving with its exit code, 128 + signal for
 * signals) or the user detaches (resolving with 0). Output that arrives while a question is
 * open is held back and printed after it, never lost.
 */
export function followProcess(options: FollowOptions): Promise<number> {
  return new FollowSession(options).run();
}

/** Asks at the terminal whether to stop the process; true for yes (the default is no). */
export async function confirmStop(process: ProcessInfo): Promise<boolean> {
  const answer = await ask(`\nStop ${displayName(process)} (PID ${process.pid})? [y/N] `);
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

class FollowSession {
  readonly #options: FollowOptions;
  #sinceMs: number;
  /** After a final exit: the next run autorestart started, or null when there is none. */
  #nextRun: Promise<ProcessInfo | null> | null = null;
  readonly #done = Promise.withResolvers<number>();
  readonly #abort = new AbortController();
  #current: ProcessInfo;
  #finished = false;
  #stopping = false;
  /** The stream on which a progress frame is drawn and not yet cleared, if any. */
  #frameOpen: "stdout" | "stderr" | null = null;
  /** Events held back while a question is open; null when none is. */
  #held: ProcessEvent[] | null = null;

  constructor(options: FollowOptions) {
    this.#options = options;
    this.#current = options.process;
    this.#sinceMs = options.since === undefined ? -Infinity : Date.parse(options.since);
  }

  async run(): Promise<number> {
    const onInterrupt = () => this.#interrupt();
    Deno.addSignalListener("SIGINT", onInterrupt);
    this.#pump().catch((error) => this.#fail(error));
    try {
      return await this.#done.promise;
    } finally {
      Deno.removeSignalListener("SIGINT", onInterrupt);
      this.#abort.abort();
    }
  }

  /**
   * Prints the process's events. When the server goes away (killed, say), waits for the next
   * one on the same port and follows on from there, skipping the lines already shown.
   */
  async #pump(): Promise<void> {
    const { client } = this.#options;
    let backlog = this.#options.backlog;
    // The newest line time shown, and how many lines with that time were shown.
    let lastTime = "";
    let atLastTime = 0;
    let skip = 0;
    for (;;) {
      try {
        for await (
          const event of followUntilExit(client, this.#current.pid, backlog, this.#abort.signal)
        ) {
          if (event.type === "line") {
            // Shown before the server went away: older lines, and as many of the same time.
            if (event.time < lastTime || (event.time === lastTime && skip-- > 0)) continue;
            if (event.time === lastTime) atLastTime++;
            else [lastTime, atLastTime] = [event.time, 1];
          }
          if (this.#held === null) this.#show(event);
          else if (event.type === "frame") continue; // superseded by the line it becomes
          else {
            this.#held.push(event);
            // Nothing is left to decide once the process has ended.
            if (event.type === "exit" && !event.restarting) this.#closeQuestion(true);
          }
        }
      } catch (error) {
        if (!(error instanceof ServerUnreachableError) || this.#abort.signal.aborted) throw error;
      }
      const next = await this.#nextRun;
      this.#nextRun = null;
      if (this.#finished || this.#abort.signal.aborted) return;
      if (next !== null) {
        // Autorestart started it again: follow the new run from its first line.
        this.#sinceMs = Date.parse(next.start_time);
        [backlog, lastTime, atLastTime, skip] = [MAX_LINES, "", 0, 0];
        continue;
      }
      printErr(
        `the persistproc server on port ${client.port} went away; waiting for the next one`,
      );
      await waitForServer(client, this.#abort.signal);
      if (this.#finished || this.#abort.signal.aborted) return;
      printErr("following on");
      backlog = RESUME_BACKLOG;
      skip = atLastTime;
    }
  }

  /**
   * After a final exit: when autorestart will start the process again, says when and waits
   * for that run (null when it does not come); otherwise reports the ending and finishes.
   */
  async #afterExit(ended: ProcessInfo): Promise<ProcessInfo | null> {
    const { client } = this.#options;
    const find = async () =>
      (await client.list({ command_or_label: ended.label })).find((p) => p.label === ended.label);
    const listed = await find().catch(() => undefined);
    const due = listed?.restart_at;
    // A program that died because its port was taken: say who has it. A stopped one did not.
    const conflict = ended.status !== "failed"
      ? null
      : await client.portConflict({ pid: ended.pid }).catch(() => null);
    if (conflict) printErr(describeConflict(conflict));
    if (!due) {
      // A launcher that daemonized: what it left behind still runs, and listens.
      const left = ended.exit_code === 0 && listed?.ports.length
        ? leavingListeners(ended.pid, listed.ports)
        : "";
      printErr(`process ${describeEnding(ended)}${left}`);
      this.#finish(exitCodeOf(ended));
      return null;
    }
    const at = new Date(due).toLocaleTimeString();
    printErr(`process ${describeEnding(ended)}; autorestart starts it again at ${at}`);
    while (!this.#finished) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await find();
      if (now && now.pid !== ended.pid && now.start_time > ended.start_time) {
        this.#current = now;
        printErr(`restarted ${displayName(now)} (PID ${now.pid})`);
        return now;
      }
      if (!now || (!now.restart_at && now.status !== "running")) {
        this.#finish(exitCodeOf(now ?? ended));
        return null;
      }
    }
    return null;
  }

  #show(event: ProcessEvent): void {
    if (this.#finished) return;
    if (event.type === "frame") return this.#showFrame(event);
    this.#closeFrame();
    if (event.type === "line" && Date.parse(event.time) < this.#sinceMs) return;
    const { rendering } = this.#options;
    if (rendering === "json") printOut(JSON.stringify(event));
    else if (event.type === "line") {
      // A line that redrew itself with `\r` comes as it ended up (core/output/frames.ts).
      const text = localizeMarker(event.text);
      if (rendering === "raw") {
        printOut(`${localizeLine(event.time)} [${event.stream}] ${text}`);
      } else if (event.stream === "stderr") printErr(text);
      else printOut(text);
    }
    // Whoever read our stdout has gone (`persistproc run x | head`): stop following.
    if (stdoutIsGone()) return this.#detach();
    if (event.type === "line") return;
    this.#current = event.process;
    if (event.type === "start") {
      printErr(`restarted ${displayName(event.process)} (PID ${event.process.pid})`);
    } else if (!event.restarting) {
      this.#nextRun = this.#afterExit(event.process);
      this.#nextRun.catch((error) => this.#fail(error));
    }
  }

  /**
   * Redraws a progress line in place, at a terminal only (elsewhere the finished line is
   * enough); the frame is cleared before anything else is printed.
   */
  #showFrame(event: Extract<ProcessEvent, { type: "frame" }>): void {
    const file = event.stream === "stdout" ? Deno.stdout : Deno.stderr;
    if (this.#options.rendering !== "text" || !file.isTerminal()) return;
    if (this.#frameOpen !== null && this.#frameOpen !== event.stream) this.#closeFrame();
    printFrame(event.stream, localizeMarker(event.text));
    this.#frameOpen = event.stream;
  }

  #closeFrame(): void {
    if (this.#frameOpen === null) return;
    printFrame(this.#frameOpen, "");
    this.#frameOpen = null;
  }

  #interrupt(): void {
    if (this.#finished) return;
    // A second Ctrl+C, at the question or while a stop is under way, means: let me go.
    if (this.#held !== null || this.#stopping) {
      this.#closeQuestion(true);
      return this.#detach();
    }
    const { onInterrupt, interactive } = this.#options;
    const fail = (error: unknown) => this.#fail(error);
    if (onInterrupt === "stop") this.#stop().catch(fail);
    else if (onInterrupt === "ask" && interactive) this.#ask().catch(fail);
    else this.#detach();
  }

  async #ask(): Promise<void> {
    this.#closeFrame();
    this.#held = [];
    const process = this.#current;
    const yes = await confirmStop(process);
    if (this.#held === null) return; // Answered already: by a second Ctrl+C, or by an exit.
    this.#closeQuestion(false);
    if (this.#finished) return;
    if (yes) await this.#stop();
    else this.#detach();
  }

  /** Prints what was held back while the question was open. */
  #closeQuestion(lineOpen: boolean): void {
    if (this.#held === null) return;
    const held = this.#held;
    this.#held = null;
    if (lineOpen) printErr("");
    for (const event of held) this.#show(event);
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    const { pid } = this.#current;
    try {
      await this.#options.client.stop({ pid });
    } catch (error) {
      // A process that ended by itself meanwhile is no failure: its exit event is coming.
      if (error instanceof HubError && !(await this.#isRunning(pid))) return;
      this.#fail(error);
    }
  }

  async #isRunning(pid: number): Promise<boolean> {
    const processes = await this.#options.client.list({ pid }).catch(() => []);
    return processes.some((p) => p.pid === pid && p.status === "running");
  }

  #detach(): void {
    const process = this.#current;
    const state = this.#stopping ? "is still stopping" : "keeps running";
    printErr(`detached; ${displayName(process)} ${state} (PID ${process.pid})`);
    this.#finish(0);
  }

  #finish(code: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done.resolve(code);
  }

  #fail(error: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done.reject(error);
  }
}

/** Stored lines asked for again after a server came back, to find those not yet shown. */
const RESUME_BACKLOG = MAX_LINES;

/** Waits until a server answers on the client's port, or `signal` is aborted. */
async function waitForServer(client: HubClient, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await serverHealth(client.server);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
