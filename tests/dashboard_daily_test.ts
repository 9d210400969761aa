/**
 * The dashboard as a daily user meets it, in a real browser: the `#token=` link signs in new
 * tabs and reloads too (an HttpOnly cookie), rows with default labels show what tells them
 * apart, a port is linked only while something listens on it, and a row the server's shutdown
 * ended says so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserTest, openBrowser, reportingHub, tool } from "./_dashboard_support.ts";
import { startHub, waitFor } from "./_hub.ts";

Deno.test({
  ...browserTest("the dashboard's daily use: sign-in that lasts, labels, port links, shutdown"),
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "persistproc-daily-" });
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
        // An assigned port nothing listens on is shown, not linked; a stopped one not at all.
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
        const first = await context.newPage();
        await first.goto(`${hub.base}/#token=${encodeURIComponent(hub.token!)}`);
        await first.locator('#connection[data-state="live"]').waitFor();
        await waitFor("the cookie", async () => (await context.cookies()).length > 0);
        const [cookie] = await context.cookies();
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, "Strict");
        assert.equal(cookie.path, "/");
        // A new tab, with no token in its address or storage, is signed in by the cookie.
        const second = await context.newPage();
        await second.goto(`${hub.base}/`);
        await second.locator('#connection[data-state="live"]').waitFor();
        assert.equal(await second.locator("#token-form").isVisible(), false);
        await second.reload();
        await second.locator('#connection[data-state="live"]').waitFor();

        const row = (label: string) => second.locator(`tr[data-label="${label}"]`);
        const shop = row(`sleep 600 in ${join(dataDir, "shop/app")}`);
        await shop.waitFor();
        assert.equal(await shop.locator(".c-label").textContent(), "shop/app \u00b7 sleep 600");
        assert.equal(
          await row(`sleep 600 in ${join(dataDir, "blog/app")}`).locator(".c-label").textContent(),
          "blog/app \u00b7 sleep 600",
        );
        assert.equal(
          await shop.locator(".c-label").getAttribute("title"),
          `sleep 600 in ${join(dataDir, "shop/app")}`,
        );

        const idle = row("idle").locator(".c-ports");
        await idle.locator(".idle-port").waitFor();
        assert.equal(await idle.locator("a").count(), 0);
        assert.equal(await row("ended").locator(".c-ports").textContent(), "");

        assert.equal(await row("watcher").locator(".c-exit").textContent(), "server shutdown");
        assert.equal(await row("ended").locator(".c-exit").textContent(), "SIGTERM");
        await context.close();
      });
    } finally {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
