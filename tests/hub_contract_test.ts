/**
 * One contract, two hubs: the same behaviours run against the Supervisor in this process and
 * against a HubClient talking to a real server over HTTP, so that the two implementations of
 * Hub cannot drift apart. Failures are compared by their code, as callers of either see them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { HubClient } from "../src/client/hub_client.ts";
import type { Hub } from "../src/core/hub.ts";
import type { HubEvent } from "../src/core/events/event.ts";
import { Supervisor } from "../src/core/supervisor/supervisor.ts";
import type { ProcessEvent, ProcessInfo } from "../src/core/types.ts";
import * as wire from "../src/core/wire/mod.ts";
import type { z } from "zod";
import { FIXTURES, freePort, listens, startHub, waitFor } from "./_hub.ts";

/** A hub under test, a folder to run its processes in, and how to end both. */
interface Subject extends AsyncDisposable {
  hub: Hub;
  dir: string;
  /** What the hub's server printed, shown when a step fails. */
  output(): string;
}

async function supervisorSubject(): Promise<Subject> {
  const dir = await Deno.makeTempDir({ prefix: "persistproc-contract-" });
  const supervisor = new Supervisor({ dataDir: join(dir, "data"), stopGraceMs: 2_000 });
  return {
    hub: supervisor,
    dir,
    output: () => "(in this process)",
    async [Symbol.asyncDispose]() {
      await supervisor.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function clientSubject(): Promise<Subject> {
  const server = await startHub();
  const dir = await Deno.makeTempDir({ prefix: "persistproc-contract-" });
  return {
    hub: new HubClient({ port: server.port, token: server.token }),
    dir,
    output: () => server.output(),
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Asserts that a verb's answer is its wire schema's shape, no field more: what the schemas say
 * (and the MCP tools and the client derive from them) is what either hub answers.
 */
function assertShape(schema: z.ZodObject, value: unknown, what: string): void {
  const parsed = schema.strict().safeParse(value);
  assert.ok(parsed.success, `${what}: ${JSON.stringify(parsed.error?.issues)}`);
}

/** What a call rejected with, or null when it resolved. */
function failure(call: Promise<unknown>): Promise<{ code?: string; pid?: number } | null> {
  return call.then(() => null, (error) => error);
}

/** Whether something accepts connections on the port. */
function contract(name: string, open: () => Promise<Subject>): void {
  Deno.test(`the Hub contract holds for ${name}`, async (t) => {
    await using subject = await open();
    const { hub, dir } = subject;
    const step = (what: string, body: () => Promise<void>) =>
      t.step(what, async () => {
        try {
          await body();
        } catch (error) {
          // deno-lint-ignore no-console
          console.error(`--- server output (${name}) ---\n${subject.output()}`);
          throw error;
        }
      });
    // Prints "first", then "second" once the file `go` exists, then sleeps.
    const ticker = {
      command: "echo first; while [ ! -e go ]; do sleep 0.05; done; echo second; exec sleep 60",
      working_directory: dir,
      label: "ticker",
      started_by: "contract/1.0",
    };
    let first!: ProcessInfo;

    await step("start runs the command under its label", async () => {
      first = await hub.start(ticker);
      assertShape(wire.startResultSchema, first, "start");
      assert.equal(first.status, "running");
      assert.equal(first.label, "ticker");
      assert.equal(first.started_by, "contract/1.0");
      assert.equal(first.working_directory, Deno.realPathSync(dir));
    });

    await step("start refuses a label that runs (already_running, with its pid)", async () => {
      const refused = await failure(hub.start(ticker));
      assert.equal(refused?.code, "already_running");
      assert.equal(refused?.pid, first.pid);
    });

    await step("list narrows to the filter; get names the one process", async () => {
      const listed = await hub.list();
      assert.deepEqual(listed.map((p) => p.pid), [first.pid]);
      assertShape(wire.listedProcessSchema, listed[0], "list");
      assertShape(wire.processInfoSchema, await hub.get({ pid: first.pid }), "get");
      assert.deepEqual((await hub.list({ command_or_label: "ticker" })).map((p) => p.pid), [
        first.pid,
      ]);
      assert.deepEqual(await hub.list({ command_or_label: "nothing" }), []);
      assert.deepEqual((await hub.list({ started_by: "contract" })).map((p) => p.pid), [
        first.pid,
      ]);
      assert.deepEqual(await hub.list({ started_by: "nobody" }), []);
      assert.equal((await hub.get({ pid: first.pid })).label, "ticker");
      assert.equal((await hub.get({ command_or_label: "ticker" })).pid, first.pid);
    });

    await step(
      "portConflict names who holds the port a process died for; null if none",
      async () => {
        using holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = holder.addr.port;
        const died = await hub.start({
          command: `'${FIXTURES}port_taken.sh' ${port}`,
          working_directory: dir,
          label: "taken",
          wait_for_log: "never printed",
        });
        assert.equal(died.wait_result, "exited", JSON.stringify(died));
        const conflict = await hub.portConflict({ pid: died.pid });
        assert.equal(conflict?.port, port);
        assert.equal(conflict?.pid, Deno.pid);
        assert.equal(await hub.portConflict({ pid: first.pid }), null);
        await hub.forget({ pid: died.pid });
      },
    );

    await step("start with if_running keep returns the running one; its wait applies", async () => {
      const kept = await hub.start({ ...ticker, if_running: "keep", wait_for_log: "^first$" });
      assert.equal(kept.pid, first.pid);
      assert.equal(kept.already_running, true);
      assert.equal(kept.ready, true);
      assert.equal(kept.matched_line, "first");
    });

    await step("follow gives the stored lines, then each live line once", async () => {
      const lineTexts = (events: ProcessEvent[]) =>
        events.flatMap((e) => e.type === "line" ? [e.text] : []);
      await waitFor("the first line to be stored", async () => {
        const peek = await hub.follow({ pid: first.pid }, 10, () => {});
        peek.unsubscribe();
        return lineTexts(peek.backlog).includes("first");
      });
      const live: ProcessEvent[] = [];
      const following = await hub.follow({ command_or_label: "ticker" }, 10, (e) => live.push(e));
      try {
        assert.equal(following.process.pid, first.pid);
        assert.deepEqual(lineTexts(following.backlog), ["first"]);
        const before = await hub.output({ command_or_label: "ticker" });
        assert.deepEqual(before.output, ["first"]);
        assertShape(wire.waitedOutputPageSchema, before, "output");
        // Waits from the cursor on, whenever the call reaches the hub.
        const waiting = hub.output({
          pid: first.pid,
          cursor: before.next_cursor,
          wait_for_log: "^sec",
          wait_timeout: 30,
        });
        await Deno.writeTextFile(join(dir, "go"), "");
        await waitFor("the live line", () => lineTexts(live).includes("second"));
        assert.deepEqual(lineTexts(live), ["second"]);
        const waited = await waiting;
        assert.equal(waited.wait_result, "ready");
        assertShape(wire.waitedOutputPageSchema, waited, "output with a wait");
        assert.deepEqual(waited.output, ["second"]);
      } finally {
        following.unsubscribe();
      }
    });

    await step("forget refuses a running process (busy)", async () => {
      assert.equal((await failure(hub.forget({ pid: first.pid })))?.code, "busy");
    });

    await step("restart runs it again under the same label with a new pid", async () => {
      const again = await hub.restart({ command_or_label: "ticker" });
      assert.equal(again.label, "ticker");
      assert.equal(again.status, "running");
      assert.notEqual(again.pid, first.pid);
      assert.equal(again.restarts, 1);
      assert.equal((await hub.get({ command_or_label: "ticker" })).pid, again.pid);
    });

    await step(
      "restart says the port its new run took again, stop the port the tree freed; followers hear of the exit",
      async () => {
        const port = freePort();
        const web = await hub.start({
          command: `'${Deno.execPath()}' run -A '${FIXTURES}slow_http.ts' ${port}`,
          working_directory: dir,
          label: "web",
          wait_for_port: port,
        });
        assert.equal(web.ready, true, JSON.stringify(web));
        assertShape(wire.startResultSchema, web, "start with a wait");
        assert.deepEqual(web.ports, [port]);
        assert.deepEqual((await hub.list({ command_or_label: "web" }))[0].ports, [port]);
        const restarted = await hub.restart({ pid: web.pid }, { wait_for_port: port });
        // The new run listens on the old run's port again: it is in ports, not free.
        assert.deepEqual(restarted.ports, [port]);
        assert.equal(restarted.freed_ports, undefined);
        assert.equal(restarted.held_ports, undefined);
        assert.equal(restarted.ready, true, JSON.stringify(restarted));
        assertShape(wire.startResultSchema, restarted, "restart");
        assert.equal(await listens(port), true);
        const events: ProcessEvent[] = [];
        const following = await hub.follow({ pid: restarted.pid }, 0, (e) => events.push(e));
        try {
          const stopped = await hub.stop({ pid: restarted.pid });
          assert.equal(stopped.status, "stopped");
          assertShape(wire.stopResultSchema, stopped, "stop");
          assert.deepEqual(stopped.freed_ports, [port]);
          assert.deepEqual(stopped.held_ports, []);
          assert.equal(await listens(port), false);
          const exit = await waitFor(
            "the follower to hear of the exit",
            () => events.find((e) => e.type === "exit"),
          );
          assert.deepEqual(exit, { type: "exit", process: exit.process, restarting: false });
          assert.equal(exit.process.status, "stopped");
        } finally {
          following.unsubscribe();
        }
      },
    );

    await step("events replays from a cursor, filtered, then hands live events over", async () => {
      const all = await hub.events({ label: "web" });
      assert.deepEqual(
        all.backlog.filter((e) => e.kind !== "port_opened" && e.kind !== "port_closed")
          .map((e) => [e.kind, e.stopped ?? null]),
        [
          ["started", null],
          ["ready", null],
          ["exited", true],
          ["restarted", null],
          ["ready", null],
          ["exited", true],
        ],
      );
      assert.ok(all.backlog.every((e) => e.label === "web"));
      for (const event of all.backlog) assertShape(wire.hubEventSchema, event, event.kind);
      const cursor = all.backlog.at(-2)!.id;
      const after = await hub.events({ label: "web", after: cursor, kinds: ["exited"] });
      assert.deepEqual(after.backlog.map((e) => e.id), [all.backlog.at(-1)!.id]);
      const live: HubEvent[] = [];
      const feed = await hub.events({ label: "ticker", limit: 0 }, (e) => live.push(e));
      try {
        assert.deepEqual(feed.backlog, []);
        await hub.restart({ command_or_label: "ticker" }, { by: "contract/1.0" });
        await waitFor("the live restart", () => live.some((e) => e.kind === "restarted"));
        assert.deepEqual(live.map((e) => [e.kind, e.by ?? null]), [
          ["exited", null],
          ["restarted", "contract/1.0"],
        ]);
        assert.ok(live[0].id > feed.last_id);
      } finally {
        feed.unsubscribe();
      }
    });

    await step(
      "adopt plans, then with confirm takes over a process started elsewhere",
      async () => {
        // Started by a shell that exits at once: the sleep is nobody's child here, as a process
        // left running in another terminal is.
        const spawned = await new Deno.Command("sh", {
          args: ["-c", "sleep 300 >/dev/null 2>&1 & echo $!"],
          cwd: dir,
          stdout: "piped",
        }).output();
        const stray = Number(new TextDecoder().decode(spawned.stdout).trim());
        try {
          const looked = await hub.adopt({ pid: stray });
          assert.equal(looked.adopted, false);
          assertShape(wire.adoptResultSchema.options[0], looked, "adopt's plan");
          assert.equal(looked.adoption.pid, stray);
          assert.equal(looked.adoption.command, "sleep 300");
          const done = await hub.adopt({ pid: stray, confirm: true });
          assert.ok(done.adopted);
          assertShape(wire.adoptResultSchema.options[1], done, "adopt");
          assert.equal(done.status, "running");
          assert.equal(done.adoption.pid, stray);
          assert.notEqual(done.pid, stray);
          assert.equal((await hub.get({ pid: done.pid })).label, looked.adoption.label);
          await hub.stop({ pid: done.pid }, { force: true });
          await hub.forget({ pid: done.pid });
        } finally {
          try {
            Deno.kill(stray, "SIGKILL");
          } catch { /* adopted: already gone */ }
        }
        const refused = await failure(hub.adopt({ pid: Deno.pid }));
        assert.equal(refused?.code, "cannot_adopt");
      },
    );

    await step("forget removes an ended process", async () => {
      assert.equal((await hub.forget({ command_or_label: "web" })).label, "web");
      assert.deepEqual(await hub.list({ command_or_label: "web" }), []);
    });

    await step("every verb refuses an unknown target (not_found)", async () => {
      const nobody = { command_or_label: "nobody" };
      // Each failure is taken as its call is made, so none goes unhandled while another is awaited.
      const calls: [string, ReturnType<typeof failure>][] = [
        ["get", failure(hub.get(nobody))],
        ["stop", failure(hub.stop(nobody))],
        ["restart", failure(hub.restart(nobody))],
        ["forget", failure(hub.forget(nobody))],
        ["follow", failure(hub.follow(nobody, 0, () => {}))],
        ["output", failure(hub.output(nobody))],
        ["portConflict", failure(hub.portConflict(nobody))],
        ["adopt", failure(hub.adopt({ pid: 4_194_304 }))], // no pid reaches it
      ];
      for (const [verb, refused] of calls) {
        assert.equal((await refused)?.code, "not_found", verb);
      }
    });
  });
}

contract("the Supervisor", supervisorSubject);
contract("a HubClient over HTTP", clientSubject);
