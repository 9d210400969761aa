/**
 * The layout of a process's stored output (internal to the output store): file names, and
 * `output.meta`, which maps each stream's logical byte offsets to the files that hold them
 * and says where the retained part of each stream begins.
 *
 * A stream's bytes are numbered from its first byte ever stored (its logical offset); those
 * numbers never change, so index records and cursors stay valid when files rotate. A segment
 * says that logical offsets from `logical` on are in `file` from byte `offset` on, up to the
 * next segment's start.
 */
import { join } from "node:path";

/** The two captured streams. */
export type Stream = "stdout" | "stderr";
export const STREAMS: readonly Stream[] = ["stdout", "stderr"];

/** A place in one stream: bytes and lines stored before it. */
export interface StreamPosition {
  byte: number;
  line: number;
}

/** A place in both streams (a combined read advances both). */
export type Position = Record<Stream, StreamPosition>;

/** One file holding part of a stream. */
export interface Segment {
  file: string;
  logical: number;
  offset: number;
}

/** What output.meta records of one stream. */
export interface StreamMeta {
  segments: Segment[];
  /** The oldest retained line: older bytes were punched out or rotated away. */
  retained: StreamPosition;
  /** A rotation under way (_store_rotation.ts), finished at the next open. */
  rotation?: RotationJournal;
}

/** What output.meta records of a rotation under way (see _store_rotation.ts). */
export interface RotationJournal {
  /** Bytes of the spool copied to `<stream>.1.tmp`. */
  copied: number;
  /** The stream's segments once the spool is emptied (its spool segment at offset 0). */
  segments: Segment[];
  /** The stream's retained start once done. */
  retained: StreamPosition;
}

/** The whole of output.meta. */
export interface StoreMeta {
  version: 2;
  streams: Record<Stream, StreamMeta>;
}

/** File names inside a process's output directory. */
export const FILES = {
  index: "output.index",
  meta: "output.meta",
  spool: (stream: Stream) => `${stream}.spool`,
  older: (stream: Stream) => `${stream}.1`,
  history: (stream: Stream) => `${stream}.0`,
} as const;

/** The meta of a new store: each stream in its spool file, from its first byte. */
export function freshMeta(): StoreMeta {
  const stream = (s: Stream): StreamMeta => ({
    segments: [{ file: FILES.spool(s), logical: 0, offset: 0 }],
    retained: { byte: 0, line: 0 },
  });
  return { version: 2, streams: { stdout: stream("stdout"), stderr: stream("stderr") } };
}

/** Reads output.meta; null when missing or not understood. */
export function loadMeta(dir: string): StoreMeta | null {
  try {
    const meta = JSON.parse(Deno.readTextFileSync(join(dir, FILES.meta)));
    if (meta?.version === 2 && meta.streams?.stdout && meta.streams?.stderr) return meta;
  } catch { /* missing or damaged */ }
  return null;
}

/**
 * Writes output.meta whole (a reader or a crash sees the old one or the new one). The new one
 * is written over `output.meta.tmp` without emptying it first, so that where disk was set
 * aside for that file (OutputStore.reserve) a full disk does not stop it.
 */
export function saveMeta(dir: string, meta: StoreMeta): void {
  const path = join(dir, FILES.meta);
  const bytes = new TextEncoder().encode(JSON.stringify(meta));
  {
    using file = Deno.openSync(`${path}.tmp`, { write: true, create: true, mode: 0o600 });
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    file.truncateSync(bytes.length);
  }
  Deno.renameSync(`${path}.tmp`, path);
}

/** Where logical offset `logical` of a stream is: the segment and the offset in its file. */
export function locate(meta: StreamMeta, logical: number): { segment: Segment; at: number } {
  let segment = meta.segments[0];
  for (const s of meta.segments) if (s.logical <= logical) segment = s;
  return { segment, at: segment.offset + logical - segment.logical };
}

/**
 * Reads logical bytes `[start, end)` of a stream through its segments, with files opened by
 * `open` (which may cache them). Bytes a file no longer has read as missing: the result is
 * then shorter. The bytes are read into `into` when it is large enough (a caller reading many
 * ranges reuses one buffer), else into a new one.
 */
export function readRange(
  meta: StreamMeta,
  start: number,
  end: number,
  open: (file: string) => Deno.FsFile | null,
  into?: Uint8Array,
): Uint8Array {
  const size = Math.max(0, end - start);
  const out = into && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
  let filled = 0;
  while (start + filled < end) {
    const logical = start + filled;
    const index = meta.segments.findLastIndex((s) => s.logical <= logical);
    const segment = meta.segments[Math.max(0, index)];
    const next = meta.segments[index + 1];
    const stop = Math.min(end, next ? next.logical : end);
    const file = open(segment.file);
    if (!file) break;
    file.seekSync(segment.offset + logical - segment.logical, Deno.SeekMode.Start);
    let got = 0;
    while (got < stop - logical) {
      const n = file.readSync(out.subarray(filled + got, filled + stop - logical));
      if (n === null) break;
      got += n;
    }
    filled += got;
    if (got < stop - logical) break;
  }
  return out.subarray(0, filled);
}

/** An `open` for {@link readRange} that keeps files open until disposed. */
export function fileCache(dir: string): {
  open: (file: string) => Deno.FsFile | null;
  [Symbol.dispose](): void;
} {
  const files = new Map<string, Deno.FsFile | null>();
  return {
    open(file) {
      if (!files.has(file)) {
        try {
          files.set(file, Deno.openSync(join(dir, file), { read: true }));
        } catch {
          files.set(file, null);
        }
      }
      return files.get(file)!;
    },
    [Symbol.dispose]() {
      for (const file of files.values()) file?.close();
    },
  };
}
