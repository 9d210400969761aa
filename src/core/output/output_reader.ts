/**
 * Reads a process's stored output (see output_store.ts for how it is written): the newest
 * lines of one stream or of the combined stream, or every line after a position. It opens the
 * store's files read-only for each read, so any number of readers can run beside the writer;
 * a read sees the batches indexed when it began.
 */
import { InvalidArgumentError } from "../errors.ts";
import { join } from "node:path";
import { IndexReader, type IndexRecord, type RunReason } from "./_store_index.ts";
import { batchLines, visitBatch } from "./_batch_lines.ts";
import type { SieveRegion } from "./grep_sieve.ts";
import {
  fileCache,
  FILES,
  loadMeta,
  type Position,
  readRange,
  type StoreMeta,
  type Stream,
  STREAMS,
} from "./_store_meta.ts";

export type { Position, Stream };
export { batchLines };

/** Which stream to read: one of the two, or both in the order they were stored. */
export type StreamChoice = Stream | "combined";

/** A stored line: its stream, arrival time (epoch ms) and text without its newline. */
export interface LineEntry {
  kind: "line";
  stream: Stream;
  time: number;
  text: string;
}

/** Where a run began (shown when output was stored before it). */
export interface RunEntry {
  kind: "run";
  run: number;
  reason: RunReason;
  time: number;
}

/** What reads hand out, oldest first. */
export type Entry = LineEntry | RunEntry;

/** Limits shared by the reads. */
export interface ReadWindow {
  /** Only lines that arrived at or after this time (epoch ms). */
  since?: number;
  /** Only lines that arrived before this time (epoch ms). */
  before?: number;
  /** Only the current run's lines (those after the newest run start). */
  currentRun?: boolean;
}

/**
 * Lets a search visit only the lines of a batch that may matter and pass over the others
 * without decoding them (see grep_sieve.ts).
 */
export interface LineSieve {
  /**
   * The lines to visit among a batch's raw bytes (from a line start on, `lines` lines, stored
   * at `time`), oldest first; the lines around and after them are passed over.
   */
  plan(bytes: Uint8Array, lines: number, time: number): readonly SieveRegion[];
  /**
   * Told that `lines` lines stored at `time` were passed over; `after()` gives the position
   * after them. Returning false stops the read, as from `visit`.
   */
  pass(lines: number, time: number, after: () => Position): boolean;
}

/** What a forward read covered. */
export interface ForwardRead {
  /** The position after the last line visited: where the next read starts. */
  end: Position;
  /** Lines between the start asked for and the oldest retained line, lost to the cap. */
  skippedLines: number;
  /** Whether the deadline stopped the read before the end. */
  cut: boolean;
}

/**
 * How long a forward read works before it lets other requests be served (and looks at its
 * deadline): long enough that a search of a large log is not stretched by the waits.
 */
const YIELD_EVERY_MS = 10;

/** Read access to the output stored in one directory; see the module comment. */
export class OutputReader {
  readonly dir: string;
  #meta: StoreMeta | null;

  constructor(dir: string) {
    this.dir = dir;
    this.#meta = loadMeta(dir);
  }

  /** The oldest retained position and the end of what is stored. */
  extent(): { first: Position; end: Position } {
    const first = this.#retained();
    const end = structuredClone(first);
    using index = new IndexReader(join(this.dir, FILES.index));
    const seen = new Set<Stream>();
    for (let i = index.count - 1; i >= 0 && seen.size < 2; i--) {
      const record = index.get(i);
      if (!record || record.kind === "run" || seen.has(record.kind)) continue;
      seen.add(record.kind);
      if (record.end > end[record.kind].byte) {
        end[record.kind] = { byte: record.end, line: record.firstLine + record.lines };
      }
    }
    return { first, end };
  }

  /** How many retained lines `stream` has (in the current run only, when asked). */
  lineCount(stream: StreamChoice, currentRun = false): number {
    const streams = streamsOf(stream);
    if (currentRun) {
      using index = new IndexReader(join(this.dir, FILES.index));
      let count = 0;
      for (let i = index.count - 1; i >= 0; i--) {
        const record = index.get(i);
        if (record?.kind === "run") break;
        if (record && streams.includes(record.kind)) count += record.lines;
      }
      return count;
    }
    const { first, end } = this.extent();
    return streams.reduce((sum, s) => sum + end[s].line - first[s].line, 0);
  }

