/**
 * Labels are data, not terminal commands: one with a control character is refused at every
 * door (JSON API, MCP, CLI), and `ls` and the MCP text show the control characters of user data
 * as escapes instead of obeying them; the dashboard shows them, and markup, as text.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { connectMcp, hubTest, killGroup, waitFor } from "./_hub.ts";
import { dashboardTest } from "./_dashboard_support.ts";

/** Clears the screen, sets the window title, and starts a forged row of `ls`. */
const HOSTILE = "\x1b[2J\x1b]0;pwned\x07web\n4242  running  -";
const REFUSED = /^Invalid label ".*": control characters \(escape sequences, newlines, tabs\)/;

hubTest(
  "a label with control characters is refused by the JSON API, MCP and the CLI",
  async (hub) => {
    const start = { action: "start", command_or_label: "sleep 30", working_directory: hub.dataDir };
    const api = await hub.api("ctrl", { ...start, label: HOSTILE });
    assert.equal(api.status, 400, JSON.stringify(api.body));
    assert.equal(api.body.error.code, "invalid_argument");
    assert.match(api.body.error.message, REFUSED);
    await using mcp = await connectMcp(hub);
    const viaMcp = await mcp.callTool({
      name: "ctrl",
      arguments: { ...start, label: HOSTILE },
    }) as {
      isError?: boolean;
      content: { text: string }[];
    };
    assert.equal(viaMcp.isError, true);
    assert.match(viaMcp.content[0].text, REFUSED);
    const viaCli = await cli(hub, ["start", "--label", HOSTILE, "sleep", "30"]);
    assert.notEqual(viaCli.code, 0);
    assert.match(viaCli.stderr, /error: invalid label ".*": control characters/);
    assert.ok(!viaCli.stderr.includes("\x1b"), "the refusal quotes the label escaped");
    const { body } = await hub.api("list", {});
    assert.deepEqual(body.processes, [], "nothing was started");
  },
);

hubTest(
  "ls and the MCP text show a command's control characters as escapes: no cleared screen, no forged row",
  async (hub) => {
    // No label of its own: the default label holds the command line, control characters and all.
    const { status, body } = await hub.api("ctrl", {
      action: "start",
      command_or_label: `sleep 30 # ${HOSTILE}`,
      working_directory: hub.dataDir,
    });
    assert.equal(status, 200, JSON.stringify(body));
    try {
      const ls = await cli(hub, ["ls"]);
      assert.equal(ls.code, 0, ls.stderr);
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(ls.stdout), JSON.stringify(ls.stdout));
      const lines = ls.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 2, "a header and one row, no forged one");
      assert.ok(lines[1].includes("\\e[2J\\e]0;pwned\\u0007web\\n4242  running  -"), lines[1]);
      // An agent's client may print the MCP text on a terminal too: one line per process.
      await using mcp = await connectMcp(hub);
      const listed = await mcp.callTool({ name: "list", arguments: {} }) as {
        content: { text: string }[];
      };
      const text = listed.content[0].text;
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(text), JSON.stringify(text));
      assert.equal(text.split("\n").length, 1, text);
      assert.ok(text.includes("\\e[2J\\e]0;pwned\\u0007web\\n4242  running  -"), text);
    } finally {
      killGroup(body.pid);
    }
  },
);

dashboardTest(
  "the dashboard shows a command's markup and control characters as text: one row, the title kept",
  async (hub, page) => {
    const title = await page.title();
    const markup = `<img src=x onerror="document.title='pwned'">`;
    const { status, body } = await hub.api("ctrl", {
      action: "start",
      command_or_label: `sleep 30 # ${markup} ${HOSTILE}`,
      working_directory: hub.dataDir,
    });
    assert.equal(status, 200, JSON.stringify(body));
    try {
      const row = page.locator("tr[data-label]");
      await waitFor("its row", async () => (await row.count()) === 1);
      await waitFor("its command shown", async () => (await row.textContent())?.includes(markup));
      assert.equal(await row.count(), 1, "no forged row");
      assert.equal(await page.locator('img[src="x"]').count(), 0, "no markup obeyed");
      assert.equal(await page.title(), title);
    } finally {
      killGroup(body.pid);
    }
  },
);
