/**
 * Copy-truncate rotation of a spool (internal to the output store), in steps that a SIGKILL
 * may interrupt anywhere. The copy goes to `<stream>.1.tmp`; then, with the writers paused,
 * `output.meta` records the step about to be taken (the journal: what was copied, and the
 * layout once done) before anything that cannot be undone happens: the rename over the older
 * generation and the emptying of the spool. The next open of the store finishes a journaled
 * step ({@link finishRotation}); a copy that was never journaled is simply made again.
 *
 * Whether the spool was emptied before the kill is told by its content: its first `copied`
 * bytes are still those of the copy, or they are not (emptied, then written again).
 */
import { join } from "node:path";
import {
  FILES,
  loadMeta,
  saveMeta,
  type StoreMeta,
  type Stream,
  type StreamPosition,
  STREAMS,
} from "./_store_meta.ts";

/** The steps of a rotation, in order, as told to a test's injection hook. */
export type RotationStep = "copied" | "journaled" | "renamed" | "emptied" | "saved";

/** How a rotation pauses the writers and lets a test kill it at a step. */
export interface RotationHooks {
  pauseWriters: () => () => void;
  step?: (step: RotationStep) => void;
}

/**
 * Rotates `stream`'s spool: copies it to `<stream>.1`, replacing the older generation, and
 * empties it, so that `retained` becomes where the copied spool began. Returns nothing; the
 * meta is updated in place and saved.
 */
export function rotateSpool(
  dir: string,
  meta: StoreMeta,
  stream: Stream,
  retained: (from: number) => StreamPosition,
  hooks: RotationHooks,
): void {
  const streamMeta = meta.streams[stream];
  const spool = streamMeta.segments[streamMeta.segments.length - 1];
  const spoolPath = join(dir, FILES.spool(stream));
  const tmpPath = join(dir, `${FILES.older(stream)}.tmp`);
  const source = Deno.openSync(spoolPath, { read: true, write: true });
  let paused: (() => void) | null = null;
  try {
    const target = Deno.openSync(tmpPath, {
      write: true,
      create: true,
      truncate: true,
      mode: 0o600,
    });
    let copied = 0;
    try {
      copied = copyFrom(source, target, 0);
      hooks.step?.("copied");
      paused = hooks.pauseWriters();
      copied = copyFrom(source, target, copied);
    } finally {
      target.close();
    }
    const next = spool.logical + copied - spool.offset;
    streamMeta.rotation = {
      copied,
      segments: [
        { file: FILES.older(stream), logical: spool.logical, offset: spool.offset },
        { file: FILES.spool(stream), logical: next, offset: 0 },
      ],
      retained: retained(spool.logical),
    };
    saveMeta(dir, meta);
    hooks.step?.("journaled");
    finishRotation(dir, meta, stream, () => {
      source.truncateSync(0);
      return true;
    }, hooks.step);
  } finally {
    paused?.();
    source.close();
  }
}

/**
 * The disk is full (rotation mode): drops the older generation, and empties the spool when
 * all of it is stored (to `end`), with the writers paused, through the same journaled steps
 * as a rotation, minus the copy. Output stored is then no longer retained.
 */
export function shedSpool(
  dir: string,
  meta: StoreMeta,
  stream: Stream,
  end: StreamPosition,
  retained: (from: number) => StreamPosition,
  pauseWriters: () => () => void,
): void {
  const streamMeta = meta.streams[stream];
  const spool = streamMeta.segments[streamMeta.segments.length - 1];
  const source = Deno.openSync(join(dir, FILES.spool(stream)), { read: true, write: true });
  // The older generation goes first: that frees room to save the meta on a full disk (a crash
  // right after leaves a missing file where the meta says output is: readers skip it).
  try {
    Deno.removeSync(join(dir, FILES.older(stream)));
  } catch { /* none */ }
  const resume = pauseWriters();
  try {
    const size = source.statSync().size;
    const all = spool.offset + end.byte - spool.logical === size;
    // Not all stored: the spool stays as it is (`copied` is its offset), the older file goes.
    streamMeta.rotation = all
      ? {
        copied: size,
        segments: [{ file: FILES.spool(stream), logical: end.byte, offset: 0 }],
        retained: { ...end },
      }
      : { copied: spool.offset, segments: [{ ...spool }], retained: retained(spool.logical) };
    saveMeta(dir, meta);
    finishRotation(dir, meta, stream, () => {
      if (all) source.truncateSync(0);
      return all;
    });
  } finally {
    resume();
    source.close();
  }
}

