/**
 * Keeps a flood of like events (a crash loop, a chatty log pattern) from drowning a reader:
 * within a window, the first few events of one key pass at once; the rest are held, and when
 * the window ends the newest of them passes, saying how many it stands for (`merged`).
 */

/** How many events of one key pass per window. */
export interface FloodLimit {
  /** Events of one key let through at once within a window. */
  perWindow: number;
  /** The window's length, in milliseconds. */
  windowMs: number;
}

/** The default: three of a kind per process per ten seconds. */
export const DEFAULT_FLOOD_LIMIT: FloodLimit = { perWindow: 3, windowMs: 10_000 };

interface Window<T> {
  start: number;
  sent: number;
  held: T | null;
  heldCount: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The gate; `pass` is called with each event let through and how many it stands for. */
export class FloodGate<T> {
  readonly #limit: FloodLimit;
  readonly #pass: (event: T, merged: number) => void;
  readonly #windows = new Map<string, Window<T>>();

  constructor(limit: FloodLimit, pass: (event: T, merged: number) => void) {
    this.#limit = limit;
    this.#pass = pass;
  }

  /** Offers an event of `key`: it passes now, or is held until its window ends. */
  offer(key: string, event: T, now = Date.now()): void {
    let window = this.#windows.get(key);
    if (window && now - window.start >= this.#limit.windowMs) {
      this.#flush(key, window);
      window = undefined;
    }
    if (!window) {
      if (this.#windows.size > 1_000) this.#prune(now);
      window = { start: now, sent: 0, held: null, heldCount: 0, timer: undefined };
      this.#windows.set(key, window);
    }
    if (window.sent < this.#limit.perWindow) {
      window.sent++;
      this.#pass(event, 1);
      return;
    }
    window.held = event;
    window.heldCount++;
    const open = window;
    open.timer ??= setTimeout(
      () => this.#flush(key, open),
      Math.max(0, open.start + this.#limit.windowMs - now),
    );
  }

  /** Lets every held event pass now and stops the timers (the server is closing). */
  close(): void {
    for (const [key, window] of [...this.#windows]) this.#flush(key, window);
  }

  /** Ends a window: its held event, if any, passes with the count it stands for. */
  #flush(key: string, window: Window<T>): void {
    clearTimeout(window.timer);
    if (this.#windows.get(key) === window) this.#windows.delete(key);
    const { held, heldCount } = window;
    window.held = null;
    if (held !== null) this.#pass(held, heldCount);
  }

  /** Drops windows that are over and hold nothing, so that keys of gone processes go too. */
  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.held === null && now - window.start >= this.#limit.windowMs) {
        this.#windows.delete(key);
      }
    }
  }
}
