// deno-lint-ignore-file no-explicit-any
/**
 * The dashboard in a real browser: its event timeline for all processes and for the selected
 * one, and a desktop notification when a process crashes or autorestart gives up, once the
 * user allowed them (a process that exits 0 notifies nothing).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { dashboardTest, tool } from "./_dashboard_support.ts";
import { type TestHub, waitFor } from "./_hub.ts";

/** Lets the page notify, and records each notification it makes, as the browser shows it. */
async function recordNotifications(page: Page, hub: TestHub): Promise<void> {
  await page.context().grantPermissions(["notifications"], { origin: hub.base });
  await page.addInitScript(() => {
    const real = (globalThis as any).Notification;
    const shown: { title: string; body: string }[] = [];
    (globalThis as any).shownNotifications = shown;
    (globalThis as any).Notification = class {
      static get permission() {
        return real.permission;
      }
      static requestPermission() {
        return real.requestPermission();
      }
      constructor(title: string, options: { body: string }) {
        shown.push({ title, body: options.body });
      }
    };
  });
}

/** The notifications the page has shown, once it has shown one. */
function notificationsShown(page: Page): Promise<{ title: string; body: string }[]> {
  return waitFor("a notification", async () => {
    const list = await page.evaluate(() => (globalThis as any).shownNotifications);
    return list.length > 0 && list;
  });
}

dashboardTest(
  "the dashboard's timeline shows a crash, and a desktop notification says it",
  async (hub, page) => {
    await page.click("#events-notify");
    await page.locator('#events-notify[data-state="granted"]').waitFor();
    await tool(hub, "ctrl", {
      action: "start",
      command_or_label: "true",
      working_directory: hub.dataDir,
      label: "other",
    });
    await tool(hub, "ctrl", {
      action: "start",
      command_or_label: "sh -c 'sleep 0.5; echo boom >&2; exit 2'",
      working_directory: hub.dataDir,
      label: "api",
    });
    const crash = page.locator('#events li[data-kind="crashed"]');
    await crash.waitFor();
    assert.match((await crash.textContent())!, /api.*crashed: exit 2; last stderr: boom/);
    const shown = await notificationsShown(page);
    assert.deepEqual(shown, [{
      title: "persistproc: \u201capi\u201d crashed",
      body: "crashed: exit 2; last stderr: boom",
    }]);
    // All processes' events, newest first; then only the selected one's.
    const labels = () => page.locator("#events .event-label").allTextContents();
    assert.ok((await labels()).includes("other"));
    await page.locator('tr[data-label="api"] .c-label').click();
    await page.check("#events-only");
    await waitFor("only api's events", async () => {
      const shownLabels = await labels();
      return shownLabels.length > 0 && shownLabels.every((label) => label === "api");
    });
  },
  recordNotifications,
);

dashboardTest(
  "a desktop notification says when autorestart gives up",
  async (_hub, page) => {
    await page.locator('#events li[data-kind="autorestart_gave_up"]').waitFor();
    const shown = await notificationsShown(page);
    assert.deepEqual(shown, [{
      title: "persistproc: \u201capi\u201d keeps crashing",
      body: "crashed 10 times in a row: autorestart gave up",
    }]);
  },
  async (page, hub) => {
    await recordNotifications(page, hub);
    // Ten real failures with their backoff take minutes (the core's hub_events_test makes a
    // give-up with a limit of one): the page's first event stream brings one as a live event,
    // in the stream's own records; it then reconnects to the server's.
    let first = true;
    await page.route("**/api/hub/events?**", async (route) => {
      if (!first) return await route.continue();
      first = false;
      const gaveUp = {
        id: 7,
        kind: "autorestart_gave_up",
        time: new Date().toISOString(),
        label: "api",
        pid: 4242,
        working_directory: hub.dataDir,
        started_by: "cli",
        attempt: 10,
      };
      await route.fulfill({
        contentType: "application/x-ndjson",
        body: `${JSON.stringify({ type: "events", backlog: [], last_id: 6 })}\n` +
          `${JSON.stringify(gaveUp)}\n`,
      });
    });
  },
);
