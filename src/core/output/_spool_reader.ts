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

/** The most one {@link SpoolReader.read} reads. */
export const READ_BYTES = 64 * 1024;
const BUFFER = new Uint8Array(READ_BYTES);

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

  /** Reads up to {@link READ_BYTES} more of `stream`, cut into `batches`; returns the bytes read. */
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
    const n = file.readSync(BUFFER.subarray(0, Math.min(BUFFER.length, length))) ?? 0;
    if (n === 0) return 0;
    this.#readTo[stream] += n;
    const pending = this.#pending[stream];
    const chunk = new Uint8Array(pending.length + n);
    chunk.set(pending);
    chunk.set(BUFFER.subarray(0, n), pending.length);
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
