import assert from "node:assert/strict";
import { defaultDataDir } from "./paths.ts";

Deno.test("defaultDataDir on Linux uses ~/.local/share when XDG_DATA_HOME is unset", () => {
  assert.equal(
    defaultDataDir({}, "linux", "/home/ada"),
    "/home/ada/.local/share/persistproc",
  );
});

Deno.test("defaultDataDir on Linux follows XDG_DATA_HOME", () => {
  assert.equal(
    defaultDataDir({ XDG_DATA_HOME: "/data/xdg" }, "linux", "/home/ada"),
    "/data/xdg/persistproc",
  );
  // An empty XDG_DATA_HOME means unset, as the XDG spec says.
  assert.equal(
    defaultDataDir({ XDG_DATA_HOME: "" }, "linux", "/home/ada"),
    "/home/ada/.local/share/persistproc",
  );
});

Deno.test("defaultDataDir on macOS uses Application Support and ignores XDG_DATA_HOME", () => {
  assert.equal(
    defaultDataDir({ XDG_DATA_HOME: "/data/xdg" }, "darwin", "/Users/ada"),
    "/Users/ada/Library/Application Support/persistproc",
  );
});

Deno.test("defaultDataDir on Windows uses LOCALAPPDATA with backslashes", () => {
  assert.equal(
    defaultDataDir(
      { LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local", USERPROFILE: "D:\\elsewhere" },
      "windows",
      undefined,
    ),
    "C:\\Users\\ada\\AppData\\Local\\persistproc",
  );
});

Deno.test("defaultDataDir on Windows falls back to USERPROFILE\\AppData\\Local", () => {
  assert.equal(
    defaultDataDir({ USERPROFILE: "C:\\Users\\ada" }, "windows", undefined),
    "C:\\Users\\ada\\AppData\\Local\\persistproc",
  );
});

Deno.test("defaultDataDir says which variable is missing when no directory can be found", () => {
  assert.throws(() => defaultDataDir({}, "windows", undefined), /LOCALAPPDATA is not set/);
  assert.throws(() => defaultDataDir({}, "darwin", undefined), /HOME is not set/);
  assert.throws(() => defaultDataDir({}, "linux", undefined), /HOME is not set/);
});

Deno.test("defaultDataDir on other Unix systems follows the Linux rule", () => {
  assert.equal(
    defaultDataDir({}, "freebsd", "/home/ada"),
    "/home/ada/.local/share/persistproc",
  );
});
