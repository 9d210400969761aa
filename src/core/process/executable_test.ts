import assert from "node:assert/strict";
import { executableCandidates, findExecutable } from "./executable.ts";

Deno.test("executableCandidates searches PATH in order on POSIX", () => {
  assert.deepEqual(executableCandidates("node", "/w", { PATH: "/a:bin::/c" }, "linux"), [
    "/a/node",
    "/w/bin/node",
    "/c/node",
  ]);
  assert.deepEqual(executableCandidates("./run.sh", "/w", { PATH: "/a" }, "linux"), ["/w/run.sh"]);
  assert.deepEqual(executableCandidates("/opt/x", "/w", {}, "darwin"), ["/opt/x"]);
});

Deno.test("executableCandidates uses Path and PATHEXT on Windows", () => {
  const env = { Path: "C:\\Tools;C:\\Node", PATHEXT: ".EXE;.CMD" };
  assert.deepEqual(executableCandidates("npm", "C:\\w", env, "windows"), [
    "C:\\Tools\\npm.EXE",
    "C:\\Tools\\npm.CMD",
    "C:\\Node\\npm.EXE",
    "C:\\Node\\npm.CMD",
  ]);
  assert.deepEqual(executableCandidates("node.exe", "C:\\w", env, "windows"), [
    "C:\\Tools\\node.exe",
    "C:\\Node\\node.exe",
  ]);
  assert.deepEqual(executableCandidates(".\\bin\\tool", "C:\\w", {}, "windows"), [
    "C:\\w\\bin\\tool.COM",
    "C:\\w\\bin\\tool.EXE",
    "C:\\w\\bin\\tool.BAT",
    "C:\\w\\bin\\tool.CMD",
  ]);
});

Deno.test("findExecutable finds a real program and refuses a missing one", () => {
  assert.match(findExecutable("sh", "/", { PATH: "/usr/bin:/bin" }) ?? "", /\/bin\/sh$/);
  assert.equal(findExecutable("no-such-program-xyz", "/", { PATH: "/usr/bin:/bin" }), null);
});