/**
 * Finishes the journaled rotation of `stream`, if any: puts the copy in place, removes the
 * files the new layout no longer needs, empties the spool (`empty`, which says whether it
 * could: at open the spool is never emptied, since it may hold newer output), and saves the
 * layout. A spool found not emptied keeps its copied bytes, which are skipped by offset.
 */
export function finishRotation(
  dir: string,
  meta: StoreMeta,
  stream: Stream,
  empty: () => boolean = () => false,
  step?: (step: RotationStep) => void,
): void {
  const streamMeta = meta.streams[stream];
  const journal = streamMeta.rotation;
  if (!journal) return;
  const olderPath = join(dir, FILES.older(stream));
  const kept = new Set(journal.segments.map((segment) => segment.file));
  if (kept.has(FILES.older(stream))) {
    try {
      Deno.renameSync(`${olderPath}.tmp`, olderPath);
    } catch { /* renamed before */ }
  }
  step?.("renamed");
  for (const file of [...streamMeta.segments.map((segment) => segment.file), FILES.older(stream)]) {
    if (kept.has(file) || file === FILES.spool(stream)) continue;
    try {
      Deno.removeSync(join(dir, file));
    } catch { /* removed before */ }
  }
  const emptied = empty() || !holdsCopy(dir, stream, journal.copied);
  if (emptied) step?.("emptied");
  const segments = structuredClone(journal.segments);
  if (!emptied) segments[segments.length - 1].offset = journal.copied;
  streamMeta.segments = segments;
  if (journal.retained.byte > streamMeta.retained.byte) streamMeta.retained = journal.retained;
  delete streamMeta.rotation;
  saveMeta(dir, meta);
  step?.("saved");
}

/** Whether the spool still begins with the `copied` bytes that are now `<stream>.1`'s end. */
function holdsCopy(dir: string, stream: Stream, copied: number): boolean {
  const tail = Math.min(copied, 64 * 1024);
  const read = (file: string) => {
    try {
      using f = Deno.openSync(join(dir, file), { read: true });
      f.seekSync(copied - tail, Deno.SeekMode.Start);
      const bytes = new Uint8Array(tail);
      let got = 0;
      while (got < tail) {
        const n = f.readSync(bytes.subarray(got));
        if (n === null) return null;
        got += n;
      }
      return bytes;
    } catch {
      return null;
    }
  };
  const spool = read(FILES.spool(stream));
  const older = read(FILES.older(stream));
  // Without a copy (a shed, see shedSpool), the size tells: the writers are still paused.
  if (older === null) return spool !== null;
  return spool !== null && spool.every((byte, i) => byte === older[i]);
}

/** Copies `source` from `from` to its current end (and what grows meanwhile); returns the end. */
function copyFrom(source: Deno.FsFile, target: Deno.FsFile, from: number): number {
  const buffer = new Uint8Array(1024 * 1024);
  let copied = from;
  for (let size = source.statSync().size; size > copied; size = source.statSync().size) {
    source.seekSync(copied, Deno.SeekMode.Start);
    while (copied < size) {
      const n = source.readSync(buffer.subarray(0, Math.min(buffer.length, size - copied)));
      if (n === null) break;
      let written = 0;
      while (written < n) written += target.writeSync(buffer.subarray(written, n));
      copied += n;
    }
  }
  return copied;
}

/**
 * Finishes the rotations a killed server left half done in one process's output folder (see
 * _store_rotation.ts). A server's first step, while the writers that server paused are still
 * paused: the spools are then as the kill left them. Never throws: what cannot be finished
 * now is finished when the store is opened.
 */
export function finishInterruptedRotation(dir: string): void {
  const meta = loadMeta(dir);
  if (!meta) return;
  try {
    for (const stream of STREAMS) finishRotation(dir, meta, stream);
  } catch { /* finished at open */ }
}
