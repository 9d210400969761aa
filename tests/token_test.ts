/**
 * End-to-end: the token from the owner's side. The CLI finds it in the data dir by itself
 * (autostart included), prints it, opens the dashboard with it and fills it into each agent's
 * set-up; it never leaks into a child, a log, the state file or a command line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, CliProcess, type CliTarget } from "./_cli.ts";
import { freePort, MAIN, startHub, waitFor } from "./_hub.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs main.ts with exactly `env` added (the parent's PATH unless `env` sets one). */
async function run(args: string[], env: Record<string, string>) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

/** A throwaway data dir and free port for a server the CLI starts itself. */
async function freshTarget(): Promise<CliTarget & AsyncDisposable> {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-token-" });
  const target = { port: freePort(), dataDir };
  return {
    ...target,
    async [Symbol.asyncDispose]() {
      // Whatever happened, no server (nor its children) is left behind.
      await cli(target, ["shutdown"]).catch(() => {});
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

Deno.test("with no flag the CLI autostarts a server that shares the data dir's token", async () => {
  await using target = await freshTarget();
  const started = await cli(target, ["start", "--label", "env", "env"]);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stderr, /started persistproc server on port \d+/);
  const token = (await Deno.readTextFile(join(target.dataDir, "token"))).trim();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal((await Deno.stat(join(target.dataDir, "token"))).mode! & 0o777, 0o600);

  const listed = await cli(target, ["list"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /env/);
  const printed = await cli(target, ["token"]);
  assert.equal(printed.stdout, token + "\n");

  // The server refuses anyone without it.
  const anonymous = await fetch(`http://127.0.0.1:${target.port}/api/health`);
  await anonymous.body?.cancel();
  assert.equal(anonymous.status, 401);

  // Neither the child, the server's log and state, nor the server's argv or environment hold it.
  const output = await waitFor("the child's environment", async () => {
    const result = await cli(target, ["output", "--lines", "1000", "env"]);
    return result.stdout.includes("PERSISTPROC_DATA_DIR=") && result.stdout;
  });
  assert.ok(!output.includes(token), output);
  assert.ok(!(await Deno.readTextFile(join(target.dataDir, "server.log"))).includes(token));
  assert.ok(!(await Deno.readTextFile(join(target.dataDir, "state.json"))).includes(token));
  const health = await fetch(`http://127.0.0.1:${target.port}/api/health`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { pid } = await health.json();
  for (const file of ["cmdline", "environ"]) {
    assert.ok(!(await Deno.readTextFile(`/proc/${pid}/${file}`)).includes(token), file);
  }

  const down = await cli(target, ["shutdown"]);
  assert.equal(down.code, 0, down.stderr);
});

Deno.test("a server with another token is reported with what to do", async () => {
  const token = "s3cret-token-of-another-server";
  await using hub = await startHub(["--token", token], { token });
  const refused = await cli(hub, ["list"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: the server on port \d+ wants a token, and there is none/m);
  assert.match(refused.stderr, /--token, PERSISTPROC_TOKEN/);
  const down = await cli(hub, ["shutdown"]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^error: the server on port \d+ wants a token/m);
  const given = await cli(hub, ["--token", token, "list"]);
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stdout, /^no processes$/m);
});

Deno.test("serve refuses --no-auth beyond loopback, and beside a token", async () => {
  await using target = await freshTarget();
  const env = { PERSISTPROC_DATA_DIR: target.dataDir, PERSISTPROC_PORT: String(target.port) };
  const beyond = await run(["serve", "--no-auth", "--host", "0.0.0.0"], env);
  assert.equal(beyond.code, 2);
  assert.match(beyond.stderr, /^error: --no-auth is for loopback only/m);
  const both = await run(["serve", "--no-auth"], { ...env, PERSISTPROC_TOKEN: "t" });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^error: --no-auth and a token/m);
});

Deno.test("the token never reaches a process the CLI starts", async () => {
  await using hub = await startHub(["--token", "s3cret-token"], { token: "s3cret-token" });
  const result = await run(["--port", String(hub.port), "start", "--label", "env", "env"], {
    PERSISTPROC_TOKEN: "s3cret-token",
    PERSISTPROC_DATA_DIR: hub.dataDir,
    MARKER: "visible",
  });
  assert.equal(result.code, 0, result.stderr);
  const printed = await waitFor("the child's environment", async () => {
    const { body } = await hub.api("output", { command_or_label: "env", lines: 1000 });
    const text = body.output.join("\n");
    return text.includes("MARKER=visible") && text;
  });
  assert.ok(!printed.includes("s3cret-token"));
  assert.ok(!(await Deno.readTextFile(`${hub.dataDir}/state.json`)).includes("s3cret-token"));
});

Deno.test("serve prints a short banner; serve --verbose and setup print each agent's set-up with the token filled in", async () => {
  await using target = await freshTarget();
  const setup = await cli(target, ["setup", "claude"]);
  assert.equal(setup.code, 0, setup.stderr);
  const token = (await Deno.readTextFile(join(target.dataDir, "token"))).trim();
  assert.equal(
    setup.stdout.split("\n")[1],
    `  claude mcp add --transport http --scope user persistproc ` +
      `http://127.0.0.1:${target.port}/mcp/ --header "Authorization: Bearer ${token}"`,
  );
  // The short banner fits a terminal: addresses, the sign-in link, the set-up command.
  {
    await using short = new CliProcess(target, ["serve"]);
    const [banner] = await short.waitForOutput(/^persistproc listening[^]*Ctrl\+C.*\n/m, "stdout");
    assert.ok(banner.trimEnd().split("\n").length <= 10, banner);
    assert.match(
      banner,
      new RegExp(`^dashboard: http://127.0.0.1:${target.port}/#token=${token}$`, "m"),
    );
    // It names the data dir too, where the CLI reads the token: without it, setup would
    // print the default data dir's token, which this server refuses.
    assert.ok(
      banner.includes(
        `\nconnect an agent: persistproc --port ${target.port} --data-dir ${target.dataDir} ` +
          "setup [claude|",
      ),
      banner,
    );
    assert.doesNotMatch(banner, /claude mcp add/);
    short.kill("SIGTERM");
    assert.equal((await short.result()).code, 0);
  }
  // The quiet banner (an autostarted server's log) names no token, and a command that reaches
  // this server.
  {
    await using quiet = new CliProcess(target, ["serve", "--quiet"]);
    const [line] = await quiet.waitForOutput(/^dashboard: .*$/m, "stdout");
    assert.equal(
      line,
      `dashboard: http://127.0.0.1:${target.port}/ ` +
        `('persistproc --port ${target.port} --data-dir ${target.dataDir} open' opens it ` +
        "with the token)",
    );
    quiet.kill("SIGTERM");
    assert.equal((await quiet.result()).code, 0);
  }
  await using server = new CliProcess(target, ["serve", "--verbose"]);
  await server.waitForOutput(/keep them out of shared repositories/, "stdout");
  const [, dashboard] = await server.waitForOutput(/^dashboard: (\S+)$/m, "stdout");
  assert.equal(dashboard, `http://127.0.0.1:${target.port}/#token=${token}`);
  const [, codex] = await server.waitForOutput(/^ {2}(http_headers = .*)$/m, "stdout");
  assert.equal(codex, `http_headers = { "Authorization" = "Bearer ${token}" }`);
  for (const agent of ["cursor", "vscode", "gemini"]) {
    await server.waitForOutput(new RegExp(`\\(${agent}\\)`), "stdout");
  }
  server.kill("SIGTERM");
  assert.equal((await server.result()).code, 0);
});

Deno.test("open hands the browser an owner-only page that signs it in", async () => {
  await using hub = await startHub();
  const bin = await Deno.makeTempDir({ prefix: "persistproc-bin-" });
  try {
    // A stand-in for xdg-open that records what it was asked to open.
    await Deno.writeTextFile(
      join(bin, "xdg-open"),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/opened"\n`,
      { mode: 0o755 },
    );
    const env = {
      PERSISTPROC_DATA_DIR: hub.dataDir,
      PERSISTPROC_PORT: String(hub.port),
      PATH: `${bin}:/usr/bin:/bin`,
    };
    const opened = await run(["open"], env);
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stderr, /opened the dashboard/);
    assert.ok(!opened.stdout.includes(hub.token!) && !opened.stderr.includes(hub.token!));
    const argv = await Deno.readTextFile(join(bin, "opened"));
    assert.equal(argv, join(hub.dataDir, "open.html") + "\n");
    assert.equal((await Deno.stat(join(hub.dataDir, "open.html"))).mode! & 0o777, 0o600);
    const page = await Deno.readTextFile(join(hub.dataDir, "open.html"));
    assert.match(page, new RegExp(`url=http://127\\.0\\.0\\.1:${hub.port}/#token=${hub.token}"`));

    // Without any opener, the address is printed instead.
    const empty = await Deno.makeTempDir({ dir: bin });
    const printed = await run(["open"], { ...env, PATH: empty });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stderr, /could not open a browser \(xdg-open not found\)/);
    assert.equal(printed.stdout, `http://127.0.0.1:${hub.port}/#token=${hub.token}\n`);
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});
