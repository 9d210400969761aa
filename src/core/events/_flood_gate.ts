/**
 * Keeps a flood of like events (a crash loop, a chatty log pattern) from drowning a reader:
 * within a window, the first few events of one key pass at once; the rest are held, and the
 * newest of them passes later, saying how many it stands for (`merged`) and giving the first
 * of them (when the flood began). What is held goes out when its window ends, and also just
 * before anything else passes, oldest first: the events leave the gate in the order they
 * happened.
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
  /** The newest held event, the first held one, how many are held, and when it was held. */
  held: T | null;
  first: T | null;
  heldCount: number;
  heldOrder: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The gate; `pass` is called with each event let through, how many it stands for, and the
 * first of those (the event itself when it stands for itself alone).
 */
export class FloodGate<T> {
  readonly #limit: FloodLimit;
  readonly #pass: (event: T, merged: number, first: T) => void;
  readonly #windows = new Map<string, Window<T>>();
  /** The windows holding an event. */
  readonly #holding = new Set<Window<T>>();
  #heldSoFar = 0;

  constructor(limit: FloodLimit, pass: (event: T, merged: number, first: T) => void) {
    this.#limit = limit;
    this.#pass = pass;
  }

  /** Offers an event of `key`: it passes now, or is held (see the module comment). */
  offer(key: string, event: T, now = Date.now()): void {
    let window = this.#windows.get(key);
    if (window && now - window.start >= this.#limit.windowMs) {
      this.#end(key, window);
      window = undefined;
    }
    if (!window) {
      if (this.#windows.size > 1_000) this.#prune(now);
      window = {
        start: now,
        sent: 0,
        held: null,
        first: null,
        heldCount: 0,
        heldOrder: 0,
        timer: undefined,
      };
      this.#windows.set(key, window);
    }
    if (window.sent < this.#limit.perWindow) {
      window.sent++;
      this.#releaseHeld(); // they happened before it
      this.#pass(event, 1, event);
      return;
    }
    window.first ??= event;
    window.held = event;
    window.heldCount++;
    window.heldOrder = ++this.#heldSoFar;
    this.#holding.add(window);
    const open = window;
    open.timer ??= setTimeout(
      () => this.#end(key, open),
      Math.max(0, open.start + this.#limit.windowMs - now),
    );
  }

  /** Lets every held event pass now and stops the timers (the server is closing). */
  close(): void {
    this.#releaseHeld();
    this.#windows.clear();
  }

  /** Ends a window: what is held passes (its own and, before it, any other window's). */
  #end(key: string, window: Window<T>): void {
    this.#releaseHeld();
    if (this.#windows.get(key) === window) this.#windows.delete(key);
  }

  /**
   * Lets every held event pass, in the order they were held, each with the count it stands
   * for. Their windows go on: like events that follow within them are held again.
   */
  #releaseHeld(): void {
    const windows = [...this.#holding].sort((a, b) => a.heldOrder - b.heldOrder);
    this.#holding.clear();
    for (const window of windows) {
      clearTimeout(window.timer);
      const { held, first, heldCount } = window;
      Object.assign(window, { held: null, first: null, heldCount: 0, timer: undefined });
      if (held !== null) this.#pass(held, heldCount, first ?? held);
    }
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
