/**
 * Reads a store's spool files on from where its tail got to (internal to the output folder;
 * see spool_tail.ts): keeps the files open per store generation, where each stream was read to
 * and the unfinished line after that, and cuts what it reads into batches of whole lines
 * (_line_cutter.ts).
 */
import type { ReadBatch } from "./_interleave.ts";
import { LineCutter, newestFrame } from "./_line_cutter.ts";
import type { OutputStore, Stream } from "./output_store.ts";
import { STREAMS } from "./_store_meta.ts";

/** What one {@link SpoolReader.read} reads at most, unless the stream floods. */
export const READ_BYTES = 64 * 1024;
/**
 * What one read takes of a stream whose last read filled what it asked for (a flood): read
 * straight into the arena below, so its bytes are copied once, by the kernel, and a flood makes
 * four times fewer reads, batches and index records.
 */
export const FLOOD_READ_BYTES = 256 * 1024;
const BUFFER = new Uint8Array(READ_BYTES);
/**
 * Where a flood's reads land: reused from one stored round of reads to the next, so a flood
 * allocates (and zero-fills) nothing. Lent to one reader at a time, until its tail has stored
 * what it read and told its followers ({@link SpoolReader.release}): batches cut from it are
 * not kept past that. Room for a round's three reads after unfinished lines.
 */
const ARENA = new Uint8Array(1024 * 1024);
let arenaHolder: SpoolReader | null = null;
let arenaUsed = 0;

/** See the module comment. */
export class SpoolReader {
  readonly #store: OutputStore;
  readonly #cutter: LineCutter;
  /** Told of the newest frame of an unfinished line redrawn with `\r`, as more of it comes. */
  readonly #partial?: (stream: Stream, frame: string) => void;
  /** Open files by path, from the store generation they were opened in. */
  readonly #files = new Map<string, Deno.FsFile>();
  #generation = 0;
  readonly #readTo: Record<Stream, number>;
  readonly #pending: Record<Stream, Uint8Array> = {
    stdout: new Uint8Array(0),
    stderr: new Uint8Array(0),
  };
  /** Whether the last read of each stream filled what it asked for: more is likely there. */
  readonly #filled: Record<Stream, boolean> = { stdout: false, stderr: false };

  constructor(store: OutputStore, partial?: (stream: Stream, frame: string) => void) {
    this.#store = store;
    this.#cutter = new LineCutter(store);
    this.#partial = partial;
    this.#readTo = { stdout: store.end.stdout.byte, stderr: store.end.stderr.byte };
  }

  /** Where `stream` was read to (its logical offset). */
  readTo(stream: Stream): number {
    return this.#readTo[stream];
  }

  /** Whether the last read of `stream` filled what it asked for: more is likely there. */
  filled(stream: Stream): boolean {
    return this.#filled[stream];
  }

  /**
   * Reads up to {@link READ_BYTES} more of `stream` ({@link FLOOD_READ_BYTES} when its last
   * read was full), cut into `batches`; returns the bytes read.
   */
  read(stream: Stream, batches: ReadBatch[], now: number): number {
    const store = this.#store;
    if (store.generation !== this.#generation) {
      // A rotation replaced the older generation's file: open files afresh.
      this.close();
      this.#generation = store.generation;
    }
    const { path, at, length } = store.locateRead(stream, this.#readTo[stream]);
    let file = this.#files.get(path);
    if (!file) {
      file = Deno.openSync(path, { read: true });
      this.#files.set(path, file);
    }
    file.seekSync(at, Deno.SeekMode.Start);
    const pending = this.#pending[stream];
    const flood = this.#filled[stream];
    const want = Math.min(flood ? FLOOD_READ_BYTES : READ_BYTES, length);
    let chunk: Uint8Array;
    let n: number;
    if (flood) {
      // Straight into the arena (or, when another reader holds it, a chunk of its own), after
      // the unfinished line.
      const size = pending.length + want;
      const own = (arenaHolder !== null && arenaHolder !== this) ||
        arenaUsed + size > ARENA.length;
      const room = own ? new Uint8Array(size) : ARENA.subarray(arenaUsed, arenaUsed + size);
      n = want > 0 ? file.readSync(room.subarray(pending.length)) ?? 0 : 0;
      room.set(pending);
      chunk = room.subarray(0, pending.length + n);
      if (!own) {
        arenaHolder = this;
        arenaUsed += chunk.length;
      }
    } else {
      // Into the shared buffer, then copied: a quiet stream's read allocates only what came.
      n = want > 0 ? file.readSync(BUFFER.subarray(0, want)) ?? 0 : 0;
      chunk = new Uint8Array(pending.length + n);
      chunk.set(pending);
      chunk.set(BUFFER.subarray(0, n), pending.length);
    }
    this.#filled[stream] = n > 0 && n === want;
    if (n === 0) return 0;
    this.#readTo[stream] += n;
    this.#pending[stream] = this.#cutter.split(stream, chunk, batches, now);
    const frame = newestFrame(this.#pending[stream]);
    if (frame !== null) this.#partial?.(stream, frame);
    return n;
  }

  /** The unfinished lines, each as a batch of one line (the writers are gone). */
  rest(now: number): ReadBatch[] {
    const batches: ReadBatch[] = [];
    for (const stream of STREAMS) {
      const pending = this.#pending[stream];
      if (pending.length > 0) batches.push(this.#cutter.batch(stream, pending, 1, now));
    }
    return batches;
  }

  /**
   * Gives the arena back: the batches read since the last release were stored and told, or
   * will be read again. Their bytes may be overwritten from now on.
   */
  release(): void {
    if (arenaHolder !== this) return;
    arenaHolder = null;
    arenaUsed = 0;
  }

  /** Forgets the batches cut so far: they were stored, or will be cut again. */
  forgetBatches(): void {
    this.#cutter.forget();
  }

  /** Forgets what was read past the stored end: it is read again. */
  forgetUnstored(): void {
    this.#cutter.forget();
    for (const stream of STREAMS) {
      this.#readTo[stream] = this.#store.end[stream].byte;
      this.#pending[stream] = new Uint8Array(0);
    }
  }

  /** Closes the open files (they are opened again at the next read). */
  close(): void {
    for (const file of this.#files.values()) file.close();
    this.#files.clear();
  }
}
