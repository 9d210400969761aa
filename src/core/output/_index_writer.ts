/**
 * Writing `output.index` (internal to the output store, output_store.ts): finding where its
 * whole records end, appending records, and rewriting it whole when it is compacted. The
 * format itself is _store_index.ts's.
 */
import { encodeRecords, IndexReader, type IndexRecord, RECORD_BYTES } from "./_store_index.ts";
import type { Position } from "./_store_meta.ts";

/** What the index holds: its whole records, the end of each stream, and the newest run. */
export function scanIndex(
  path: string,
): { count: number; end: Position; runs: number; valid: boolean } {
  const end: Position = { stdout: { byte: 0, line: 0 }, stderr: { byte: 0, line: 0 } };
  using index = new IndexReader(path);
  let runs = 0;
  for (let i = 0; i < index.count; i++) {
    const record = index.get(i);
    if (!record) return { count: 0, end, runs: 0, valid: false };
    if (record.kind === "run") runs = Math.max(runs, record.run);
    else end[record.kind] = { byte: record.end, line: record.firstLine + record.lines };
  }
  let exists = true;
  try {
    Deno.statSync(path);
  } catch {
    exists = false;
  }
  return { count: index.count, end, runs, valid: exists };
}

/** The index open for appending, after its first `count` whole records. */
export class IndexWriter {
  readonly #path: string;
  #file: Deno.FsFile;
  #bytes: number;

  constructor(path: string, count: number) {
    this.#path = path;
    this.#file = Deno.openSync(path, { read: true, write: true, create: true, mode: 0o600 });
    // A record torn by a crash is dropped: its batch is stored again from the spool.
    this.#bytes = count * RECORD_BYTES;
    this.#file.truncateSync(this.#bytes);
  }

  /** How many records the index holds. */
  get count(): number {
    return this.#bytes / RECORD_BYTES;
  }

  /** Appends records in one write; when that fails, undoes it and throws. */
  append(records: readonly IndexRecord[]): void {
    if (records.length === 0) return;
    const bytes = encodeRecords(records);
    try {
      this.#file.seekSync(this.#bytes, Deno.SeekMode.Start);
      let done = 0;
      while (done < bytes.length) done += this.#file.writeSync(bytes.subarray(done));
      this.#bytes += bytes.length;
    } catch (error) {
      try {
        this.#file.truncateSync(this.#bytes);
      } catch { /* the records are ignored on reading anyway: a torn one is dropped at open */ }
      throw error;
    }
  }

  /** Replaces the index with `records` (a reader or a crash sees the old one or the new). */
  rewrite(records: readonly IndexRecord[]): void {
    Deno.writeFileSync(`${this.#path}.tmp`, encodeRecords(records), { mode: 0o600 });
    Deno.renameSync(`${this.#path}.tmp`, this.#path);
    this.#file.close();
    this.#file = Deno.openSync(this.#path, { read: true, write: true });
    this.#bytes = records.length * RECORD_BYTES;
  }

  /** Closes the index. */
  close(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}
