/**
 * Many dashboard tabs on one server, in a real browser. A browser opens at most six
 * connections to one server, so streams held open by every tab would leave the fourth tab
 * (each following the events and a log) unable to load. One tab follows the event stream and
 * the others poll it; a hidden tab lets its log's stream go, and follows again once shown.
 * Headless Chromium shows every tab, so the test hides a tab as a browser does when another
 * tab comes to the front: `document.hidden` and a `visibilitychange` event.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, openBrowser, reportingHub, tool } from "./_dashboard_support.ts";
import { startHub, waitFor } from "./_hub.ts";

const TABS = 8;

/** Hides or shows the tab, as the browser tells a page when another tab comes to the front. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.locator("html").evaluate((html, hidden) => {
    const doc = html.ownerDocument;
    const state = hidden ? "hidden" : "visible";
    Object.defineProperty(doc, "hidden", { value: hidden, configurable: true });
    Object.defineProperty(doc, "visibilityState", { value: state, configurable: true });
    doc.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** The highest `tick N` the tab's log view shows, 0 for none. */
async function lastTick(page: Page): Promise<number> {
  const text = await page.locator("#log").textContent() ?? "";
  return Math.max(0, ...[...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
}

Deno.test({
  ...browserTest(`${TABS} dashboard tabs all load, follow the events and, when shown, a log`),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      await tool(hub, "ctrl", {
        action: "start",
        label: "ticker",
        command_or_label: "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.3; done",
        working_directory: hub.dataDir,
      });
      const context = await browser.newContext();
      const tabs: Page[] = [];
      for (let i = 0; i < TABS; i++) {
        const page = await context.newPage();
        await page.goto(
          i === 0 ? `${hub.base}/#token=${encodeURIComponent(hub.token!)}` : hub.base,
        );
        await page.locator('#connection[data-state="live"]').waitFor();
        // It follows the ticker's log while it is in front.
        await waitFor(`tab ${i + 1} to show the log`, async () => (await lastTick(page)) > 0);
        await setHidden(page, true);
        tabs.push(page);
      }
      // The first tab, shown again, follows the log from where the program is now.
      const [first, last] = [tabs[0], tabs.at(-1)!];
      const before = await lastTick(first);
      await setHidden(first, false);
      await waitFor("the shown tab to follow the log again", async () => {
        return (await lastTick(first)) > before + 1;
      });
      // A new event reaches the tab that follows the stream and a tab that polls it.
      await tool(hub, "ctrl", {
        action: "start",
        label: "newcomer",
        command_or_label: "sleep 600",
        working_directory: hub.dataDir,
      });
      for (const page of [first, last]) {
        await page.locator('#events li[data-kind="started"] .event-label', { hasText: "newcomer" })
          .waitFor();
      }
      assert.equal(await last.locator("#token-form").isVisible(), false);
      await context.close();
    });
  },
});

Deno.test({
  ...browserTest("a tab whose browser refuses it the Web Lock still shows the events"),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      const context = await browser.newContext();
      await context.addInitScript(() => {
        const locks = (navigator as unknown as { locks: { request: unknown } }).locks;
        locks.request = () => Promise.reject(new DOMException("refused", "SecurityError"));
      });
      const page = await context.newPage();
      await page.goto(`${hub.base}/#token=${encodeURIComponent(hub.token!)}`);
      await tool(hub, "ctrl", {
        action: "start",
        label: "seen",
        command_or_label: "sleep 600",
        working_directory: hub.dataDir,
      });
      await page.locator('#events li[data-kind="started"] .event-label', { hasText: "seen" })
        .waitFor();
      await context.close();
    });
  },
});
