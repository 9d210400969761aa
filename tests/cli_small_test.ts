/**
 * End-to-end: the CLI's small courtesies, run as a user at a shell runs them.
 */
import assert from "node:assert/strict";
import { cli } from "./_cli.ts";
import { hubTest } from "./_hub.ts";

hubTest("persistproc help is --help, and help SUBCOMMAND is its --help", async (hub) => {
  const help = await cli(hub, ["help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.equal(help.stdout, (await cli(hub, ["--help"])).stdout);
  const ls = await cli(hub, ["help", "ls"]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stdout, (await cli(hub, ["ls", "--help"])).stdout);
});
