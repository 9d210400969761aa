/**
 * Making an index where there is none (internal to the output store): rebuilding a lost or
 * damaged one from the spool files, and migrating a 0.3 directory, whose lines were stored
 * stamped in `combined.log` (and `combined.log.1`) beside a spool and its `spool.position`.
 */
import { join } from "node:path";
import { type Batch, encodeRecords } from "./_store_index.ts";
import {
  fileCache,
  FILES,
  freshMeta,
  loadMeta,
  readRange,
  saveMeta,
  type Segment,
  type StoreMeta,
  type Stream,
  STREAMS,
} from "./_store_meta.ts";

const BATCH_BYTES = 64 * 1024;
const OLD_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \[(stdout|stderr)\] (.*)$/;
const encoder = new TextEncoder();

/**
 * Migrates a 0.3 directory: the lines of its combined log become the older part of each
 * stream (`<stream>.0`, raw, with their times in the index), and its spool continues after
 * them from the position the old server had stored. Done when output.meta exists; a crash
 * midway is redone on the next open. The old files are removed afterwards.
 */
export function migrateIfOld(dir: string): void {
  if (loadMeta(dir)) return;
  const oldLogs = ["combined.log.1", "combined.log"].map((name) => join(dir, name));
  const text = oldLogs.map(readText).join("");
  const position = readText(join(dir, "spool.position")).trim().split(/\s+/).map(Number);
  if (text === "" && position.length < 2) return;
  const history: Record<Stream, string[]> = { stdout: [], stderr: [] };
  const sizes: Record<Stream, number> = { stdout: 0, stderr: 0 };
  const lines: Record<Stream, number> = { stdout: 0, stderr: 0 };
  const batches: Batch[] = [];
  for (const line of text.split("\n")) {
    const match = OLD_LINE.exec(line);
    if (!match) continue;
    const [, stamp, stream, body] = match as unknown as [string, string, Stream, string];
    const size = encoder.encode(body).length + 1;
    const time = Date.parse(stamp);
    const last = batches.at(-1);
    if (last && last.kind === stream && last.time === time && last.end - last.start < BATCH_BYTES) {
      last.end += size;
      last.lines++;
    } else {
      batches.push({
        kind: stream,
        time,
        start: sizes[stream],
        end: sizes[stream] + size,
        lines: 1,
        firstLine: lines[stream],
      });
    }
    history[stream].push(body);
    sizes[stream] += size;
    lines[stream]++;
  }
  const meta = freshMeta();
  STREAMS.forEach((stream, i) => {
    const stored = Number.isSafeInteger(position[i]) && position[i] > 0 ? position[i] : 0;
    const segments: Segment[] = [];
    if (sizes[stream] > 0) {
      Deno.writeTextFileSync(
        join(dir, FILES.history(stream)),
        history[stream].join("\n") + "\n",
        { mode: 0o600 },
      );
      segments.push({ file: FILES.history(stream), logical: 0, offset: 0 });
    }
    segments.push({ file: FILES.spool(stream), logical: sizes[stream], offset: stored });
    meta.streams[stream].segments = segments;
  });
  writeIndex(dir, batches);
  saveMeta(dir, meta);
  for (const name of ["stdout.log", "stderr.log", "combined.log", "spool.position"]) {
    for (const file of [name, `${name}.1`, `${name}.start`, `${name}.1.start`]) {
      try {
        Deno.removeSync(join(dir, file));
      } catch { /* not there */ }
    }
  }
}

/**
 * Rebuilds the index from the spool files: every complete line from the retained start on,
 * in batches, stdout before stderr (their true order is lost with the index), each with its
 * file's modification time.
 */
export function rebuildIndex(dir: string, meta: StoreMeta): void {
  const batches: Batch[] = [];
  for (const stream of STREAMS) {
    const streamMeta = meta.streams[stream];
    const last = streamMeta.segments[streamMeta.segments.length - 1];
    let size = 0;
    let time = Date.now();
    try {
      const info = Deno.statSync(join(dir, last.file));
      size = info.size;
      time = info.mtime?.getTime() ?? time;
    } catch { /* no spool: nothing to index */ }
    const end = last.logical + Math.max(0, size - last.offset);
    let bytes: Uint8Array;
    {
      using files = fileCache(dir);
      bytes = readRange(streamMeta, streamMeta.retained.byte, end, files.open);
    }
    // Punched-out bytes read as zeros: start after them, at the next whole line.
    let at = 0;
    while (at < bytes.length && bytes[at] === 0) at++;
    if (at > 0) at = bytes.indexOf(0x0a, at) + 1 || bytes.length;
    let line = streamMeta.retained.line;
    const base = streamMeta.retained.byte;
    while (at < bytes.length) {
      const limit = Math.min(bytes.length, at + BATCH_BYTES);
      let cut = bytes.lastIndexOf(0x0a, limit - 1);
      if (cut < at) cut = bytes.indexOf(0x0a, limit);
      if (cut === -1) break; // an unfinished line: the tail stores it when it ends
      let count = 0;
      for (let i = bytes.indexOf(0x0a, at); i !== -1 && i <= cut; i = bytes.indexOf(0x0a, i + 1)) {
        count++;
      }
      batches.push({
        kind: stream,
        time,
        start: base + at,
        end: base + cut + 1,
        lines: count,
        firstLine: line,
      });
      line += count;
      at = cut + 1;
    }
  }
  writeIndex(dir, batches);
}

function writeIndex(dir: string, batches: Batch[]): void {
  const path = join(dir, FILES.index);
  Deno.writeFileSync(`${path}.tmp`, encodeRecords(batches), { mode: 0o600 });
  Deno.renameSync(`${path}.tmp`, path);
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}
