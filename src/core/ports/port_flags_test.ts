import assert from "node:assert/strict";
import { join } from "node:path";
import { portFlagsFor } from "./port_flags.ts";

Deno.test("Vite, Astro and Angular get the port as their flag; servers that read PORT do not", () => {
  const dir = Deno.makeTempDirSync({ prefix: "persistproc-flags-" });
  try {
    const scripts = { dev: "tsc -b && vite", web: "NODE_ENV=dev astro dev", next: "next dev" };
    Deno.writeTextFileSync(join(dir, "package.json"), JSON.stringify({ scripts }));
    const appended = (command: string) => portFlagsFor(command, dir, 23885)?.appended ?? null;
    assert.equal(appended("vite"), "--port 23885 --strictPort");
    assert.equal(appended("npx vite dev"), "--port 23885 --strictPort");
    assert.equal(appended("./node_modules/.bin/vite serve"), "--port 23885 --strictPort");
    assert.equal(appended("npm run dev"), "-- --port 23885 --strictPort");
    assert.equal(appended("pnpm dev"), "--port 23885 --strictPort");
    assert.equal(appended("yarn run web"), "--port 23885");
    assert.equal(appended("ng serve"), "--port 23885");
    assert.equal(portFlagsFor("npm run dev", dir, 1)?.server, "Vite");
    for (const command of ["npm run next", "vite build", "vite --port 3000", "npm run missing"]) {
      assert.equal(appended(command), null, command);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
