/**
 * The dashboard's table at common window sizes, in a real browser: with a screenful of
 * processes, some failed and one with a long command line, the running ones come first, at
 * least four rows are in view, and every row's buttons can be reached without scrolling
 * sideways.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  browserTest,
  openBrowser,
  reportingHub,
  signedInPage,
  tool,
} from "./_dashboard_support.ts";
import { startHub, type TestHub, waitFor } from "./_hub.ts";

// What a busy project looks like: the one-shot jobs that ran (and failed) first, then the
// servers and watchers that stay up; one of them started without a label, so its label is its
// whole command line and directory.
const LONG_COMMAND = "NODE_ENV=development NODE_OPTIONS=--max-old-space-size=4096 " +
  "VITE_API_URL=http://127.0.0.1:8080/api/v1 VITE_FEATURE_FLAGS=checkout,search,wishlist " +
  "sleep 600";
const ENDED = [
  ["migrate", "echo 'column \"discount\" already exists' >&2; exit 1", "failed"],
  ["seed", "echo seeding; exit 2", "failed"],
  ["lint", "echo '3 problems'; exit 1", "failed"],
  ["typecheck", "echo checking; exit 2", "failed"],
  ["codegen", "echo generated", "exited"],
  ["e2e", "echo 1 failed; exit 1", "failed"],
] as const;
const RUNNING = ["web", "api", "worker", "scheduler", "docs", "mail", "storybook"];
const STOPPED = "tests";
const COUNT = ENDED.length + 1 + RUNNING.length + 1;
const SIZES = [[1400, 900], [1024, 768], [800, 700]] as const;
/** The columns each width hides behind the columns toggle (see app.css). */
const HIDDEN_AT: Record<number, number> = { 1400: 0, 1024: 4, 800: 5 };

interface Listed {
  label: string;
  status: string;
  end_time: string | null;
}

async function startProcesses(hub: TestHub): Promise<void> {
  const start = (label: string | undefined, command: string) =>
    tool(hub, "ctrl", {
      action: "start",
      label,
      // A port that listens, linked, adds the Ports column.
      command_or_label: label === "web" ? "python3 -m http.server $PORT --bind 127.0.0.1" : command,
      working_directory: hub.dataDir,
      assign_port: label === "web" ? "PORT" : undefined,
    });
  for (const [label, command] of ENDED) await start(label, command);
  await waitFor("the one-shot jobs to end", async () => {
    const { processes } = await tool(hub, "list", {}) as { processes: Listed[] };
    return processes.every((p) => p.status !== "running");
  });
  await start(undefined, LONG_COMMAND);
  for (const label of RUNNING) await start(label, "sleep 600");
  await start(STOPPED, "sleep 600");
  await tool(hub, "ctrl", { action: "stop", command_or_label: STOPPED });
}

/** How far something scrolls sideways: 0 when all of it fits. */
type Sized = { scrollWidth: number; clientWidth: number };
const overflow = (el: Sized) => el.scrollWidth - el.clientWidth;

/** Why some action button cannot be clicked without scrolling sideways, or null. */
async function unreachableButtons(page: Page, width: number): Promise<string | null> {
  const pageOverflow = await page.locator("html").evaluate(overflow);
  if (pageOverflow > 0) return `the page scrolls ${pageOverflow} px sideways`;
  const wrap = page.locator(".table-wrap");
  const tableOverflow = await wrap.evaluate(overflow);
  if (tableOverflow > 0) return `the table scrolls ${tableOverflow} px sideways`;
  const panel = (await wrap.boundingBox())!;
  const right = Math.min(panel.x + panel.width, width);
  for (const button of await page.locator("#process-rows button[data-action]").all()) {
    const box = await button.boundingBox();
    if (!box || box.x < panel.x || box.x + box.width > right) {
      const label = await button.locator("xpath=ancestor::tr").getAttribute("data-label");
      return `${await button.textContent()} of "${label}" is at ${JSON.stringify(box)}, ` +
        `outside ${panel.x}-${right}`;
    }
  }
  return null;
}

