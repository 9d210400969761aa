/**
 * End-to-end: however servers race for one data directory, also right after the holder was
 * killed by SIGKILL, exactly one of them runs.
 */
import assert from "node:assert/strict";
import { FIXTURES } from "./_hub.ts";

const ROUNDS = 25;

/** A process taking the lock as a server does; says whether it got it. */
class Contender implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly verdict: Promise<string>;

  constructor(dataDir: string) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${FIXTURES}hold_lock.ts`, dataDir],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#child = child;
    this.verdict = (async () => {
      let text = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        if (text.includes("\n")) break;
      }
      return text.trim();
    })();
  }

  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* exited */ }
    await this.#child.status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
    await this.verdict.catch(() => {});
  }
}

Deno.test("two servers started together after the holder's SIGKILL never both run", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-lock-" });
  try {
    await using first = new Contender(dataDir);
    assert.equal(await first.verdict, "locked");
    let holder: Contender = first;
    const contenders: Contender[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await holder.kill(); // as a crash would: the lock file stays behind
        const pair = [new Contender(dataDir), new Contender(dataDir)];
        contenders.push(...pair);
        const verdicts = await Promise.all(pair.map((c) => c.verdict));
        assert.deepEqual([...verdicts].sort(), ["locked", "refused"], `round ${round}`);
        holder = pair[verdicts.indexOf("locked")];
      }
    } finally {
      for (const contender of contenders) await contender[Symbol.asyncDispose]();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
