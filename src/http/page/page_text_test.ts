import assert from "node:assert/strict";

const ASSETS = new URL("./assets/", import.meta.url);

Deno.test("the page puts user data (labels, commands, lines) in as text: every innerHTML is a constant", () => {
  for (const entry of Deno.readDirSync(ASSETS)) {
    if (!entry.name.endsWith(".js")) continue;
    const source = Deno.readTextFileSync(new URL(entry.name, ASSETS));
    assert.doesNotMatch(source, /insertAdjacentHTML|outerHTML\s*=|document\.write/, entry.name);
    for (const [assignment] of source.matchAll(/innerHTML\s*=[^;]*;/g)) {
      // A string literal alone: no template, no concatenation, no variable.
      assert.match(assignment, /^innerHTML\s*=\s*(?:'[^'`$+]*'|"[^"`$+]*")\s*;$/, entry.name);
    }
  }
});
