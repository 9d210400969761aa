/**
 * Disk set aside ahead of the writers of one output store (internal to it): past the end of
 * each spool, so that a disk filling up fails none of the program's appends, and of the index
 * and the meta's spare file, so that the server can still record what it drops (see
 * system/disk_reserve.ts). Where the reserve cannot be made again, the disk is full and the
 * store sheds its output (OutputStore.shed).
 */
import { join } from "node:path";
import { type DiskReserver, freeBytes, openReserver } from "../system/disk_reserve.ts";
import { FILES, type Stream, STREAMS } from "./_store_meta.ts";

/** Set aside ahead of each spool's writer: what a program may print between two polls. */
const SPOOL_RESERVE = 256 * 1024;
const INDEX_RESERVE = 64 * 1024;
const META_RESERVE = 16 * 1024;
/** Free space below which the disk counts as full even when the reserve could be made. */
const HEADROOM = 2 * SPOOL_RESERVE + INDEX_RESERVE;

/**
 * Runs `set`, which sets disk aside for `stream`'s spool (null: another file). A fallocate
 * counts as a write to the kernel's write-order events (system/write_order.ts): the tail runs
 * it so that its event is not taken for the program's.
 */
export type Quietly = (stream: Stream | null, set: () => boolean) => boolean;

/** The reserve of one store; see the module comment. */
export class StoreReserve {
  readonly #dir: string;
  readonly #reserver: DiskReserver | null;
  /** Per file, up to where disk is set aside. */
  readonly #reservedTo = new Map<string, number>();

  constructor(dir: string, reserver: DiskReserver | null = openReserver()) {
    this.#dir = dir;
    this.#reserver = reserver;
  }

  /** Forgets what was set aside: files were emptied. */
  reset(): void {
    this.#reservedTo.clear();
  }

  /**
   * Sets disk aside where half of it was used; false when the disk cannot give it, or has
   * less than a little room left beyond it (the disk is full).
   */
  reserve(quietly: Quietly = (_, set) => set()): boolean {
    if (!this.#reserver) return true;
    const reserver = this.#reserver;
    let ok = true;
    // Set aside again only once half of it is used.
    for (const [path, length, stream] of this.#reserved) {
      let size: number;
      let allocated: number;
      try {
        const stat = Deno.statSync(path);
        size = stat.size;
        allocated = (stat.blocks ?? 0) * 512;
      } catch {
        continue;
      }
      // The meta's spare file is replaced at each save: what it holds is measured instead.
      const until = stream === null && length === META_RESERVE
        ? allocated
        : this.#reservedTo.get(path) ?? 0;
      if (size + length / 2 <= until) continue;
      if (quietly(stream, () => reserver.reserve(path, length))) {
        this.#reservedTo.set(path, size + length);
      } else ok = false;
    }
    const free = freeBytes(this.#dir);
    return ok && (free === null || free >= HEADROOM);
  }

  /** The files a reserve is kept for, and how much. */
  get #reserved(): [string, number, Stream | null][] {
    const metaTmp = join(this.#dir, `${FILES.meta}.tmp`);
    try {
      Deno.openSync(metaTmp, { write: true, create: true, mode: 0o600 }).close();
    } catch { /* set aside once the disk has room */ }
    return [
      [metaTmp, META_RESERVE, null],
      [join(this.#dir, FILES.index), INDEX_RESERVE, null],
      ...STREAMS.map((
        s,
      ): [string, number, Stream] => [join(this.#dir, FILES.spool(s)), SPOOL_RESERVE, s]),
    ];
  }
}
