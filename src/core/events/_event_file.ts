/**
 * The stored form of the event stream, `<dataDir>/events.jsonl`: one event per line, appended
 * as each happens, so that a reader can resume from its cursor after the server restarted. The
 * file is rewritten with the kept events once it holds twice as many, so it stays small. Only
 * this module reads or writes it.
 */
import { logger } from "../logger.ts";
import type { HubEvent } from "./event.ts";

/** The events file of one data directory; see the module comment. */
export class EventFile {
  readonly #path: string;
  readonly #keep: number;
  #lines = 0;
  #failing = false;

  /** The file at `path`, which keeps (at least) the newest `keep` events. */
  constructor(path: string, keep: number) {
    this.#path = path;
    this.#keep = keep;
  }

  /**
   * The newest `keep` events a previous server stored, oldest first. A file this user did not
   * make (another owner, a symlink) is not read; lines that do not parse are passed over.
   */
  load(): HubEvent[] {
    let text: string;
    try {
      const info = Deno.lstatSync(this.#path);
      const uid = Deno.uid();
      if (!info.isFile || (uid !== null && info.uid !== uid)) {
        logger.info(`Not reading ${this.#path}: it is not a file this user made`);
        return [];
      }
      text = Deno.readTextFileSync(this.#path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        logger.error(`Cannot read the events in ${this.#path}`, error);
      }
      return [];
    }
    const events: HubEvent[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      try {
        const event = JSON.parse(line) as HubEvent;
        if (Number.isInteger(event?.id) && typeof event.kind === "string") events.push(event);
      } catch { /* a line cut short by a crash mid-write */ }
    }
    this.#lines = events.length;
    return events.slice(-this.#keep);
  }

  /** Appends one event; once the file holds twice `keep`, rewrites it with `kept`. */
  append(event: HubEvent, kept: () => HubEvent[]): void {
    try {
      if (this.#lines >= 2 * this.#keep) this.#rewrite(kept());
      else {
        Deno.writeTextFileSync(this.#path, JSON.stringify(event) + "\n", {
          append: true,
          mode: 0o600,
        });
        this.#lines++;
      }
      this.#failing = false;
    } catch (error) {
      // Said once per spell of failures: a full disk must not fill the server log as well.
      if (!this.#failing) logger.error(`Cannot store events in ${this.#path}`, error);
      this.#failing = true;
    }
  }

  /** Replaces the file with `events`, whole or not at all. */
  #rewrite(events: HubEvent[]): void {
    const temporary = `${this.#path}.tmp`;
    const text = events.map((event) => JSON.stringify(event) + "\n").join("");
    Deno.writeTextFileSync(temporary, text, { mode: 0o600 });
    Deno.renameSync(temporary, this.#path);
    this.#lines = events.length;
  }
}
