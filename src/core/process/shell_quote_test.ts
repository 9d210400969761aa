import assert from "node:assert/strict";
import { joinCommand, quoteArg } from "./shell_quote.ts";

Deno.test("plain arguments stay as they are", () => {
  const argv = ["python3", "-m", "http.server", "--bind=127.0.0.1"];
  assert.deepEqual(joinCommand(argv), "python3 -m http.server --bind=127.0.0.1");
});

Deno.test("arguments with spaces or shell syntax are single-quoted", () => {
  assert.deepEqual(joinCommand(["echo", "a  b"]), "echo 'a  b'");
  assert.deepEqual(joinCommand(["echo", "$HOME", "a|b", "*", "~"]), "echo '$HOME' 'a|b' '*' '~'");
  assert.deepEqual(quoteArg(""), "''");
});

Deno.test("a single quote inside an argument is closed, escaped and reopened", () => {
  assert.deepEqual(quoteArg("it's"), `'it'\\''s'`);
});

Deno.test("a single argument is a whole command line", () => {
  assert.deepEqual(joinCommand(["npm run dev && open"]), "npm run dev && open");
});

Deno.test("quoted arguments come back unchanged through sh", async () => {
  const args = ["a  b", "it's", "$HOME", "x\ny", "", "-n", '"q"', "\\"];
  const script = `printf '%s\\0' ${args.map(quoteArg).join(" ")}`;
  const { stdout } = await new Deno.Command("/bin/sh", { args: ["-c", script] }).output();
  assert.deepEqual(new TextDecoder().decode(stdout).split("\0").slice(0, -1), args);
});
