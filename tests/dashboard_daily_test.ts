/**
 * The dashboard as a daily user meets it, in a real browser at 1400, 1024 and 800 px: the
 * `#token=` link signs in new tabs and reloads too (an HttpOnly cookie) while pages of other
 * origins stay refused, rows with default labels show what tells them apart, a port is linked
 * only while something listens on it, and a row the server's shutdown ended says so (behind
 * the columns toggle where the window is too narrow for the Exit column).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { browserTest, openBrowser, reportingHub, tool } from "./_dashboard_support.ts";
import { startHub, type TestHub, waitFor } from "./_hub.ts";

const SIZES = [[1400, 900], [1024, 768], [800, 700]] as const;

/** Whether the first `prefix.length` characters of the cell's text are on screen, not cut. */
function prefixShown(cell: Locator, prefix: string): Promise<boolean> {
  return cell.evaluate((td, length) => {
    const text = td.firstChild!;
    const range = td.ownerDocument.createRange();
    range.setStart(text, 0);
    range.setEnd(text, length);
    const shown = td.getBoundingClientRect();
    const prefixBox = range.getBoundingClientRect();
    return text.textContent!.length >= length && prefixBox.right <= shown.right &&
      prefixBox.width > 0;
  }, prefix.length);
}

/**
 * What a page gets when it asks the hub, with the browser's cookies, to start a program: the
 * fetch's outcome in words.
 */
async function startFrom(page: Page, hub: TestHub, label: string): Promise<string> {
  return await page.evaluate(async ({ base, label, dir }) => {
    try {
      const response = await fetch(`${base}/api/hub/start`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "sleep 600", label, working_directory: dir }),
      });
      return `answered ${response.status}`;
    } catch (error) {
      return `refused: ${error}`;
    }
  }, { base: hub.base, label, dir: hub.dataDir });
}

Deno.test({
  ...browserTest("the dashboard's daily use at 1400, 1024 and 800 px"),
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "persistproc-daily-" });
    // Another origin on loopback, as a dev server's page would be.
    const other = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () =>
        new Response("<!doctype html><title>another page</title>", {
          headers: { "content-type": "text/html" },
        }),
    );
    try {
      // The first server runs one process until its shutdown; the second finds it ended.
      {
        await using first = await startHub([], { dataDir });
        await tool(first, "ctrl", {
          action: "start",
          label: "watcher",
          command_or_label: "sleep 600",
          working_directory: dataDir,
        });
      }
      await using hub = await startHub([], { dataDir });
      await using browser = await openBrowser();
      await reportingHub(hub, async () => {
        // Two folders named alike, the same command in each: the label says which is which.
        for (const dir of ["shop/app", "blog/app"]) {
          await Deno.mkdir(join(dataDir, dir), { recursive: true });
          await tool(hub, "ctrl", {
            action: "start",
            command_or_label: "sleep 600",
            working_directory: join(dataDir, dir),
          });
        }
        // A port that listens is linked; an assigned one nothing listens on is shown, not
        // linked; a stopped process's not at all.
        const web = await tool(hub, "ctrl", {
          action: "start",
          label: "web",
          command_or_label: "python3 -m http.server $PORT --bind 127.0.0.1",
          working_directory: dataDir,
          assign_port: "PORT",
          wait_for_port: true,
        }) as { ready: boolean; assigned_port: number };
        assert.equal(web.ready, true, JSON.stringify(web));
        for (const label of ["idle", "ended"]) {
          await tool(hub, "ctrl", {
            action: "start",
            label,
            command_or_label: "sleep 600",
            working_directory: dataDir,
            assign_port: "PORT",
          });
        }
        await tool(hub, "ctrl", { action: "stop", command_or_label: "ended" });

        const context = await browser.newContext();
        const signIn = await context.newPage();
        await signIn.goto(`${hub.base}/#token=${encodeURIComponent(hub.token!)}`);
        await signIn.locator('#connection[data-state="live"]').waitFor();
        await waitFor("the cookie", async () => (await context.cookies()).length > 0);
        const [cookie] = await context.cookies();
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, "Strict");
        assert.equal(cookie.path, "/");
        await signIn.close();

        for (const [width, height] of SIZES) {
          const at = `at ${width} px`;
          // A new tab, with no token in its address or storage, is signed in by the cookie.
          const page = await context.newPage();
          await page.setViewportSize({ width, height });
          await page.goto(`${hub.base}/`);
          await page.locator('#connection[data-state="live"]').waitFor();
          await page.reload();
          await page.locator('#connection[data-state="live"]').waitFor();
          assert.equal(await page.locator("#token-form").isVisible(), false, at);

          const row = (label: string) => page.locator(`tr[data-label="${label}"]`);
          for (const dir of ["shop/app", "blog/app"]) {
            const cell = row(`sleep 600 in ${join(dataDir, dir)}`).locator(".c-label");
            await cell.waitFor();
            assert.equal(await cell.textContent(), `${dir} \u00b7 sleep 600`, at);
            assert.ok(await prefixShown(cell, dir), `${dir} is cut off ${at}`);
            assert.equal(await cell.getAttribute("title"), `sleep 600 in ${join(dataDir, dir)}`);
          }

          const linked = row("web").locator(".c-ports a");
          await linked.waitFor();
          assert.equal(await linked.textContent(), `:${web.assigned_port}`, at);
          assert.equal(
            await linked.getAttribute("href"),
            `http://127.0.0.1:${web.assigned_port}/`,
          );
          const idle = row("idle").locator(".c-ports");
          await idle.locator(".idle-port").waitFor();
          assert.equal(await idle.locator("a").count(), 0, at);
          assert.equal(await row("ended").locator(".c-ports").textContent(), "", at);

          // The Exit column, behind the toggle where the window is too narrow for it.
          const exit = row("watcher").locator(".c-exit");
          const toggle = page.locator("#columns-toggle");
          if (!(await exit.isVisible())) {
            assert.equal(width, 800, `the Exit column is hidden ${at}`);
            assert.match((await toggle.textContent())!, /^\+\d+ columns$/);
            await toggle.click();
          }
          assert.ok(await exit.isVisible(), at);
          assert.equal(await exit.textContent(), "server shutdown", at);
          assert.equal(await row("ended").locator(".c-exit").textContent(), "SIGTERM", at);
          await page.close();
        }

        // Pages of other origins cannot use the sign-in to start a program (a JSON POST needs
        // a CORS preflight, never granted): another port of 127.0.0.1, the same site to
        // SameSite, and localhost, another site. The same request from the page's own origin
        // starts it, so the refusals are not a fault of the request. (tests/auth_test.ts checks
        // the cookie's own refusal of other origins header by header.)
        const origins = [
          [`http://127.0.0.1:${other.addr.port}/`, "port"],
          [hub.base.replace("127.0.0.1", "localhost") + "/", "site"],
        ] as const;
        for (const [origin, label] of origins) {
          const page = await context.newPage();
          await page.goto(origin);
          assert.match(await startFrom(page, hub, `cross-${label}`), /^refused: /, origin);
          await page.close();
        }
        const own = await context.newPage();
        await own.goto(`${hub.base}/`);
        assert.equal(await startFrom(own, hub, "own-origin"), "answered 200");
        const { processes } = await tool(hub, "list", {}) as { processes: { label: string }[] };
        const labels = processes.map((p) => p.label);
        assert.ok(labels.includes("own-origin"), labels.join(", "));
        assert.ok(!labels.some((label) => label.startsWith("cross-")), labels.join(", "));
        await context.close();
      });
    } finally {
      await other.shutdown();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
