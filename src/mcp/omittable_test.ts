import assert from "node:assert/strict";
import { z } from "zod";
import { omittable } from "./omittable.ts";

Deno.test("omittable() keeps a core field's type and bounds, optional, never null", () => {
  const field = omittable(z.string().min(1).nullable().optional(), "A name");
  assert.equal(field.safeParse(undefined).success, true);
  assert.equal(field.safeParse("web").success, true);
  assert.equal(field.safeParse(null).success, false);
  assert.equal(field.safeParse("").success, false);
  assert.deepEqual(z.toJSONSchema(z.object({ field })).properties, {
    field: { type: "string", minLength: 1, description: "A name" },
  });
});
