import assert from "node:assert/strict";
import { lsofListenerArgs, parseLsofListeners } from "./scan_darwin.ts";

// As macOS's lsof prints it: a `p` line per process, then `f` (descriptor) and `n` (name) per
// socket. Pid 501 is a dev server on IPv4 and IPv6 wildcard plus loopback; 734 is a database.
const MACOS_SAMPLE = [
  "p501",
  "f22",
  "n*:5173",
  "f23",
  "n[::]:5173",
  "f24",
  "n127.0.0.1:24678",
  "p734",
  "f7",
  "n[::1]:5432",
  "f8",
  "n127.0.0.1:5432",
  "",
].join("\n");

Deno.test("parseLsofListeners gives each pid its listening ports, ascending, without repeats", () => {
  assert.deepEqual(
    parseLsofListeners(MACOS_SAMPLE),
    new Map([[501, [5173, 24678]], [734, [5432]]]),
  );
});

Deno.test("parseLsofListeners reads output without `f` lines, as Linux's lsof prints it", () => {
  assert.deepEqual(
    parseLsofListeners("p12342\nn127.0.0.1:18765\n"),
    new Map([[12342, [18765]]]),
  );
});

Deno.test("parseLsofListeners returns an empty map for lsof's empty output", () => {
  assert.deepEqual(parseLsofListeners(""), new Map());
});

Deno.test("parseLsofListeners skips connected sockets, unknown fields and names without a port", () => {
  const text = [
    "p900",
    "f3",
    "n127.0.0.1:50123->127.0.0.1:5432",
    "TST=LISTEN",
    "n*:*",
    "p901",
    "n/tmp/socket",
    "p902\r",
    "n*:8080\r",
  ].join("\n");
  assert.deepEqual(parseLsofListeners(text), new Map([[902, [8080]]]));
});

Deno.test("parseLsofListeners ignores names before any process line", () => {
  assert.deepEqual(parseLsofListeners("n*:80\np7\nn*:81\n"), new Map([[7, [81]]]));
});

Deno.test("lsofListenerArgs selects only the given pids' TCP listeners in field form", () => {
  assert.deepEqual(lsofListenerArgs([501, 734]), [
    "-nP",
    "-iTCP",
    "-sTCP:LISTEN",
    "-a",
    "-p",
    "501,734",
    "-Fpn",
  ]);
  assert.throws(() => lsofListenerArgs([]), RangeError);
  assert.throws(() => lsofListenerArgs([1.5]), RangeError);
});
