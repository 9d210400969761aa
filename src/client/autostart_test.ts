import assert from "node:assert/strict";
import { connectOrStart, serverEnvironment } from "./autostart.ts";
import { ServerStartError } from "./client_errors.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("a server that dies while starting is reported with its log", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "persistproc-autostart-" });
  try {
    await Deno.writeTextFile(`${dataDir}/server.log`, "an older run\n");
    let spawnedWith = "";
    const error = await connectOrStart({
      port: freePort(),
      dataDir,
      serverArgv: ["/bin/sh", "-c", "echo 'boom: cannot bind'; exit 3"],
      onSpawn: (logFile) => spawnedWith = logFile,
    }).then(() => null, (error) => error);
    assert.ok(error instanceof ServerStartError, String(error));
    assert.equal(spawnedWith, `${dataDir}/server.log`);
    assert.equal(error.logFile, `${dataDir}/server.log`);
    assert.match(
      error.message,
      /exited during startup; see .*server\.log:\n {2}boom: cannot bind$/,
    );
    assert.doesNotMatch(error.message, /older run/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("an autostarted server keeps only the baseline variables and the token", () => {
  const environment = serverEnvironment({
    PATH: "/bin",
    HOME: "/home/me",
    LC_TIME: "C",
    DATABASE_URL: "prod",
    Path: "C:\\Windows",
    PERSISTPROC_TOKEN: "from the shell",
  }, "t0ken");
  assert.deepEqual(environment, {
    PATH: "/bin",
    HOME: "/home/me",
    LC_TIME: "C",
    Path: "C:\\Windows",
    PERSISTPROC_TOKEN: "t0ken",
  });
  assert.equal(
    serverEnvironment({ PERSISTPROC_TOKEN: "x" }, undefined).PERSISTPROC_TOKEN,
    undefined,
  );
});
