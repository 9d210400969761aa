import assert from "node:assert/strict";
import { crashTail, TAIL_BYTES } from "./_crash_tail.ts";

/** What Node 20 prints when its server's port is taken (the error, its stack, its fields). */
const NODE_EADDRINUSE = `node:events:502
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use 127.0.0.1:3000
    at Server.setupListenHandle [as _listen2] (node:net:1908:16)
    at listenInCluster (node:net:1965:12)
    at doListen (node:net:2139:7)
    at process.processTicksAndRejections (node:internal/process/task_queues:83:21)
Emitted 'error' event on Server instance at:
    at emitErrorNT (node:net:1944:8)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {
  code: 'EADDRINUSE',
  errno: -98,
  syscall: 'listen',
  address: '127.0.0.1',
  port: 3000
}

Node.js v20.20.2`;

const PYTHON = `Traceback (most recent call last):
  File "/srv/app.py", line 1, in <module>
    import flask
ModuleNotFoundError: No module named 'flask'`;

const lines = (text: string) => text.split("\n");
const bytes = (text: string) => new TextEncoder().encode(text).length;

Deno.test("a Node crash's tail names its error, then its last lines without stack frames", () => {
  const tail = crashTail(lines(NODE_EADDRINUSE));
  assert.ok(bytes(tail) <= TAIL_BYTES, tail);
  assert.equal(
    tail,
    [
      "Error: listen EADDRINUSE: address already in use 127.0.0.1:3000",
      "Emitted 'error' event on Server instance at:",
      "  code: 'EADDRINUSE',",
      "  errno: -98,",
      "  syscall: 'listen',",
      "  address: '127.0.0.1',",
      "  port: 3000",
      "}",
      "Node.js v20.20.2",
    ].join("\n"),
  );
});

Deno.test("the error's line comes first, then an ellipsis and the last lines that fit", () => {
  const chatter = Array.from({ length: 30 }, (_, i) => `retrying the database, attempt ${i}`);
  const tail = crashTail(["TypeError: db.connect is not a function", ...chatter, "giving up"]);
  assert.ok(bytes(tail) <= TAIL_BYTES, tail);
  const [first, gap, ...end] = tail.split("\n");
  assert.equal(first, "TypeError: db.connect is not a function");
  assert.equal(gap, "…");
  assert.equal(end.at(-1), "giving up");
  assert.equal(end.at(-2), "retrying the database, attempt 29");
});

Deno.test("Python's, Go's and a plain program's tails", () => {
  assert.equal(crashTail(lines(PYTHON)), "ModuleNotFoundError: No module named 'flask'");
  assert.equal(
    crashTail([
      "panic: runtime error: index out of range [5] with length 3",
      "",
      "goroutine 1 [running]:",
      "main.main()",
      "\t/srv/main.go:5 +0x1d",
    ]),
    "panic: runtime error: index out of range [5] with length 3\ngoroutine 1 [running]:\nmain.main()\n\t/srv/main.go:5 +0x1d",
  );
  // No line names an error: the last lines, as many as fit.
  assert.equal(
    crashTail(["starting", "sh: 1: vite: not found"]),
    "starting\nsh: 1: vite: not found",
  );
  assert.equal(crashTail([]), "");
});

Deno.test("a line too long for the tail is cut, keeping its start for an error, its end otherwise", () => {
  const long = `Error: ${"x".repeat(500)}`;
  const error = crashTail([long]);
  assert.ok(error.startsWith("Error: xxx") && error.endsWith("…"), error);
  assert.ok(bytes(error) <= TAIL_BYTES);
  const plain = crashTail([`${"y".repeat(500)} the end`]);
  assert.ok(plain.startsWith("…") && plain.endsWith("the end"), plain);
  assert.ok(bytes(plain) <= TAIL_BYTES);
});
