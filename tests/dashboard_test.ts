/**
 * The dashboard in a real browser: Debian's Chromium, driven by playwright-core, against the
 * real server in a subprocess. What is asserted is what a person at the page would see.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import {
  browserMissing,
  browserTest,
  openBrowser,
  reportingHub,
  signedInPage,
  tool,
} from "./_dashboard_support.ts";
import { FIXTURES as FIXTURES_DIR, freePort, startHub, waitFor } from "./_hub.ts";
import { listOutput } from "../src/mcp/output_schemas.ts";

const FIXTURES = FIXTURES_DIR.replace(/\/$/, "");

if (browserMissing) {
  // deno-lint-ignore no-console
  console.log(`Skipping the dashboard browser tests: ${browserMissing}`);
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").trim();
}

async function waitForText(locator: Locator, expected: string, what: string): Promise<void> {
  await waitFor(`${what} to read "${expected}"`, async () => (await textOf(locator)) === expected);
}

/** Collects what the page reports as broken: uncaught errors and console errors (CSP too). */
function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

Deno.test("the server serves the dashboard at / with headers that forbid framing and inline code", async () => {
  await using hub = await startHub();
  const page = await fetch(`${hub.base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  assert.match(await page.text(), /<title>persistproc<\/title>/);
  assert.match(page.headers.get("content-security-policy")!, /frame-ancestors 'none'/);
  assert.equal(page.headers.get("x-frame-options"), "DENY");
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  for (const path of ["/app.js", "/app.css"]) {
    const asset = await fetch(`${hub.base}${path}`);
    await asset.body?.cancel();
    assert.equal(asset.status, 200, path);
  }
});

Deno.test({
  ...browserTest("the dashboard starts a process, follows its output, restarts and stops it"),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      const page = await signedInPage(browser, hub);
      const errors = watchForErrors(page);
      await page.goto(`${hub.base}/`);
      await page.locator('#connection[data-state="live"]').waitFor();
      assert.match(await textOf(page.locator("#empty")), /No managed processes yet/);

      await page.fill("#start-command", "./ticker.sh");
      await page.fill("#start-directory", FIXTURES);
      await page.fill("#start-label", "ticker");
      await page.click("#start-button");
      const row = page.locator('tr[data-label="ticker"]');
      await waitForText(row.locator(".status-text"), "running", "the ticker's status");
      assert.equal(await textOf(row.locator(".c-command")), "./ticker.sh");
      assert.equal(await row.locator(".c-dir").getAttribute("title"), FIXTURES);
      assert.equal(await textOf(row.locator(".c-restarts")), "0");
      const firstPid = await textOf(row.locator(".c-pid"));
      assert.match(firstPid, /^\d+$/);

      // The new process is selected and its output streams in, stdout and stderr told apart.
      await waitForText(page.locator("#log-title"), "ticker", "the log view's title");
      await page.locator("#log .line.stdout", { hasText: "tick 3" }).waitFor();
      await page.locator("#log .line.stderr", { hasText: "tock 3" }).waitFor();

      // The filter keeps only matching lines; clearing it brings the rest back.
      await page.fill("#log-search", "tock 2");
      await waitFor("only matching lines to show", async () => {
        const texts = await page.locator("#log .line:not(.note) .x").allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes("tock 2"));
      });
      await page.fill("#log-search", "");
      await page.locator("#log .line.stdout", { hasText: "tick" }).first().waitFor();

      // Pause freezes the view while lines keep arriving; resume shows them.
      await page.click("#log-pause");
      await waitFor("new lines to be counted while paused", async () => {
        return /paused, [1-9]/.test(await textOf(page.locator("#log-foot-text")));
      });
      await page.click("#log-pause");
      await waitFor("the view to follow again", async () => {
        return (await textOf(page.locator("#log-foot-text"))).includes("following");
      });

      await row.getByRole("button", { name: "Restart" }).click();
      await waitForText(row.locator(".c-restarts"), "1", "the restart count");
      await waitForText(row.locator(".status-text"), "running", "the status after restart");
      const secondPid = await textOf(row.locator(".c-pid"));
      assert.notEqual(secondPid, firstPid);
      await page.locator("#log .line.note", { hasText: `restarted as PID ${secondPid}` })
        .waitFor();
      await waitFor("the restarted ticker's output after the restart note", async () => {
        const lines = await page.locator("#log .line").allTextContents();
        const note = lines.findIndex((line) => line.includes("restarted as PID"));
        return note >= 0 && lines.slice(note).some((line) => line.endsWith("tick 2"));
      });

      // Stop asks first: dismissing keeps it running, accepting stops it.
      const dialogs: string[] = [];
      page.once("dialog", (dialog) => (dialogs.push(dialog.message()), dialog.dismiss()));
      await row.getByRole("button", { name: "Stop" }).click();
      await waitFor("the confirmation to be answered", () => dialogs.length === 1);
      assert.match(dialogs[0], /^Stop “ticker” \(PID \d+\)\?/);
      assert.equal(await textOf(row.locator(".status-text")), "running");

      page.once("dialog", (dialog) => (dialogs.push(dialog.message()), dialog.accept()));
      await row.getByRole("button", { name: "Stop" }).click();
      await waitForText(row.locator(".status-text"), "stopped", "the status after stop");
      assert.equal(dialogs.length, 2);
      assert.equal(await textOf(row.locator(".c-exit")), "SIGTERM");
      assert.ok(await row.getByRole("button", { name: "Stop" }).isDisabled());
      await page.locator("#log .line.note", { hasText: `PID ${secondPid} stopped by SIGTERM` })
        .waitFor();
      await waitFor("the log view to say the stream ended", async () => {
        return (await textOf(page.locator("#log-foot-text"))).includes("ended");
      });

      // Every door agrees.
      const { processes } = await tool(hub, "list", {}) as { processes: { status: string }[] };
      assert.deepEqual(processes.map((p) => p.status), ["stopped"]);

      // Restarting a stopped process picks its output up again: three runs, three "tick 1".
      await row.getByRole("button", { name: "Restart" }).click();
      await waitForText(row.locator(".c-restarts"), "2", "the restart count");
      await waitFor("the third run's output", async () => {
        const texts = await page.locator("#log .line.stdout .x").allTextContents();
        return texts.filter((text) => text === "tick 1").length === 3;
      });
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...browserTest("the log view renders colours, shows markup as text and keeps up with a flood"),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    const workDir = await Deno.makeTempDir({ prefix: "persistproc-flood-" });
    try {
      await reportingHub(hub, async () => {
        await tool(hub, "ctrl", {
          action: "start",
          label: "colours",
          command_or_label: String.raw`printf '\033[1;31mred alert\033[0m <b>not bold</b> &amp;\n'`,
          working_directory: workDir,
        });
        // Waits for a go-file so the page is following before the flood starts.
        await tool(hub, "ctrl", {
          action: "start",
          label: "flood",
          command_or_label: "while [ ! -e go ]; do sleep 0.05; done; seq 1 100000",
          working_directory: workDir,
        });
        const page = await signedInPage(browser, hub);
        const errors = watchForErrors(page);
        await page.goto(`${hub.base}/#colours`);

        const red = page.locator("#log .line .x span.fg1.b");
        await waitForText(red, "red alert", "the coloured text");
        const text = page.locator("#log .line.stdout .x").first();
        assert.equal(await textOf(text), "red alert <b>not bold</b> &amp;");
        assert.equal(await page.locator("#log b").count(), 0);

        await page.locator('tr[data-label="flood"] .c-label').click();
        await waitForText(page.locator("#log-title"), "flood", "the log view's title");
        await waitFor("the flood to be followed", async () => {
          return (await textOf(page.locator("#log-foot-text"))).includes("following");
        });
        await Deno.writeTextFile(`${workDir}/go`, "");
        await page.locator("#log .line.stdout .x", { hasText: /^100000$/ }).waitFor({
          timeout: 60_000,
        });
        const shown = await page.locator("#log .line").count();
        assert.ok(shown <= 5_000, `${shown} lines drawn`);
        assert.ok(shown >= 4_000, `${shown} lines drawn`);
        await page.locator("#log .line.note", { hasText: "exited with code 0" }).waitFor();
        assert.match(await textOf(page.locator("#log-foot-text")), /^5,000 lines/);
        assert.deepEqual(errors, []);
      });
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  },
});

