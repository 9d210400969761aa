/**
 * A process's output store for unit tests, written as the capture writes it (raw bytes in the
 * spool, then the index), with a hub that knows only that process.
 */
import { join } from "node:path";
import { OutputStore } from "./output_store.ts";
import type { OutputHub } from "./query.ts";
import type { ProcessInfo } from "../types.ts";

/** Writes output into a store as the capture does. */
export class TestLog {
  readonly store: OutputStore;

  constructor(dir: string) {
    this.store = new OutputStore(dir);
  }

  /** Stores `lines`, each with its newline, as one batch. */
  append(stream: "stdout" | "stderr", lines: string[], time: Date): void {
    const bytes = new TextEncoder().encode(lines.map((line) => `${line}\n`).join(""));
    this.appendBytes(stream, bytes, lines.length, time);
  }

  /** Stores raw bytes holding `lines` lines as one batch. */
  appendBytes(stream: "stdout" | "stderr", bytes: Uint8Array, lines: number, time: Date): void {
    Deno.writeFileSync(this.store.spoolPath(stream), bytes, { append: true });
    const end = this.store.end[stream];
    this.store.store([{
      kind: stream,
      time: time.getTime(),
      start: end.byte,
      end: end.byte + bytes.length,
      lines,
      firstLine: end.line,
    }]);
  }
}

/** A process's store (pid 42, "web") and a hub that knows only it. */
export function fixture(): { log: TestLog; hub: OutputHub } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-output-" });
  const log = new TestLog(join(dir, "p"));
  const info = { pid: 42, label: "web", status: "running", log_dir: log.store.dir } as ProcessInfo;
  return {
    log,
    hub: { get: () => Promise.resolve(info) },
    [Symbol.dispose]() {
      log.store.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
