/**
 * The stored output of one process, and the only code that writes it (output_reader.ts reads
 * it). Each byte a child writes is stored once: the spool files it appends to
 * (`stdout.spool`, `stderr.spool`) are the log. Beside them, `output.index` keeps one small
 * record per stored batch (stream, byte range, line count, arrival time) and one per run
 * start, in the order batches were stored; `output.meta` maps byte offsets to files and says
 * where the retained output begins (see _store_meta.ts).
 *
 * A batch counts as stored once its index record is written: that record is the position a
 * restarted server resumes from, so a byte is never skipped, and a line is never served torn.
 * If the index is lost or damaged it is rebuilt from the spool files, with their modification
 * time as every line's time. A 0.3 directory (`combined.log` with stamped lines) is migrated
 * on first open (_store_migrate.ts).
 *
 * Disk use is bounded per stream by `maxBytes`, keeping between one and two caps of the
 * newest output: where the file system can punch holes, the oldest bytes of the spool are
 * punched out (offsets stay valid); elsewhere a spool past the cap is copied to
 * `<stream>.1`, replacing the older generation once that has been read, and emptied
 * ("copy-truncate"). So that nothing the child writes in the instant between the last copy and
 * the emptying is lost, the writers are paused for it (`pauseWriters`); a server killed at
 * any step of a rotation leaves a journal the next open finishes (_store_rotation.ts). Disk is
 * set aside ahead of the writers (_store_reserve.ts); where the disk is full, the stored output
 * is dropped instead ({@link OutputStore.shed}), so that the program never fails to write.
 */
import { InvalidArgumentError } from "../errors.ts";
import { join } from "node:path";
import { type Batch, IndexReader, type IndexRecord, type RunReason } from "./_store_index.ts";
import { IndexWriter, scanIndex } from "./_index_writer.ts";
import {
  FILES,
  freshMeta,
  loadMeta,
  locate,
  type Position,
  saveMeta,
  type StoreMeta,
  type Stream,
  type StreamPosition,
  STREAMS,
} from "./_store_meta.ts";
import { finishRotation, rotateSpool, type RotationStep, shedSpool } from "./_store_rotation.ts";
import type { DiskReserver } from "../system/disk_reserve.ts";
import { type Quietly, StoreReserve } from "./_store_reserve.ts";
import { migrateIfOld, rebuildIndex } from "./_store_migrate.ts";
import type { HolePuncher } from "../system/hole_punch.ts";

export type { Batch, Position, Quietly, RunReason, Stream };
export { finishInterruptedRotation } from "./_store_rotation.ts";

/** Default cap of each stream's retained output (16 MiB). */
export const DEFAULT_LOG_MAX_BYTES = 16 * 1024 * 1024;

const BLOCK = 4096;
/** Index records worth rewriting the index for, once that many are older than the cap. */
const COMPACT_RECORDS = 4096;

/** How a store bounds its disk use. */
export interface StoreOptions {
  maxBytes?: number;
  /** Punches holes; null: bound disk by rotation. */
  puncher?: HolePuncher | null;
  /**
   * Stops everything that may write the spools until the returned function is called: a
   * rotation's last copy and emptying are done in between. Without it, what is written then
   * is lost.
   */
  pauseWriters?: () => () => void;
  /** Sets disk aside ahead of the writers (default: this system's, where there is one). */
  reserver?: DiskReserver | null;
  /** Told of each step of a rotation (tests kill the server there). */
  rotationStep?: (step: RotationStep) => void;
}

/** One process's stored output, open for writing; see the module comment. */
export class OutputStore {
  readonly dir: string;
  readonly maxBytes: number;
  /** The end of what is stored (indexed) in each stream. */
  readonly end: Position;
  /** The number of the newest run (0 before the first). */
  runs = 0;
  /** Counts rotations: files a reader holds open may have been replaced. */
  generation = 0;
  #meta: StoreMeta;
  readonly #index: IndexWriter;
  #puncher: HolePuncher | null;
  readonly #pauseWriters: () => () => void;
  readonly #reserve: StoreReserve;
  readonly #rotationStep?: (step: RotationStep) => void;