Deno.test({
  ...browserTest(
    "a page on another site can neither read nor drive the hub, nor frame the dashboard",
  ),
  async fn() {
    await using hub = await startHub();
    const workDir = await Deno.makeTempDir({ prefix: "persistproc-foreign-" });
    try {
      await reportingHub(hub, async () => {
        const start = { command: "touch pwned", working_directory: workDir };
        // Straight from another origin: refused before anything runs.
        const refused = await fetch(`${hub.base}/api/hub/start`, {
          method: "POST",
          headers: { origin: "http://evil.example", "content-type": "application/json" },
          body: JSON.stringify(start),
        });
        assert.equal(refused.status, 403);
        assert.equal((await refused.json()).error.code, "forbidden");

        // The same from a page the user visits on another site: http://evil.test:PORT, which
        // the browser resolves to a second local server.
        await using evil = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen() {} },
          (request) =>
            new Response(
              new URL(request.url).pathname === "/framed"
                ? `<!doctype html><iframe src="${hub.base}/"></iframe>`
                : "<!doctype html><title>evil</title>",
              { headers: { "content-type": "text/html" } },
            ),
        );
        const evilBase = `http://evil.test:${evil.addr.port}`;
        await using browser = await openBrowser(["--host-resolver-rules=MAP evil.test 127.0.0.1"]);
        const page = await browser.newPage();
        await page.goto(`${evilBase}/`);
        const attempts = await page.evaluate(async ({ base, start }) => {
          const attempt = async (url: string, init: RequestInit) => {
            try {
              const response = await fetch(url, init);
              return `read ${response.status}: ${await response.text()}`;
            } catch {
              return "blocked";
            }
          };
          return {
            list: await attempt(`${base}/api/hub/list`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: "{}",
            }),
            start: await attempt(`${base}/api/hub/start`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(start),
            }),
            // A "simple" request needs no preflight, but the browser hides the answer.
            blindStart: await attempt(`${base}/api/hub/start`, {
              method: "POST",
              mode: "no-cors",
              headers: { "content-type": "text/plain" },
              body: JSON.stringify(start),
            }),
            follow: await attempt(`${base}/api/hub/follow?pid=1&lines=1`, {}),
          };
        }, { base: hub.base, start });
        assert.deepEqual(attempts, {
          list: "blocked",
          start: "blocked",
          blindStart: "read 0: ",
          follow: "blocked",
        });

        // Framing the dashboard shows nothing of it.
        await page.goto(`${evilBase}/framed`);
        const framed = page.frames().find((frame) => frame !== page.mainFrame());
        assert.ok(framed);
        assert.equal(await framed.locator("#process-rows").count(), 0);

        // Nothing ran.
        const { processes } = await tool(hub, "list", {}) as { processes: unknown[] };
        assert.deepEqual(processes, []);
        assert.deepEqual([...Deno.readDirSync(workDir)], []);
      });
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  },
});