  /**
   * The newest `count` lines of `stream` within `window`, oldest first, with the starts of
   * runs among them. Synchronous on purpose: a follower reads its backlog in the same tick it
   * subscribes, so no line is missed or repeated.
   */
  newest(stream: StreamChoice, count: number, window: ReadWindow = {}): Entry[] {
    if (count <= 0 || !this.#meta) return [];
    const meta = this.#meta;
    using index = new IndexReader(join(this.dir, FILES.index));
    const picked: IndexRecord[] = [];
    let lines = 0;
    const wanted = new Set(streamsOf(stream));
    for (let i = index.count - 1; i >= 0 && lines < count && wanted.size > 0; i--) {
      const record = index.get(i);
      if (!record) continue;
      if (record.kind === "run") {
        if (window.currentRun) break;
        if ((record.stdout > 0 || record.stderr > 0) && inWindow(record.time, window)) {
          picked.push(record);
        }
        continue;
      }
      if (!wanted.has(record.kind)) continue;
      if (record.end <= meta.streams[record.kind].retained.byte) {
        wanted.delete(record.kind); // older batches of this stream are gone too
        continue;
      }
      if (window.since !== undefined && record.time < window.since) break;
      if (window.before !== undefined && record.time >= window.before) continue;
      picked.push(record);
      lines += record.lines;
    }
    using files = fileCache(this.dir);
    const entries: Entry[] = [];
    for (const record of picked.reverse()) {
      if (record.kind === "run") {
        entries.push({ kind: "run", run: record.run, reason: record.reason, time: record.time });
        continue;
      }
      const s = meta.streams[record.kind];
      const from = Math.max(record.start, s.retained.byte);
      for (const text of batchLines(readRange(s, from, record.end, files.open))) {
        entries.push({ kind: "line", stream: record.kind, time: record.time, text });
      }
    }
    // Drop the lines beyond the count asked for (and run starts among them), oldest first.
    let drop = lines - count;
    let first = 0;
    while (drop > 0 && first < entries.length) {
      if (entries[first].kind === "line") drop--;
      first++;
    }
    return entries.slice(first);
  }

  /**
   * Visits the lines of `stream` stored after `from` (all retained lines when null), oldest
   * first; `after()` gives the position after the line being visited (a copy, made only when
   * asked: most visits never need it). `visit` returning false stops the read. A position
   * older than the retained output starts at its oldest line and counts the lines lost; one
   * past the end is an InvalidArgumentError. Awaits between batches, so other requests are served, and
   * stops at `deadline` (epoch ms).
   */
  async forward(
    stream: StreamChoice,
    from: Position | null,
    visit: (entry: Entry, after: () => Position, maybe: boolean) => boolean,
    deadline = Infinity,
    window: ReadWindow = {},
    sieve?: LineSieve,
  ): Promise<ForwardRead> {
    const first = this.#retained();
    const { end } = this.extent();
    const streams = streamsOf(stream);
    const position = copy(from ?? first);
    const after = () => copy(position);
    let skippedLines = 0;
    for (const s of streams) {
      if (position[s].byte > end[s].byte) {
        throw new InvalidArgumentError(
          "The cursor lies past the end of this log (the log was replaced); read again without cursor",
        );
      }
      if (position[s].byte < first[s].byte) {
        skippedLines += Math.max(0, first[s].line - position[s].line);
        position[s] = { ...first[s] };
      }
    }
    if (!this.#meta) return { end: position, skippedLines, cut: false };
    let meta = this.#meta;
    using index = new IndexReader(join(this.dir, FILES.index));
    let files = fileCache(this.dir);
    using _files = { [Symbol.dispose]: () => files[Symbol.dispose]() };
    // The writer reclaims output (punches it out, or rotates it away) only between this read's
    // awaits: after each, what is retained is checked again, and files reopened if rotated.
    const recheck = () => {
      const fresh = loadMeta(this.dir);
      if (!fresh) return;
      if (JSON.stringify(fresh.streams) !== JSON.stringify(meta.streams)) {
        files[Symbol.dispose]();
        files = fileCache(this.dir);
      }
      meta = this.#meta = fresh;
      for (const s of streams) {
        const retained = fresh.streams[s].retained;
        if (position[s].byte >= retained.byte) continue;
        skippedLines += Math.max(0, retained.line - position[s].line);
        position[s] = { ...retained };
      }
    };
    // The unread records are a suffix of the index: find where it begins.
    let start = index.count;
    let lastRun = -1;
    for (let i = index.count - 1; i >= 0; i--) {
      const record = index.get(i);
      if (!record) continue;
      if (record.kind === "run") {
        if (lastRun === -1) lastRun = i;
        const seen = streams.some((s) => position[s].byte > record[s]);
        if (seen) break;
        start = i;
        continue;
      }
      if (streams.includes(record.kind) && record.end <= position[record.kind].byte) break;
      start = i;
    }
    if (window.currentRun && lastRun > start) start = lastRun;
    let yielded = performance.now();
    let buffer = new Uint8Array(0); // reused: visits are given decoded text, never these bytes
    for (let i = start; i < index.count; i++) {
      const record = index.get(i);
      if (!record) continue;
      if (record.kind === "run") {
        if ((record.stdout > 0 || record.stderr > 0) && inWindow(record.time, window)) {
          const entry = { kind: "run", run: record.run, reason: record.reason, time: record.time };
          if (!visit(entry as RunEntry, after, true)) break;
        }
        continue;
      }
      const s = record.kind;
      if (!streams.includes(s) || record.end <= position[s].byte) continue;
      if (performance.now() - yielded > YIELD_EVERY_MS) {
        if (Date.now() > deadline) return { end: position, skippedLines, cut: true };
        await new Promise((resolve) => setTimeout(resolve, 0));
        yielded = performance.now();
        recheck();
        if (record.end <= position[s].byte) continue;
      }
      const startByte = Math.max(record.start, position[s].byte);
      if (buffer.length < record.end - startByte) {
        buffer = new Uint8Array(Math.max(record.end - startByte, 64 * 1024));
      }
      const bytes = readRange(meta.streams[s], startByte, record.end, files.open, buffer);
      if (bytes.length < record.end - startByte || punched(bytes)) {
        // Reclaimed under the read all the same (a short read, or a punched hole's zeros): its
        // lines are counted as skipped, never served.
        skippedLines += record.firstLine + record.lines - position[s].line;
        position[s] = { byte: record.end, line: record.firstLine + record.lines };
        continue;
      }
      const here = position[s];
      const lines = startByte === record.start
        ? record.lines
        : record.firstLine + record.lines - here.line;
      const read = visitBatch(
        { bytes, startByte, lines, here },
        sieve ? sieve.plan(bytes, lines, record.time) : null,
        (text, maybe) => visit({ kind: "line", stream: s, time: record.time, text }, after, maybe),
        (count) => sieve!.pass(count, record.time, after),
      );
      if (!read) return { end: position, skippedLines, cut: false };
      position[s] = { byte: record.end, line: record.firstLine + record.lines };
    }
    return { end: position, skippedLines, cut: false };
  }

  #retained(): Position {
    const meta = this.#meta;
    return {
      stdout: { ...(meta?.streams.stdout.retained ?? { byte: 0, line: 0 }) },
      stderr: { ...(meta?.streams.stderr.retained ?? { byte: 0, line: 0 }) },
    };
  }
}

/** Whether bytes read begin in a punched hole: their first line is all NUL bytes. */
function punched(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0) return false;
  for (let i = 0; i < bytes.length && bytes[i] !== 0x0a; i++) if (bytes[i] !== 0) return false;
  return true;
}

function copy(position: Position): Position {
  return { stdout: { ...position.stdout }, stderr: { ...position.stderr } };
}

function streamsOf(stream: StreamChoice): readonly Stream[] {
  return stream === "combined" ? STREAMS : [stream];
}

function inWindow(time: number, window: ReadWindow): boolean {
  return (window.since === undefined || time >= window.since) &&
    (window.before === undefined || time < window.before);
}
