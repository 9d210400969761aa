import assert from "node:assert/strict";
import {
  InvalidTransitionError,
  Lifecycle,
  type LifeState,
  OperationQueue,
  type Transition,
  TRANSITIONS,
} from "./lifecycle.ts";

const STATES: LifeState[] = ["idle", "running", "stopping", "backoff"];

for (const from of STATES) {
  for (const to of STATES) {
    const allowed = TRANSITIONS[from].includes(to);
    Deno.test(`lifecycle: ${from} -> ${to} is ${allowed ? "allowed, with one event" : "refused"}`, () => {
      const life = new Lifecycle(from);
      const events: Transition[] = [];
      life.onChange((transition) => events.push(transition));
      if (allowed) {
        life.to(to);
        assert.equal(life.state, to);
        assert.deepEqual(events, [{ from, to }]);
      } else {
        assert.throws(() => life.to(to), InvalidTransitionError);
        assert.equal(life.state, from);
        assert.deepEqual(events, []);
      }
    });
  }
}

Deno.test("OperationQueue runs operations one at a time, in order, past a failure", async () => {
  const queue = new OperationQueue();
  const order: string[] = [];
  let running = 0;
  const op = (name: string, ms: number, fail = false) => async () => {
    running++;
    assert.equal(running, 1, "never two at once");
    await new Promise((resolve) => setTimeout(resolve, ms));
    order.push(name);
    running--;
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([
    queue.run(op("a", 30)),
    queue.run(op("b", 1, true)),
    queue.run(op("c", 10)),
  ]);
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
});
