// deno-lint-ignore-file no-explicit-any
/**
 * End-to-end: reading output as an agent affords it, through the real server and the MCP
 * SDK's client: cursors per reader, grep with context, ANSI stripping, a byte budget.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectMcp, hubTest, linesOf, waitFor } from "./_hub.ts";
import { cli } from "./_cli.ts";

type Client = Awaited<ReturnType<typeof connectMcp>>;

async function output(client: Client, args: Record<string, unknown>): Promise<any> {
  const result = await client.callTool({ name: "output", arguments: args }) as any;
  assert.equal(result.isError, undefined, result.content?.[0]?.text);
  return result;
}

const texts = (result: any): string[] => linesOf(result.structuredContent);

async function start(client: Client, command: string, cwd: string): Promise<number> {
  const result = await client.callTool({
    name: "ctrl",
    arguments: { action: "start", command_or_label: command, working_directory: cwd },
  }) as any;
  assert.equal(result.isError, undefined, result.content?.[0]?.text);
  return result.structuredContent.pid;
}

hubTest("each reader's cursor returns only what came after its own last read", async (hub) => {
  await using client = await connectMcp(hub);
  const pid = await start(
    client,
    "echo one; while [ ! -e go ]; do sleep 0.05; done; echo two; sleep 300",
    hub.dataDir,
  );
  const alice = await waitFor("one", async () => {
    const r = await output(client, { pid, stream: "stdout" });
    return texts(r).length === 1 && r;
  });
  const bob = await output(client, { pid, stream: "stdout" });
  await Deno.writeTextFile(join(hub.dataDir, "go"), "");
  await waitFor(
    "two",
    async () => texts(await output(client, { pid, stream: "stdout" })).length === 2,
  );
  const cursorA = alice.structuredContent.next_cursor;
  const fromAlice = await output(client, { pid, stream: "stdout", cursor: cursorA });
  assert.deepEqual(texts(fromAlice), ["two"]);
  assert.deepEqual(
    texts(
      await output(client, { pid, stream: "stdout", cursor: bob.structuredContent.next_cursor }),
    ),
    ["two"],
  );
  const again = await output(client, {
    pid,
    stream: "stdout",
    cursor: fromAlice.structuredContent.next_cursor,
  });
  assert.deepEqual(texts(again), [], "nothing new since alice's second read");
  assert.match(again.content[0].text, /next_cursor: \S+/);
});

hubTest("grep with context finds an early error however much came after it", async (hub) => {
  await using client = await connectMcp(hub);
  const pid = await start(
    client,
    "echo boot; echo 'Error: config missing'; echo retrying; seq 1 3000",
    hub.dataDir,
  );
  await waitFor("all output", async () => {
    const r = await output(client, { pid, lines: 1 });
    return texts(r)[0] === "3000";
  });
  const hit = await output(client, { pid, grep: "^Error", context: 1 });
  assert.deepEqual(texts(hit), [
    "boot",
    "Error: config missing",
    "retrying",
  ]);
  assert.equal(hit.structuredContent.matched_lines, 1);
  assert.equal(hit.structuredContent.omitted_lines, undefined, "none left out");
  const none = await output(client, { pid, grep: "(?i)warning" });
  assert.deepEqual(linesOf(none.structuredContent), []);
});

hubTest("colours are stripped by default, and replies stay within max_bytes", async (hub) => {
  await using client = await connectMcp(hub);
  const pid = await start(
    client,
    "printf '\\033[31mred\\033[0m alert\\n'; seq 1 5000",
    hub.dataDir,
  );
  await waitFor(
    "all output",
    async () => texts(await output(client, { pid, lines: 1 }))[0] === "5000",
  );
  const first = await output(client, { pid, grep: "alert" });
  assert.deepEqual(texts(first), ["red alert"]);
  const raw = await output(client, { pid, grep: "alert", strip_ansi: false });
  assert.equal(texts(raw)[0], "\x1b[31mred\x1b[0m alert");

  const all = await output(client, { pid, lines: 10_000 });
  const bytes = linesOf(all.structuredContent).reduce(
    (n: number, l: string) => n + l.length + 1,
    0,
  );
  assert.ok(bytes <= 16_384, `${bytes} bytes`);
  assert.equal(texts(all).at(-1), "5000", "the newest lines are the ones kept");
  // Without grep, every line matches: the lines shown and omitted_lines say how many there are.
  assert.equal(all.structuredContent.matched_lines, undefined);
  assert.equal(all.structuredContent.omitted_lines, 5001 - texts(all).length);
  assert.match(all.content[0].text, /\d+ more not shown/);
});

hubTest(
  "the combined stream keeps the order in which stdout and stderr lines were written",
  async (hub) => {
    await using client = await connectMcp(hub);
    const pid = await start(
      client,
      "i=0; while [ $i -lt 1000 ]; do echo o$i; echo e$i >&2; i=$((i+1)); done",
      hub.dataDir,
    );
    const lines = await waitFor("all 2,000 lines", async () => {
      const r = await output(client, { pid, lines: 5_000, max_bytes: 1 << 20 });
      const got = texts(r).filter((line: string) => !line.startsWith("---"));
      return got.length === 2_000 && got;
    });
    const position = new Map(lines.map((line, i) => [line.replace("[err] ", ""), i]));
    const written = Array.from({ length: 1_000 }, (_, i) => [`o${i}`, `e${i}`]).flat();
    let inOrder = 0;
    for (let i = 0; i + 1 < written.length; i++) {
      if (position.get(written[i])! < position.get(written[i + 1])!) inOrder++;
    }
    // Linux reads the order of the writes from inotify; elsewhere each poll is stdout first.
    if (Deno.build.os === "linux") {
      assert.ok(inOrder / (written.length - 1) >= 0.99, `${inOrder} of ${written.length - 1}`);
    }
  },
);

hubTest(
  "a line redrawn with \\r reaches agents, grep and --format json as its last frame",
  async (hub) => {
    await using client = await connectMcp(hub);
    const pid = await start(
      client,
      `printf 'Building 10%%\\rBuilding 55%%\\rBuilding 100%%\\n'; echo done; sleep 300`,
      hub.dataDir,
    );
    const read = await waitFor("the line", async () => {
      const r = await output(client, { pid, stream: "stdout" });
      return texts(r).length === 2 && r;
    });
    assert.deepEqual(texts(read), ["Building 100%", "done"]);
    assert.ok(!read.content[0].text.includes("\r"), read.content[0].text);
    assert.deepEqual(texts(await output(client, { pid, grep: "Building" })), ["Building 100%"]);
    const json = await cli(hub, ["output", String(pid), "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).output, ["Building 100%", "done"]);
    const list = await client.callTool({ name: "list", arguments: { log_dir: true } }) as any;
    const dir = list.structuredContent.processes.find((p: any) => p.pid === pid).log_dir;
    assert.equal(
      await Deno.readTextFile(join(dir, "stdout.spool")),
      "Building 10%\rBuilding 55%\rBuilding 100%\ndone\n",
      "the file keeps the raw bytes",
    );
  },
);