  constructor(dir: string, options: StoreOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes < 1024) {
      throw new InvalidArgumentError(`Invalid log cap ${maxBytes}: expected at least 1024 bytes`);
    }
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.#puncher = options.puncher ?? null;
    this.#pauseWriters = options.pauseWriters ?? (() => () => {});
    this.#rotationStep = options.rotationStep;
    this.#reserve = new StoreReserve(dir, options.reserver);
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.chmodSync(dir, 0o700);
    for (const stream of STREAMS) {
      Deno.openSync(join(dir, FILES.spool(stream)), { append: true, create: true, mode: 0o600 })
        .close();
    }
    migrateIfOld(dir);
    let meta = loadMeta(dir);
    if (!meta) {
      meta = freshMeta();
      saveMeta(dir, meta);
    }
    for (const stream of STREAMS) finishRotation(dir, meta, stream);
    this.#meta = meta;
    const indexPath = join(dir, FILES.index);
    let scan = scanIndex(indexPath);
    if (!scan.valid) {
      rebuildIndex(dir, meta);
      scan = scanIndex(indexPath);
    }
    this.end = scan.end;
    for (const stream of STREAMS) {
      if (this.end[stream].byte < meta.streams[stream].retained.byte) {
        this.end[stream] = { ...meta.streams[stream].retained };
      }
    }
    this.runs = scan.runs;
    this.#index = new IndexWriter(indexPath, scan.count);
  }

  /** The spool file a child's `stream` is appended to. */
  spoolPath(stream: Stream): string {
    return join(this.dir, FILES.spool(stream));
  }

  /**
   * Where to read logical offset `logical` of `stream`: the file, the offset in it, and how
   * many bytes from there belong to the stream before the next file takes over.
   */
  locateRead(stream: Stream, logical: number): { path: string; at: number; length: number } {
    const meta = this.#meta.streams[stream];
    const { segment, at } = locate(meta, logical);
    const next = meta.segments[meta.segments.indexOf(segment) + 1];
    const length = next ? Math.max(0, next.logical - logical) : Infinity;
    return { path: join(this.dir, segment.file), at, length };
  }

  /** Where logical offset `logical` of `stream` lies in its spool file (when it is there). */
  spoolOffset(stream: Stream, logical: number): number {
    const { segment, at } = locate(this.#meta.streams[stream], logical);
    return segment.file === FILES.spool(stream) ? at : 0;
  }

  /** Whether a spool holds bytes beyond what is stored (a run's output not yet indexed). */
  unstored(): boolean {
    return STREAMS.some((stream) => {
      const meta = this.#meta.streams[stream];
      const live = meta.segments[meta.segments.length - 1];
      if (live.file !== FILES.spool(stream)) return false;
      try {
        return this.#spoolSize(stream) > this.spoolOffset(stream, this.end[stream].byte);
      } catch {
        return false;
      }
    });
  }

  /**
   * Stores batches: writes their index records in one call. When that fails nothing is
   * stored (the write is undone) and the error is thrown: the caller retries later from the
   * same place.
   */
  store(batches: readonly Batch[]): void {
    this.#index.append(batches);
    for (const batch of batches) {
      this.end[batch.kind] = { byte: batch.end, line: batch.firstLine + batch.lines };
    }
  }

  /** Records that a run begins now, at the current end of both streams; returns its number. */
  markRun(reason: RunReason, time = Date.now()): number {
    const run = this.runs + 1;
    this.#index.append([{
      kind: "run",
      run,
      reason,
      time,
      stdout: this.end.stdout.byte,
      stderr: this.end.stderr.byte,
    }]);
    this.runs = run;
    return run;
  }

  /**
   * Keeps `stream` within the cap: once more than two caps are retained, punches out its
   * oldest output; without hole punching, rotates the spool once it passes the cap and has
   * been read (to `readTo`) to its end.
   */
  retain(stream: Stream, readTo: number): void {
    const meta = this.#meta.streams[stream];
    if (!this.#puncher) {
      // The older generation is replaced only once all of it has been read.
      const spool = meta.segments[meta.segments.length - 1];
      if (readTo >= spool.logical && this.#spoolSize(stream) - spool.offset > this.maxBytes) {
        this.#rotate(stream);
      }
      return;
    }
    if (this.end[stream].byte - meta.retained.byte <= 2 * this.maxBytes) return;
    this.#retainFrom(stream, this.end[stream].byte - this.maxBytes);
    this.#reclaim(stream);
    this.#compact();
  }

  /**
   * Sets disk space aside ahead of the writers of the spools, the index and the meta (see
   * _store_reserve.ts). False when the disk cannot give it: time to {@link shed}.
   */
  reserve(quietly?: Quietly): boolean {
    return this.#reserve.reserve(quietly);
  }

  /**
   * The disk is full: drops every stored line of both streams, oldest first, so that the
   * program's writes keep finding room (line numbers go on; readers count the lines skipped).
   * In rotation mode a spool holding output not stored yet is emptied at a later call. Returns
   * how many lines and bytes were dropped.
   */
  shed(): { lines: number; bytes: number } {
    const dropped = { lines: 0, bytes: 0 };
    for (const stream of STREAMS) {
      const meta = this.#meta.streams[stream];
      const before = { ...meta.retained };
      if (this.#puncher) {
        if (this.end[stream].byte > meta.retained.byte) meta.retained = { ...this.end[stream] };
        // Freed first, so that the meta can be saved on a full disk: a crash in between leaves
        // a hole where the meta says output is, which readers count as skipped.
        this.#reclaim(stream, true);
      } else {
        const from = (byte: number) => this.#retainedFrom(stream, byte);
        shedSpool(this.dir, this.#meta, stream, this.end[stream], from, this.#pauseWriters);
        this.generation++;
      }
      dropped.lines += meta.retained.line - before.line;
      dropped.bytes += meta.retained.byte - before.byte;
    }
    this.#reserve.reset();
    return dropped;
  }

  /** Saves `stream`'s retained start, then frees what lies before it. */
  #reclaim(stream: Stream, freeFirst = false): void {
    const meta = this.#meta.streams[stream];
    // Files wholly older than the retained output (a migrated history) go.
    while (meta.segments.length > 1 && meta.segments[1].logical <= meta.retained.byte) {
      const [gone] = meta.segments.splice(0, 1);
      if (gone.file !== FILES.spool(stream)) this.#remove(gone.file);
    }
    if (!freeFirst) saveMeta(this.dir, this.#meta);
    const { segment, at } = locate(meta, meta.retained.byte);
    const upTo = Math.floor(at / BLOCK) * BLOCK;
    if (segment.file === FILES.spool(stream) && upTo > 0) {
      this.#puncher!.punch(this.spoolPath(stream), 0, upTo);
    }
    if (freeFirst) saveMeta(this.dir, this.#meta);
  }

  /** Removes a file of the store that no segment needs any more (if it is still there). */
  #remove(file: string): void {
    try {
      Deno.removeSync(join(this.dir, file));
    } catch { /* already gone */ }
  }

  #spoolSize(stream: Stream): number {
    return Deno.statSync(this.spoolPath(stream)).size;
  }

  /** Closes the index. */
  close(): void {
    this.#index.close();
  }

  /** Rotates the spool (see _store_rotation.ts); files a reader holds open may be replaced. */
  #rotate(stream: Stream): void {
    rotateSpool(this.dir, this.#meta, stream, (from) => this.#retainedFrom(stream, from), {
      pauseWriters: this.#pauseWriters,
      step: this.#rotationStep,
    });
    this.generation++;
    this.#reserve.reset();
    this.#compact();
  }

  /** Moves the retained start of `stream` to its first batch that begins at or after `byte`. */
  #retainFrom(stream: Stream, byte: number): void {
    const meta = this.#meta.streams[stream];
    const retained = this.#retainedFrom(stream, byte);
    if (retained.byte > meta.retained.byte) meta.retained = retained;
  }

  /** The start of `stream`'s first batch that begins at or after `byte` (or its end). */
  #retainedFrom(stream: Stream, byte: number): StreamPosition {
    using index = new IndexReader(join(this.dir, FILES.index));
    let found: Batch | null = null;
    for (let i = index.count - 1; i >= 0; i--) {
      const record = index.get(i);
      if (!record || record.kind !== stream) continue;
      if (record.start < byte) break;
      found = record;
    }
    return found ? { byte: found.start, line: found.firstLine } : { ...this.end[stream] };
  }

  /** Rewrites the index without the records of output no longer retained, once many are. */
  #compact(): void {
    if (this.#index.count < 2 * COMPACT_RECORDS) return;
    const kept: IndexRecord[] = [];
    let dropped = 0;
    {
      using index = new IndexReader(join(this.dir, FILES.index));
      for (let i = 0; i < index.count; i++) {
        const record = index.get(i);
        if (!record) continue;
        if (record.kind !== "run" && record.end <= this.#meta.streams[record.kind].retained.byte) {
          dropped++;
        } else kept.push(record);
      }
    }
    if (dropped < COMPACT_RECORDS) return;
    this.#index.rewrite(kept);
  }
}
