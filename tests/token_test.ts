/**
 * End-to-end: the optional bearer token, and refusing to listen beyond loopback without one.
 */
import assert from "node:assert/strict";
import { freePort, MAIN, startHub, waitFor } from "./_hub.ts";

Deno.test("with a token set, requests without it get 401 and the CLI with it works", async () => {
  await using hub = await startHub(["--token", "s3cret-token"], { token: "s3cret-token" });
  const anonymous = await fetch(`${hub.base}/api/tools/list`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(anonymous.status, 401);
  assert.match((await anonymous.json()).error.message, /token/);
  const wrong = await fetch(`${hub.base}/mcp/`, {
    method: "POST",
    headers: { authorization: "Bearer nope", "content-type": "application/json" },
    body: "{}",
  });
  await wrong.body?.cancel();
  assert.equal(wrong.status, 401);
  const cli = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", String(hub.port), "--token", "s3cret-token", "list"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
  assert.match(new TextDecoder().decode(cli.stdout), /^no processes$/m);
});

Deno.test("serve refuses a non-loopback host without a token", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-test-" });
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        String(freePort()),
        "--data-dir",
        dataDir,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { PERSISTPROC_TOKEN: "" },
    }).output();
    assert.equal(result.code, 1);
    assert.match(new TextDecoder().decode(result.stderr), /^error: .*without a token/m);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the token never reaches a process the CLI starts", async () => {
  await using hub = await startHub(["--token", "s3cret-token"], { token: "s3cret-token" });
  const cli = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", String(hub.port), "start", "--label", "env", "env"],
    cwd: hub.dataDir,
    env: { PERSISTPROC_TOKEN: "s3cret-token", MARKER: "visible" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
  const printed = await waitFor("the child's environment", async () => {
    const { body } = await hub.api("output", { command_or_label: "env", lines: 1000 });
    const text = body.output.join("\n");
    return text.includes("MARKER=visible") && text;
  });
  assert.ok(!printed.includes("s3cret-token"));
  assert.ok(!(await Deno.readTextFile(`${hub.dataDir}/state.json`)).includes("s3cret-token"));
});
