import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors.ts";
import {
  ASSIGNED_PORT_COUNT,
  ASSIGNED_PORT_FIRST,
  assignPort,
  checkPortVariable,
  preferredPort,
} from "./assign.ts";

const allFree = () => Promise.resolve(true);

Deno.test("preferredPort() is the same for a label and directory, another for another directory", () => {
  const a = preferredPort("npm run dev in /w/app", "/w/app");
  assert.equal(preferredPort("npm run dev in /w/app", "/w/app"), a);
  assert.notEqual(preferredPort("web", "/w/app-feature"), preferredPort("web", "/w/app"));
  assert.ok(a >= ASSIGNED_PORT_FIRST && a < ASSIGNED_PORT_FIRST + ASSIGNED_PORT_COUNT);
});

Deno.test("assignPort() takes the previous port again while it is free", async () => {
  const reserved = new Set<number>();
  assert.equal(
    await assignPort("web", "/w", { previous: 21_000, reserved, isFree: allFree }),
    21_000,
  );
  const taken = (port: number) => Promise.resolve(port !== 21_000);
  assert.equal(
    await assignPort("web", "/w", { previous: 21_000, reserved, isFree: taken }),
    preferredPort("web", "/w"),
  );
});

Deno.test("assignPort() moves on past taken and reserved ports, wrapping in the range", async () => {
  const preferred = preferredPort("web", "/w");
  const next = (n: number) =>
    ASSIGNED_PORT_FIRST + (preferred - ASSIGNED_PORT_FIRST + n) % ASSIGNED_PORT_COUNT;
  const isFree = (port: number) => Promise.resolve(port !== preferred);
  const reserved = new Set([next(1)]);
  assert.equal(await assignPort("web", "/w", { reserved, isFree }), next(2));
  await assert.rejects(
    assignPort("web", "/w", { reserved: new Set(), isFree: () => Promise.resolve(false) }),
    { code: "port_in_use" },
  );
});

Deno.test("checkPortVariable() takes environment variable names only", () => {
  assert.equal(checkPortVariable("PORT"), "PORT");
  assert.equal(checkPortVariable("VITE_PORT_2"), "VITE_PORT_2");
  for (const bad of ["", "2PORT", "PO RT", "A=B"]) {
    assert.throws(() => checkPortVariable(bad), InvalidArgumentError);
  }
});
