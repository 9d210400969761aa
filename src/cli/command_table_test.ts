import assert from "node:assert/strict";
import { allCommands, COMMAND_TABLE } from "./command_table.ts";

Deno.test("the command table names each command as the command names itself", async () => {
  const commands = await allCommands();
  assert.deepEqual(
    COMMAND_TABLE.map((entry) => entry.names),
    commands.map((command) => command.names),
  );
});
