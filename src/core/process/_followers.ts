/**
 * The followers of one managed process: who is told of its events, and the events its output
 * capture makes for them (stored lines, frames of a line redrawn in place). Nothing is decoded
 * or built while nobody follows.
 */
import type { ProcessEvent } from "../types.ts";
import { tellEach } from "./_listeners.ts";

type Stream = "stdout" | "stderr";

/** The listeners of one process's events; see the module comment. */
export class Followers {
  readonly #listeners = new Set<(event: ProcessEvent) => void>();

  /** Adds a follower; returns the function that removes it. */
  subscribe(listener: (event: ProcessEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every follower, each in isolation (see tellEach). */
  emit(event: ProcessEvent): void {
    tellEach(this.#listeners, event, "a process's events");
  }

  /** Tells followers of lines just stored; `lines()` decodes them, only until this returns. */
  stored(stream: Stream, lines: () => string[], time: Date): void {
    if (this.#listeners.size === 0) return;
    const iso = time.toISOString();
    for (const text of lines()) this.emit({ type: "line", stream, time: iso, text });
  }

  /** Tells followers of the newest frame of an unfinished line (never stored). */
  partial(stream: Stream, text: string): void {
    if (this.#listeners.size === 0) return;
    this.emit({ type: "frame", stream, time: new Date().toISOString(), text });
  }
}
