import assert from "node:assert/strict";
import { posix } from "node:path";
import { baseName, joinPath, resolvePath } from "./file_path.ts";

const SEGMENTS = [
  "",
  ".",
  "..",
  "a",
  "b",
  "/",
  "//",
  "a/",
  "/a",
  "./b",
  "../c",
  "a/../..",
  "x/./y",
];

/** Every list of up to three segments, and each segment alone. */
function* lists(): Generator<string[]> {
  yield [];
  for (const a of SEGMENTS) {
    yield [a];
    for (const b of SEGMENTS) {
      yield [a, b];
      for (const c of SEGMENTS) yield [a, b, c];
    }
  }
}

Deno.test("joinPath and resolvePath answer as node:path's posix rules do", {
  ignore: Deno.build.os === "windows",
}, () => {
  for (const parts of lists()) {
    assert.equal(joinPath(...parts), posix.join(...parts), JSON.stringify(parts));
    assert.equal(resolvePath(...parts), posix.resolve(...parts), JSON.stringify(parts));
  }
});

Deno.test("baseName answers as node:path's posix basename does", {
  ignore: Deno.build.os === "windows",
}, () => {
  for (const parts of lists()) {
    const path = parts.join("");
    assert.equal(baseName(path), posix.basename(path), JSON.stringify(path));
  }
  assert.equal(baseName("/usr/bin/deno"), "deno");
});
