import assert from "node:assert/strict";
import { fitBytes, MatchGroups, NewestLines } from "./window.ts";

function grep(lines: string[], pattern: RegExp, maxHits: number, context: number) {
  const groups = new MatchGroups(maxHits, context);
  lines.forEach((text, i) => groups.push(i, text, pattern.test(text)));
  return { hits: groups.hits, lines: groups.lines().map((l) => l.text) };
}

const LOG = ["a", "b", "ERR 1", "c", "d", "e", "f", "ERR 2", "g", "ERR 3", "h", "i", "j"];

Deno.test("MatchGroups keeps context around matches and merges touching groups", () => {
  assert.deepEqual(grep(LOG, /ERR/, 10, 1), {
    hits: 3,
    lines: ["b", "ERR 1", "c", "--", "f", "ERR 2", "g", "ERR 3", "h"],
  });
  assert.deepEqual(grep(LOG, /ERR/, 10, 0).lines, ["ERR 1", "--", "ERR 2", "--", "ERR 3"]);
});

Deno.test("MatchGroups keeps only the newest matches, each still with its context", () => {
  assert.deepEqual(grep(LOG, /ERR/, 2, 1), {
    hits: 3,
    lines: ["f", "ERR 2", "g", "ERR 3", "h"],
  });
  // A dropped match is not shown as context of the next one: it counts as omitted.
  assert.deepEqual(grep(LOG, /ERR/, 1, 2).lines, ["g", "ERR 3", "h", "i"]);
});

Deno.test("NewestLines keeps the last lines pushed", () => {
  const newest = new NewestLines(3);
  for (let i = 0; i < 100; i++) newest.push(`l${i}`);
  assert.deepEqual(newest.lines().map((l) => l.text), ["l97", "l98", "l99"]);
});

Deno.test("fitBytes keeps the newest lines within the budget and counts matches left out", () => {
  const kept = ["aaaa", "bbbb", "cccc"].map((text) => ({ text, hit: true }));
  assert.deepEqual(fitBytes(kept, 10), {
    lines: ["bbbb", "cccc"],
    times: [null, null],
    omittedHits: 1,
  });
  assert.deepEqual(fitBytes(kept, 100), {
    lines: ["aaaa", "bbbb", "cccc"],
    times: [null, null, null],
    omittedHits: 0,
  });
});

Deno.test("fitBytes counts multi-byte characters as bytes and drops a leading separator", () => {
  const kept = [
    { text: "ERR", hit: true },
    { text: "--", hit: false },
    { text: "ééé", hit: true }, // 6 bytes
  ];
  assert.deepEqual(fitBytes(kept, 7), { lines: ["ééé"], times: [null], omittedHits: 1 });
  assert.deepEqual(fitBytes(kept, 10), { lines: ["ééé"], times: [null], omittedHits: 1 });
});

Deno.test("fitBytes cuts a single line larger than the budget and says so", () => {
  const { lines, omittedHits } = fitBytes([{ text: "x".repeat(10_000), hit: true }], 300);
  assert.equal(omittedHits, 0);
  assert.match(lines[0], /^x+… \[line cut: \d+ more bytes\]$/);
  assert.ok(new TextEncoder().encode(lines[0]).length <= 300);
});