Deno.test({
  ...browserTest(
    "the dashboard lists running processes first and keeps every row's actions in view",
  ),
  async fn() {
    await using hub = await startHub();
    await using browser = await openBrowser();
    await reportingHub(hub, async () => {
      await startProcesses(hub);
      const { processes } = await tool(hub, "list", {}) as { processes: Listed[] };
      assert.deepEqual(
        processes.filter((p) => p.status !== "running").map((p) => [p.label, p.status]).sort(),
        [...ENDED.map(([label, , status]) => [label, status]), [STOPPED, "stopped"]].sort(),
      );
      // Running ones by label (a restart does not move a row); the rest most recently ended first.
      const byLabel = (a: Listed, b: Listed) =>
        a.label.localeCompare(b.label, "en", { numeric: true });
      const running = processes.filter((p) => p.status === "running").sort(byLabel)
        .map((p) => p.label);
      const ended = processes.filter((p) => p.status !== "running")
        .sort((a, b) => Date.parse(b.end_time!) - Date.parse(a.end_time!) || byLabel(a, b))
        .map((p) => p.label);

      const page = await signedInPage(browser, hub);
      await page.setViewportSize({ width: SIZES[0][0], height: SIZES[0][1] });
      await page.goto(`${hub.base}/`);
      const rows = page.locator("#process-rows tr");
      await waitFor("every process to be listed", async () => (await rows.count()) === COUNT);
      await page.locator('tr[data-label="web"] .c-ports a').waitFor();
      const shown = await Promise.all(
        (await rows.all()).map((row) => row.getAttribute("data-label")),
      );
      assert.deepEqual(shown, [...running, ...ended]);

      const toggle = page.locator("#columns-toggle");
      const dirHead = page.locator("#process-table th.c-dir");
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        const problem = await unreachableButtons(page, width);
        assert.equal(problem, null, `at ${width}×${height}: ${problem}`);
        // The first running row is on screen without scrolling the table, and a few after it:
        // the event timeline under the log gives way first in a short window.
        const first = await rows.first().boundingBox();
        assert.ok(first && first.y + first.height <= height, `at ${width}×${height}`);
        const wrapBox = (await page.locator(".table-wrap").boundingBox())!;
        const inView = (await Promise.all((await rows.all()).map((row) => row.boundingBox())))
          .filter((box) =>
            box && box.y >= wrapBox.y && box.y + box.height <= wrapBox.y + wrapBox.height
          )
          .length;
        assert.ok(inView >= 4, `${inView} rows in view at ${width}×${height}`);
        // Columns too many for the window are hidden behind a toggle that says so, not silently.
        const hidden = HIDDEN_AT[width];
        assert.equal(await toggle.isVisible(), hidden > 0, `at ${width}`);
        if (hidden === 0) continue;
        assert.equal(await toggle.textContent(), `+${hidden} columns`);
        assert.equal(await dirHead.isVisible(), false);
        await toggle.click();
        assert.equal(await dirHead.isVisible(), true, `Directory after the toggle at ${width}`);
        assert.equal(await toggle.textContent(), "Fewer columns");
        // The actions stay at the right edge while the table scrolls sideways.
        const button = page.locator("#process-rows button[data-action]").first();
        const box = (await button.boundingBox())!;
        assert.ok(box.x + box.width <= width, `actions off screen at ${width}: ${box.x}`);
        await toggle.click();
        assert.equal(await dirHead.isVisible(), false);
      }
      // A cut command line or label is still there in full, on hover.
      const long = page.locator(`tr[data-label="${LONG_COMMAND} in ${hub.dataDir}"]`);
      const commandTitle = await long.locator(".c-command").getAttribute("title");
      assert.ok(commandTitle?.includes(LONG_COMMAND), commandTitle ?? "no title");
      assert.equal(
        await long.locator(".c-label").getAttribute("title"),
        `${LONG_COMMAND} in ${hub.dataDir}`,
      );
      // A default label shows its folder's name first: what tells such rows apart.
      assert.equal(
        await long.locator(".c-label").textContent(),
        `${hub.dataDir.split("/").at(-1)} \u00b7 ${LONG_COMMAND}`,
      );
    });
  },
});
