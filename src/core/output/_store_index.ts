/**
 * The index of a process's stored output (`output.index`): one fixed-size binary record per
 * stored batch (stream, byte range, line count, number of its first line, arrival time) and
 * one per run start. Records are appended in the order batches were stored, which is the
 * order of the combined stream. Internal to the output store (output_store.ts).
 */

/** Size of one record in bytes. */
export const RECORD_BYTES = 40;

/** Lines that arrived together on one stream: bytes `[start, end)` of its logical log. */
export interface Batch {
  kind: "stdout" | "stderr";
  /** Arrival time, epoch ms. */
  time: number;
  start: number;
  end: number;
  lines: number;
  /** Number of the batch's first line among all lines the stream ever stored. */
  firstLine: number;
}

/** Why a run began. */
export const RUN_REASONS = ["start", "restart", "autorestart"] as const;
export type RunReason = typeof RUN_REASONS[number];

/** Where a run began: its number, time and reason, and each stream's end at that moment. */
export interface RunMark {
  kind: "run";
  run: number;
  reason: RunReason;
  time: number;
  stdout: number;
  stderr: number;
}

/** One record of the index. */
export type IndexRecord = Batch | RunMark;

const KIND_CODES = { stdout: 1, stderr: 2, run: 3 } as const;

/** Writes `record` into `view` at `offset`. */
export function encodeRecord(record: IndexRecord, view: DataView, offset: number): void {
  view.setUint8(offset, KIND_CODES[record.kind]);
  view.setUint8(offset + 1, record.kind === "run" ? RUN_REASONS.indexOf(record.reason) : 0);
  view.setUint16(offset + 2, 0, true);
  view.setUint32(offset + 4, record.kind === "run" ? record.run : record.lines, true);
  view.setFloat64(offset + 8, record.time, true);
  view.setFloat64(offset + 16, record.kind === "run" ? record.stdout : record.start, true);
  view.setFloat64(offset + 24, record.kind === "run" ? record.stderr : record.end, true);
  view.setFloat64(offset + 32, record.kind === "run" ? 0 : record.firstLine, true);
}

/** Reads the record at `offset`; null when it is not a well-formed record (damage). */
export function decodeRecord(view: DataView, offset: number): IndexRecord | null {
  const code = view.getUint8(offset);
  const count = view.getUint32(offset + 4, true);
  const time = view.getFloat64(offset + 8, true);
  const a = view.getFloat64(offset + 16, true);
  const b = view.getFloat64(offset + 24, true);
  const line = view.getFloat64(offset + 32, true);
  if (!Number.isFinite(time) || !isOffset(a) || !isOffset(b)) return null;
  if (code === KIND_CODES.run) {
    const reason = RUN_REASONS[view.getUint8(offset + 1)];
    if (!reason || count < 1) return null;
    return { kind: "run", run: count, reason, time, stdout: a, stderr: b };
  }
  if (code !== KIND_CODES.stdout && code !== KIND_CODES.stderr) return null;
  if (b < a || !isOffset(line) || count > b - a + 1) return null;
  const kind = code === KIND_CODES.stdout ? "stdout" : "stderr";
  return { kind, time, start: a, end: b, lines: count, firstLine: line };
}

function isOffset(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Encodes records into one buffer, ready to append. */
export function encodeRecords(records: readonly IndexRecord[]): Uint8Array {
  const bytes = new Uint8Array(records.length * RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  records.forEach((record, i) => encodeRecord(record, view, i * RECORD_BYTES));
  return bytes;
}

const PAGE_RECORDS = 1024;

/**
 * Random access to the records of an index file as it was when opened, a page at a time, so
 * reading the newest records of a large index costs the same as of a small one.
 */
export class IndexReader implements Disposable {
  /** Number of whole records. */
  readonly count: number;
  readonly #file: Deno.FsFile | null;
  readonly #pages = new Map<number, DataView>();

  constructor(path: string) {
    let file: Deno.FsFile | null = null;
    let size = 0;
    try {
      file = Deno.openSync(path, { read: true });
      size = file.statSync().size;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    this.#file = file;
    this.count = Math.floor(size / RECORD_BYTES);
  }

  /** The record at `index` (0 ≤ index < count); null when damaged. */
  get(index: number): IndexRecord | null {
    const page = Math.floor(index / PAGE_RECORDS);
    let view = this.#pages.get(page);
    if (!view) {
      const first = page * PAGE_RECORDS;
      const records = Math.min(PAGE_RECORDS, this.count - first);
      const bytes = new Uint8Array(records * RECORD_BYTES);
      this.#file!.seekSync(first * RECORD_BYTES, Deno.SeekMode.Start);
      let read = 0;
      while (read < bytes.length) {
        const n = this.#file!.readSync(bytes.subarray(read));
        if (n === null) break;
        read += n;
      }
      view = new DataView(bytes.buffer);
      if (this.#pages.size > 64) this.#pages.clear();
      this.#pages.set(page, view);
    }
    const offset = (index % PAGE_RECORDS) * RECORD_BYTES;
    return offset + RECORD_BYTES <= view.byteLength ? decodeRecord(view, offset) : null;
  }

  [Symbol.dispose](): void {
    this.#file?.close();
  }
}
