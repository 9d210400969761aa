/**
 * The dashboard in a real browser shows who started each process and links its assigned port
 * once something listens on it.
 */
import assert from "node:assert/strict";
import {
  browserTest,
  openBrowser,
  reportingHub,
  signedInPage,
  tool,
} from "./_dashboard_support.ts";
import { FIXTURES, startHub, waitFor } from "./_hub.ts";

Deno.test({
  ...browserTest("the dashboard shows who started what and links assigned ports"),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      const started = await tool(hub, "ctrl", {
        action: "start",
        command_or_label: "python3 -m http.server $PORT --bind 127.0.0.1",
        working_directory: hub.dataDir,
        label: "api",
        assign_port: "PORT",
        wait_for_port: true,
      }) as { assigned_port: number };
      const page = await signedInPage(browser, hub);
      await page.goto(`${hub.base}/`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.fill("#start-command", "./ticker.sh");
      await page.fill("#start-directory", FIXTURES.replace(/\/$/, ""));
      await page.fill("#start-label", "ticker");
      await page.click("#start-button");
      const ticker = page.locator('tr[data-label="ticker"]');
      await waitFor("the page's own start", async () => {
        return (await ticker.locator(".c-by").textContent()) === "dashboard";
      });
      const api = page.locator('tr[data-label="api"]');
      // Started over the JSON API by a caller that is not the page.
      assert.notEqual(await api.locator(".c-by").textContent(), "dashboard");
      const link = api.locator(".c-ports a");
      await link.waitFor();
      assert.equal(await link.textContent(), `:${started.assigned_port}`);
      assert.match((await link.getAttribute("href"))!, new RegExp(`:${started.assigned_port}/$`));
      const { processes } = await tool(hub, "list", { started_by: "dashboard" }) as {
        processes: { label: string }[];
      };
      assert.deepEqual(processes.map((p) => p.label), ["ticker"]);
    });
  },
});
