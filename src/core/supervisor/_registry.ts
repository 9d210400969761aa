/**
 * The registry of managed processes: the entries by label, finding them by target or pid,
 * adding and removing them, and saving them to the state file whenever one changes. The
 * Supervisor holds the verbs and asks the registry for the entries they act on.
 *
 * Saves are coalesced: the changes of a few ms (hundreds of trees ending in a shutdown) are
 * written once, since each save writes every record. What a caller is told of is saved before
 * it is answered (flush), and a launch before its program may run (saveOrThrow).
 */
import { join } from "node:path";
import { beyondLimit } from "./_retention.ts";
import { toRecord } from "./_saved_process.ts";
import { logger } from "../logger.ts";
import type { Autorestarter } from "../process/autorestart.ts";
import type { ManagedProcess } from "../process/managed_process.ts";
import { loadState, type ProcessRecord, stateText, writeState } from "./state_file.ts";
import { matchesFilter, resolveTarget } from "./target_resolution.ts";
import type { ProcessFilter, ProcessInfo, ProcessTarget } from "../types.ts";

/** How long a change waits for others to be saved with it. */
const SAVE_DELAY_MS = 5;

/** The managed processes by label, and their state file; see the module comment. */
export class Registry {
  readonly #entries = new Map<string, ManagedProcess>();
  #pendingSave: ReturnType<typeof setTimeout> | undefined;
  /** What the state file holds, as last written: the same again is not written. */
  #saved = "";
  readonly #statePath: string;
  readonly #autorestart: Autorestarter;

  /** Saves to `<dataDir>/state.json`; `autorestart` keeps each entry's restart policy. */
  constructor(dataDir: string, autorestart: Autorestarter) {
    this.#statePath = join(dataDir, "state.json");
    this.#autorestart = autorestart;
  }

  /** What a previous server saved. */
  load(): ProcessRecord[] {
    return loadState(this.#statePath);
  }

  /** Every entry, in the order they were added. */
  get entries(): ManagedProcess[] {
    return [...this.#entries.values()];
  }

  /** The entry with this label, if any. */
  byLabel(label: string): ManagedProcess | undefined {
    return this.#entries.get(label);
  }

  /**
   * The entry whose current run has this pid, if any: the running one when an ended entry's
   * pid has since been given to another.
   */
  byPid(pid: number): ManagedProcess | undefined {
    const withPid = this.entries.filter((entry) => entry.pid === pid);
    return withPid.find((entry) => entry.status === "running") ?? withPid[0];
  }

  /** The one entry the target names (see resolveTarget). */
  resolve(target: ProcessTarget): ManagedProcess {
    return resolveTarget(this.entries, target);
  }

  /** The records of the entries matching the filter, oldest start first. */
  list(filter: ProcessFilter = {}): ProcessInfo[] {
    return this.entries
      .filter((entry) => matchesFilter(entry, filter))
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
      .map((entry) => ({
        ...entry.info(),
        restart_at: this.#autorestart.state(entry).next_attempt,
      }));
  }

  /** Registers an entry: saved on every change, restarted by its policy when it ends. */
  add(entry: ManagedProcess): ManagedProcess {
    this.#entries.set(entry.spec.label, entry);
    entry.onChange = () => this.save();
    entry.onTransition(({ from, to }) => {
      if (to === "idle" && (from === "running" || from === "stopping")) {
        this.#autorestart.ended(entry);
      }
    });
    return entry;
  }

  /**
   * Takes an entry out, leaving nothing of it: not its pending autorestart, its open files nor
   * its folder. The caller saves.
   */
  remove(entry: ManagedProcess): void {
    if (this.#entries.get(entry.spec.label) === entry) this.#entries.delete(entry.spec.label);
    this.#autorestart.forget(entry);
    entry.output.close();
    Deno.remove(entry.output.dir, { recursive: true }).catch(() => {});
  }

  /**
   * Removes the oldest ended entries beyond `maxEnded`, with their logs; not one whose
   * leftover children still run. The caller saves.
   */
  prune(maxEnded: number): void {
    for (const entry of beyondLimit(this.entries, maxEnded)) this.remove(entry);
  }

  /**
   * Saves every entry within a few ms, with whatever else changes meanwhile; a failure is
   * logged and the server carries on.
   */
  save(): void {
    this.#pendingSave ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Saves every entry now (a shutdown's last save); a failure is logged. */
  flush(): void {
    try {
      this.saveOrThrow();
    } catch (error) {
      logger.error(`Cannot save the state file ${this.#statePath}`, error);
    }
  }

  /**
   * Saves every entry now, with any save still pending; throws when it cannot (a full disk),
   * for a launch to refuse.
   */
  saveOrThrow(): void {
    clearTimeout(this.#pendingSave);
    this.#pendingSave = undefined;
    const text = stateText(
      this.entries.map((entry) => toRecord(entry, this.#autorestart.state(entry))),
    );
    if (text === this.#saved) return;
    writeState(this.#statePath, text);
    this.#saved = text;
  }
}
