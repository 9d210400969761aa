/**
 * What the dashboard's browser tests add to tests/_hub.ts: Debian's Chromium driven by
 * playwright-core, a JSON API call that must succeed, and printing the server's output when a
 * test fails.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { startHub, type TestHub } from "./_hub.ts";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. */
export const browserMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing; install it with apt-get install -y chromium`;

/** Options of a browser test: skipped, with the reason in its name, when there is no browser. */
export function browserTest(name: string, otherwiseMissing: string | null = null) {
  const missing = browserMissing ?? otherwiseMissing;
  return {
    // `deno test --quiet` hides printed output, so the reason also goes into the name.
    name: missing ? `${name} (skipped: ${missing})` : name,
    ignore: missing !== null,
    // playwright-core keeps its pipe to the browser and timers of its own.
    sanitizeOps: false,
    sanitizeResources: false,
  };
}

/** Calls a tool of the JSON API; throws with the server's answer unless it succeeds. */
export async function tool(
  hub: TestHub,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { status, body } = await hub.api(name, args);
  if (status !== 200) throw new Error(`${name} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** Runs `body`; when it fails, prints the server's output before rethrowing. */
export async function reportingHub<T>(hub: TestHub, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(`--- server output ---\n${hub.output()}--- end of server output ---`);
    throw error;
  }
}

/** Launches headless Chromium with a fresh profile; disposing it closes the browser. */
export async function openBrowser(extraArgs: string[] = []): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}

/**
 * A new tab that holds the hub's token in its session storage before the page's script runs,
 * as a tab opened by `persistproc open` does after its first load.
 */
export async function signedInPage(browser: Browser, hub: TestHub): Promise<Page> {
  const page = await browser.newPage();
  if (hub.token !== undefined) {
    await page.addInitScript(
      (token) => sessionStorage.setItem("persistproc.token", token),
      hub.token,
    );
  }
  return page;
}

/**
 * A browser test of the dashboard: a fresh server, Chromium, and a signed-in tab on the page
 * once it is live; `before` prepares the tab before the page loads. The server's output is
 * printed when it fails.
 */
export function dashboardTest(
  name: string,
  body: (hub: TestHub, page: Page) => Promise<void>,
  before: (page: Page, hub: TestHub) => Promise<void> = async () => {},
): void {
  Deno.test({
    ...browserTest(name),
    async fn() {
      await using hub = await startHub();
      await using browser = await openBrowser();
      await reportingHub(hub, async () => {
        const page = await signedInPage(browser, hub);
        await before(page, hub);
        await page.goto(`${hub.base}/`);
        await page.locator('#connection[data-state="live"]').waitFor();
        await body(hub, page);
      });
    },
  });
}