Deno.test({
  ...browserTest(
    "without the token the page says how to get in, asks once, or takes it from a link",
  ),
  async fn() {
    await using hub = await startHub();
    const token = hub.token!;
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      const page = await browser.newPage();
      await page.goto(`${hub.base}/`);
      await page.locator("#token-form").waitFor();
      await waitForText(page.locator("#connection"), "needs token", "the connection state");
      const explained = await textOf(page.locator("#token-form label"));
      assert.match(explained, /persistproc open/);
      assert.match(explained, /persistproc token/);
      assert.equal(await page.locator("#process-rows tr").count(), 0);
      await page.fill("#token-input", token);
      await page.getByRole("button", { name: "Use token" }).click();
      await page.locator('#connection[data-state="live"]').waitFor();
      assert.ok(await page.locator("#token-form").isHidden());

      await tool(hub, "ctrl", {
        action: "start",
        label: "ticker",
        command_or_label: "./ticker.sh",
        working_directory: FIXTURES,
      });
      // The follow stream carries the token too.
      await page.locator('tr[data-label="ticker"] .c-label').click();
      await page.locator("#log .line.stdout", { hasText: "tick 2" }).waitFor();

      const linked = await browser.newPage();
      await linked.goto(`${hub.base}/#token=${token}`);
      await linked.locator('tr[data-label="ticker"]').waitFor();
      assert.ok(await linked.locator("#token-form").isHidden());
      assert.ok(!linked.url().includes(token), linked.url());
    });
  },
});

// The ports column needs a server that reports listening ports in `list`.
const portsReported = "ports" in listOutput.processes.element.shape;

Deno.test({
  ...browserTest(
    "the ports a process listens on show as links to it",
    portsReported ? null : "this server's list does not report ports yet",
  ),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      const port = freePort();
      const program = `Deno.serve({ hostname: "127.0.0.1", port: ${port}, onListen() {} }, ` +
        `() => new Response("hello from the child"))`;
      await tool(hub, "ctrl", {
        action: "start",
        label: "listener",
        command_or_label: `'${Deno.execPath()}' eval '${program}'`,
        working_directory: FIXTURES,
      });
      const page = await signedInPage(browser, hub);
      await page.goto(`${hub.base}/`);
      const link = page.locator('tr[data-label="listener"] .c-ports a');
      await waitForText(link, `:${port}`, "the port link");
      const href = await link.getAttribute("href");
      assert.equal(href, `http://127.0.0.1:${port}/`);
      assert.equal(await (await fetch(href!)).text(), "hello from the child");
    });
  },
});
