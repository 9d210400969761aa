import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { type FlagSpec, parseFlags, splitAtFirstPositional, UsageError } from "./args.ts";

const spec = {
  port: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  dir: { type: "string", short: "C" },
} as const;

Deno.test("flags end at the first positional; later flags belong to the child", () => {
  assert.deepEqual(
    splitAtFirstPositional(["--port", "9", "python3", "-m", "http.server", "--port", "1"], spec),
    { flags: ["--port", "9"], rest: ["python3", "-m", "http.server", "--port", "1"] },
  );
});

Deno.test("a flag's value is not mistaken for the first positional", () => {
  assert.deepEqual(splitAtFirstPositional(["-C", "/tmp", "-v", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["-vC", "/tmp", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["-C/tmp", "ls"], spec).rest, ["ls"]);
  assert.deepEqual(splitAtFirstPositional(["--port=9", "ls"], spec).rest, ["ls"]);
});

Deno.test("`--` ends the flags and is dropped", () => {
  assert.deepEqual(splitAtFirstPositional(["-v", "--", "--weird"], spec), {
    flags: ["-v"],
    rest: ["--weird"],
  });
});

Deno.test("parseFlags() keeps the child's flags as positionals when asked to", () => {
  const parsed = parseFlags(["--port", "9", "ls", "-v"], spec, true);
  assert.deepEqual(parsed.values, { port: "9" });
  assert.deepEqual(parsed.positionals, ["ls", "-v"]);
});

Deno.test("parseFlags() reads flags anywhere by default", () => {
  const parsed = parseFlags(["web", "-v"], spec);
  assert.deepEqual(parsed.values, { verbose: true });
  assert.deepEqual(parsed.positionals, ["web"]);
});

Deno.test("parseFlags() turns unknown flags and missing values into usage errors", () => {
  assert.throws(() => parseFlags(["--nope"], spec), UsageError);
  assert.throws(() => parseFlags(["--port"], spec, true), UsageError);
});

Deno.test("a mistyped flag is answered with the flag it is a typo of", () => {
  assert.throws(() => parseFlags(["--prot", "9"], spec), {
    name: "UsageError",
    message: "Unknown option '--prot': did you mean '--port'?",
  });
  assert.throws(() => parseFlags(["--verbsoe"], spec, true), {
    message: "Unknown option '--verbsoe': did you mean '--verbose'?",
  });
  assert.throws(() => parseFlags(["--nope"], spec), { message: "Unknown option '--nope'" });
});

Deno.test("parseFlags() reads every command's flags as node:util parseArgs does", async () => {
  const { allCommands } = await import("./command_table.ts");
  const { GLOBAL_FLAGS } = await import("./settings.ts");
  const outcome = (read: () => unknown) => {
    try {
      return read();
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  for (const command of await allCommands()) {
    const spec: FlagSpec = { ...command.flags, ...GLOBAL_FLAGS };
    const tokens = ["web", "-", "--", "-1", "--nope", "-ah", "--port="];
    for (const [name, option] of Object.entries(spec)) {
      tokens.push(`--${name}`, `--${name}=x`);
      if (option.short) tokens.push(`-${option.short}`);
    }
    const cases = [[], ...tokens.map((t) => [t])];
    for (const a of tokens) for (const b of tokens) cases.push([a, b, "x"]);
    for (const args of cases) {
      for (const ends of [false, true]) {
        const viaParseArgs = () => {
          const { flags, rest } = ends
            ? splitAtFirstPositional(args, spec)
            : { flags: args, rest: [] };
          try {
            const parsed = parseArgs({
              args: flags,
              options: spec,
              strict: true,
              allowPositionals: true,
            });
            return { values: { ...parsed.values }, positionals: [...parsed.positionals, ...rest] };
          } catch (error) {
            throw new UsageError((error as Error).message.split(". ")[0]);
          }
        };
        assert.deepEqual(
          outcome(() => parseFlags(args, spec, ends)),
          outcome(viaParseArgs),
          `${command.names[0]} ${JSON.stringify(args)}${
            ends ? " (flags end at a positional)" : ""
          }`,
        );
      }
    }
  }
});
