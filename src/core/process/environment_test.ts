import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors.ts";
import { startEnvironment, validateEnvironment } from "./environment.ts";

Deno.test("validateEnvironment() refuses an empty name, '=' or NUL, naming the variable", () => {
  for (const name of ["", "A=B", "A\0B"]) {
    assert.throws(
      () => validateEnvironment({ [name]: "x" }),
      (error: Error) =>
        error instanceof InvalidArgumentError && error.message.includes(JSON.stringify(name)),
    );
  }
  assert.throws(() => validateEnvironment({ A: "x\0y" }), InvalidArgumentError);
  validateEnvironment({ A: "", B_2: "a=b c" });
});

Deno.test("startEnvironment() adds to the baseline unless told to use the caller's alone", () => {
  const baseline = { PATH: "/bin", SECRET: "s", DATABASE_URL: "prod" };
  assert.deepEqual(startEnvironment({ environment: { A: "1" } }, baseline, ["SECRET"]), {
    PATH: "/bin",
    DATABASE_URL: "prod",
    A: "1",
  });
  assert.deepEqual(
    startEnvironment({ environment: { PATH: "/usr/bin", SECRET: "x" }, inherit: false }, baseline, [
      "SECRET",
    ]),
    { PATH: "/usr/bin" },
  );
});
