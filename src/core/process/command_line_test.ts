import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors.ts";
import { toArgv } from "./command_line.ts";

Deno.test("toArgv splits a plain command into argv", () => {
  assert.deepEqual(toArgv("  python3 -m http.server 8000 --bind=127.0.0.1 "), [
    "python3",
    "-m",
    "http.server",
    "8000",
    "--bind=127.0.0.1",
  ]);
});

Deno.test("toArgv runs shell syntax under /bin/sh -c", () => {
  for (
    const cmd of [
      "npm i && npm run dev",
      "ls | wc -l",
      "echo hi > out.txt",
      "echo $HOME",
      "cd ~/x",
      "echo 'a b'",
      'echo "a b"',
      "FOO=1 node app.js",
      "ls *.ts",
    ]
  ) {
    assert.deepEqual(toArgv(cmd), ["/bin/sh", "-c", cmd], cmd);
  }
});

Deno.test("toArgv refuses an empty command", () => {
  assert.throws(() => toArgv("   "), InvalidArgumentError);
});

Deno.test("toArgv on Windows sends only cmd.exe syntax to cmd.exe; backslashes are paths", () => {
  assert.deepEqual(toArgv("C:\\tools\\server.exe --port 80", "windows"), [
    "C:\\tools\\server.exe",
    "--port",
    "80",
  ]);
  assert.deepEqual(toArgv("npm i && npm run dev", "windows"), [
    "cmd.exe",
    "/d",
    "/s",
    "/c",
    "npm i && npm run dev",
  ]);
});
