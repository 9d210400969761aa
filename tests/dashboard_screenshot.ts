/**
 * Takes the README's picture of the dashboard: a real server with a few made-up dev processes
 * (a web server, an API, a worker, a failed migration, a stopped test watcher), the page in
 * headless Chromium, saved as docs/dashboard.png.
 *
 *     deno run -A tests/dashboard_screenshot.ts [light|dark] [out.png]
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openBrowser, tool } from "./_dashboard_support.ts";
import { freePort, startHub, waitFor } from "./_hub.ts";

/** The usual port when it is free, else any free one. */
function portOr(usual: number): number {
  try {
    Deno.listen({ hostname: "127.0.0.1", port: usual }).close();
    return usual;
  } catch {
    return freePort();
  }
}

const SCRIPTS: Record<string, string> = {
  "dev-server": String.raw`
"$DENO" eval "Deno.serve({ hostname: '127.0.0.1', port: $2, onListen() {} }, () => new Response('shop'))" &
printf '\033[1;36mshop\033[0m dev server ready in \033[1m412 ms\033[0m\n'
printf '  \033[32m>\033[0m Local:   \033[36mhttp://127.0.0.1:%s/\033[0m\n' "$2"
printf '  \033[2m> Network: use --host to expose\033[0m\n'
i=0
while :; do
  for p in / /api/products /assets/app.js /api/products/42 /api/session /api/cart; do
    i=$((i + 1))
    ms=$(((i * 37) % 90 + 3))
    case $((i % 11)) in
      4) printf '\033[33mPOST\033[0m /api/cart \033[32m201\033[0m \033[2m%sms\033[0m\n' "$ms" ;;
      7) printf '\033[33mwarn\033[0m slow query: products by category took %s ms\n' $((ms * 9)) >&2 ;;
      9) printf '\033[1;31merror\033[0m GET /api/products/999 \033[31m404\033[0m no such product\n' >&2 ;;
      *) printf '\033[32mGET\033[0m  %s \033[32m200\033[0m \033[2m%sms\033[0m\n' "$p" "$ms" ;;
    esac
    sleep 0.15
  done
done
`,
  "api-server": String.raw`
"$DENO" eval "Deno.serve({ hostname: '127.0.0.1', port: $2, onListen() {} }, () => new Response('api'))" &
printf 'listening on :%s\n' "$2"
while :; do printf 'info: health check ok\n'; sleep 2; done
`,
  "worker": String.raw`
n=0
while :; do n=$((n + 1)); printf 'job %s: sent order confirmation email\n' "$n"; sleep 1; done
`,
  "migrate": String.raw`
printf 'applying 0007_add_discounts.sql\n'
printf '\033[31mERROR:\033[0m column "discount" of relation "orders" already exists\n' >&2
exit 1
`,
  "watch-tests": String.raw`
printf '\033[32m42 passed\033[0m, 0 failed\n'
while :; do sleep 1; done
`,
};

const scheme = (Deno.args[0] ?? "light") as "light" | "dark";
const out = Deno.args[1] ??
  fileURLToPath(new URL("../docs/dashboard.png", import.meta.url));
const project = await Deno.makeTempDir({ prefix: "persistproc-demo-" });
try {
  const shop = join(project, "code", "shop");
  await Deno.mkdir(shop, { recursive: true });
  for (const [name, body] of Object.entries(SCRIPTS)) {
    await Deno.writeTextFile(join(shop, name), `#!/bin/sh\n${body.trimStart()}`, { mode: 0o755 });
  }
  await using hub = await startHub();
  // Started as an agent, the CLI and the page would, so the "Started by" column reads true.
  const start = async (label: string, command: string, by: string) => {
    const response = await hub.fetch("/api/hub/start", {
      method: "POST",
      headers: { "content-type": "application/json", "x-persistproc-client": by },
      body: JSON.stringify({
        label,
        command,
        working_directory: shop,
        environment: { DENO: Deno.execPath() },
      }),
    });
    if (!response.ok) throw new Error(`starting ${label}: ${await response.text()}`);
  };
  await start("web", `./dev-server --port ${portOr(5173)}`, "claude-code/2.1.0");
  await start("api", `./api-server --port ${portOr(8080)}`, "cli");
  await start("worker", "./worker --queue emails", "dashboard");
  await start("migrate", "./migrate", "claude-code/2.1.0");
  await start("tests", "./watch-tests", "cli");
  await tool(hub, "ctrl", { action: "stop", command_or_label: "tests" });

  await using browser = await openBrowser();
  const page = await browser.newPage({
    viewport: { width: 1280, height: 940 },
    colorScheme: scheme,
  });
  await page.addInitScript(
    (token) => sessionStorage.setItem("persistproc.token", token),
    hub.token!,
  );
  await page.goto(`${hub.base}/#web`);
  await waitFor(
    "enough output to show",
    async () => (await page.locator("#log .line").count()) >= 34,
  );
  await waitFor(
    "both servers' ports",
    async () => (await page.locator(".c-ports a").count()) === 2,
  );
  await page.screenshot({ path: out });
  // deno-lint-ignore no-console
  console.log(`Saved ${out}`);
} finally {
  await Deno.remove(project, { recursive: true });
}
