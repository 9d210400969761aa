import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { HubEvent } from "./event.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  canMountTmpfs,
  fillDisk,
  freePort,
  mountTmpfs,
  tempSupervisor,
  unmount,
  until,
} from "../_test_support.ts";
import { Supervisor } from "../supervisor/supervisor.ts";

const FIXTURES = fileURLToPath(new URL("../../../tests/fixtures/", import.meta.url));
const QUICK = { stopGraceMs: 2_000, shutdownGraceMs: 1_000 };

/** Every event the supervisor records from now on, as they come. */
async function heard(sup: Supervisor): Promise<HubEvent[]> {
  const events: HubEvent[] = [];
  await sup.events({ limit: 0 }, (event) => events.push(event));
  return events;
}

function find(events: HubEvent[], kind: string, more: (e: HubEvent) => boolean = () => true) {
  return () => events.find((event) => event.kind === kind && more(event));
}

Deno.test("a crash is an exited event with crashed, its code and its last stderr lines", async () => {
  await using sup = await tempSupervisor(QUICK);
  const events = await heard(sup);
  const info = await sup.start({
    command: `${FIXTURES}exit_with.sh 3`,
    working_directory: sup.dir,
    label: "api",
    started_by: "cli",
  });
  const exited = await until("the exit", find(events, "exited"));
  assert.deepEqual(events.map((e) => e.kind), ["started", "exited"]);
  assert.equal(exited.label, "api");
  assert.equal(exited.pid, info.pid);
  assert.equal(exited.started_by, "cli");
  assert.equal(exited.working_directory, info.working_directory);
  assert.equal(exited.crashed, true);
  assert.equal(exited.exit_code, 3);
  assert.equal(exited.stderr_tail, "err before exit");
});

Deno.test("a program killed by a signal it was not sent by a stop is a crash with that signal", async () => {
  await using sup = await tempSupervisor(QUICK);
  const events = await heard(sup);
  await sup.start({ command: "echo dying >&2; kill -9 $$", working_directory: sup.dir });
  const exited = await until("the exit", find(events, "exited"));
  assert.equal(exited.crashed, true);
  assert.equal(exited.exit_signal, "SIGKILL");
  assert.equal(exited.stderr_tail, "dying");
  assert.ok(!Number.isNaN(Date.parse(exited.time)), exited.time);
});

Deno.test("a stop is an exited event that is not a crash; a restart says who asked", async () => {
  await using sup = await tempSupervisor(QUICK);
  const events = await heard(sup);
  const info = await sup.start({ command: `${FIXTURES}ticker.sh`, working_directory: sup.dir });
  const restarted = await sup.restart({ pid: info.pid }, { by: "claude-code/2.1" });
  await sup.stop({ pid: restarted.pid });
  await until("the stop", find(events, "exited", (e) => e.pid === restarted.pid));
  assert.deepEqual(
    events.map((e) => [e.kind, e.pid, e.by ?? e.stopped ?? null]),
    [
      ["started", info.pid, null],
      ["exited", info.pid, true],
      ["restarted", restarted.pid, "claude-code/2.1"],
      ["exited", restarted.pid, true],
    ],
  );
  assert.ok(events.every((e) => e.crashed !== true));
});

Deno.test("autorestart's backoff and its giving up are events", async () => {
  await using sup = await tempSupervisor({ ...QUICK, maxAutorestarts: 1 });
  const events = await heard(sup);
  await sup.start({
    command: `${FIXTURES}exit_with.sh 1`,
    working_directory: sup.dir,
    autorestart: "on-failure",
  });
  await until("giving up", find(events, "autorestart_gave_up"));
  assert.deepEqual(events.map((e) => e.kind), [
    "started",
    "exited",
    "autorestart_backoff",
    "restarted",
    "exited",
    "autorestart_gave_up",
  ]);
  assert.equal(events[2].attempt, 1);
  assert.ok(Date.parse(events[2].restart_at!) > Date.parse(events[1].time) - 1);
  assert.equal(events[3].by, "autorestart");
  assert.equal(events[5].attempt, 1);
});

Deno.test("a port that opens and closes, a readiness and a notify_on_log line are events", async () => {
  await using sup = await tempSupervisor(QUICK);
  const events = await heard(sup);
  const port = freePort();
  const outcome = await sup.start({
    command: `${Deno.execPath()} run -A ${FIXTURES}slow_http.ts ${port}`,
    working_directory: sup.dir,
    label: "web",
    notify_on_log: "listening on",
    wait_for_port: port,
  });
  assert.equal(outcome.ready, true);
  const ready = await until("ready", find(events, "ready"));
  assert.deepEqual(ready.met, [`port ${port}`]);
  const opened = await until("the port", find(events, "port_opened"));
  assert.equal(opened.port, port);
  const match = await until("the line", find(events, "log_match"));
  assert.equal(match.line, `listening on http://127.0.0.1:${port}`);
  await sup.stop({ command_or_label: "web" });
  const closed = await until("the port closed", find(events, "port_closed"));
  assert.equal(closed.port, port);
});

Deno.test("a bad notify_on_log pattern is refused before anything runs", async () => {
  await using sup = await tempSupervisor(QUICK);
  await assert.rejects(
    sup.start({ command: "true", working_directory: sup.dir, notify_on_log: "(" }),
    InvalidArgumentError,
  );
  assert.deepEqual(await sup.list(), []);
});

Deno.test({
  name:
    "output a full disk cannot store is a log_error event, heard though events.jsonl is full too",
  ignore: !canMountTmpfs(), // needs root to mount a small tmpfs
  async fn() {
    const disk = await Deno.makeTempDir({ prefix: "persistproc-events-disk-" });
    assert.ok(mountTmpfs(disk), "tmpfs mounted");
    try {
      await Deno.mkdir(`${disk}/data`);
      const sup = new Supervisor({ dataDir: `${disk}/data`, ...QUICK });
      try {
        const events = await heard(sup);
        await sup.start({
          command: "i=0; while :; do i=$((i+1)); echo line $i; sleep 0.01; done",
          working_directory: disk,
          label: "chatty",
        });
        await until("the start", find(events, "started"));
        const filler = fillDisk(disk);
        const error = await until("the log_error", find(events, "log_error"), 30_000);
        assert.equal(error.label, "chatty");
        assert.match(error.message!, /disk full/i);
        Deno.removeSync(filler);
      } finally {
        await sup.shutdown();
      }
    } finally {
      unmount(disk);
      await Deno.remove(disk, { recursive: true });
    }
  },
});
