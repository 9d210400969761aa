import assert from "node:assert/strict";
import type { ProcessDetails } from "../system/process_details.ts";
import { commandOf, interactiveShell, isLauncher } from "./_launchers.ts";

function details(argv: string[], tty = true): ProcessDetails {
  return {
    pid: 41,
    ppid: 1,
    pgid: 41,
    sid: 41,
    uid: 1000,
    argv,
    commandLine: argv.join(" "),
    cwd: "/app",
    environment: {},
    tty,
    limits: [],
  };
}

Deno.test("isLauncher knows package runners, deno task and sh -c, not the programs they run", () => {
  assert.ok(isLauncher(details(["npm run dev"]))); // npm sets its title: one argument
  assert.ok(isLauncher(details(["/usr/bin/pnpm", "dev"])));
  assert.ok(isLauncher(details(["deno", "task", "dev"])));
  assert.ok(isLauncher(details(["sh", "-c", "vite"])));
  assert.ok(isLauncher(details(["node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "run"])));
  assert.ok(!isLauncher(details(["node", "/app/node_modules/.bin/vite"])));
  assert.ok(!isLauncher(details(["deno", "run", "-A", "main.ts"])));
  assert.ok(!isLauncher(details(["bash"])));
});

Deno.test("interactiveShell names a shell on a terminal, not one running -c or without one", () => {
  assert.equal(interactiveShell(details(["-bash"])), "PID 41 bash in a terminal");
  assert.equal(interactiveShell(details(["/usr/bin/zsh", "-l"])), "PID 41 zsh in a terminal");
  assert.equal(interactiveShell(details(["bash", "-c", "npm run dev"])), null);
  assert.equal(interactiveShell(details(["bash"], false)), null);
  assert.equal(interactiveShell(details(["tmux"])), null);
});

Deno.test("commandOf puts back the -- that npm's title drops before the script's arguments", () => {
  // npm run dev -- --port 5198 --strictPort, as /proc shows it once npm set its title.
  assert.equal(
    commandOf(details(["npm run dev --port 5198 --strictPort"])),
    "npm run dev -- --port 5198 --strictPort",
  );
  assert.equal(commandOf(details(["npm start --port 3000"])), "npm start -- --port 3000");
  assert.equal(commandOf(details(["npm run dev"])), "npm run dev");
  assert.equal(commandOf(details(["npm install"])), "npm install");
  // A real argv keeps its own --, and other programs are as they were.
  assert.equal(
    commandOf(
      details(["node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "run", "dev", "--", "-x"]),
    ),
    "node /usr/lib/node_modules/npm/bin/npm-cli.js run dev -- -x",
  );
  assert.equal(commandOf(details(["sh", "-c", "vite --port 5198"])), "sh -c 'vite --port 5198'");
});
