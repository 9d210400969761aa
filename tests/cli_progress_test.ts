/**
 * End-to-end, at a real terminal (tmux): `run` redraws a progress line in place while it is
 * being drawn, and prints it as it ended up once it ends.
 */
import assert from "node:assert/strict";
import { hasTmux, TmuxSession } from "./_cli.ts";
import { FIXTURES, startHub } from "./_hub.ts";

Deno.test({
  name: "run redraws a progress line in place at a terminal",
  ignore: !(await hasTmux()),
  fn: async () => {
    await using hub = await startHub();
    await using tmux = await TmuxSession.start(hub, ["run", `${FIXTURES}progress.sh`]);
    // The line has no newline yet: only its newest frame shows, on a line of its own.
    const screen = await tmux.waitForScreen(/^starting\nBuilding 50%$/m);
    assert.doesNotMatch(screen.input, /Building 10%/);
    await tmux.sendKeys("C-c");
    await tmux.waitForScreen(/Stop .*\? \[y\/N\]/);
    await tmux.sendKeys("Enter");
    await tmux.waitForScreen(/^detached; .* keeps running/m);
  },
});

Deno.test({
  name: "a finished progress line is printed once, as it ended up",
  ignore: !(await hasTmux()),
  fn: async () => {
    await using hub = await startHub();
    await using tmux = await TmuxSession.start(hub, ["run", `${FIXTURES}progress.sh`, "end"]);
    const screen = await tmux.waitForScreen(/\[exit 0\]/);
    assert.match(screen.input, /^starting\nBuilding 100%\ndone\n/m);
    assert.doesNotMatch(screen.input, /Building 50%/);
  },
});
