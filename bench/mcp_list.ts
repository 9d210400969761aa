/**
 * Measure 4, MCP round trip of `list`: the SDK's Client over Streamable HTTP on protocol
 * revision 2026-07-28, connected before the clock starts, calling `list` with 10 processes running; one client calling in turn, then
 * many clients calling at once. Only the calls are timed. The limit is the same clients against
 * an endpoint that replays a canned answer (bench/_canned_mcp.ts).
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { freePort } from "../tests/_hub.ts";
import type { BenchContext, Measure, Result } from "./_context.ts";
import { benchHub, connectMcp, startSleepers } from "./_hub.ts";
import { percentile, timed, until } from "./_stats.ts";

const CANNED = fileURLToPath(new URL("./_canned_mcp.ts", import.meta.url));

const RUNNING = 10;

/** See the module comment. */
export const mcpList: Measure = async (ctx) => {
  await using hub = await benchHub();
  await startSleepers(hub, RUNNING, "mcp-sleeper", ctx.tmp);
  const first = await connectMcp(hub);
  const canned = join(ctx.tmp, "list-result.json");
  await Deno.writeTextFile(canned, JSON.stringify(await first.callTool({ name: "list" })));
  await first[Symbol.asyncDispose]();
  const persistproc = await roundTrips(ctx, hub.base, hub.auth);

  // The same clients against an endpoint that only replays that answer: the machine's floor.
  const port = freePort();
  const floor = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", CANNED, String(port), canned],
    stdin: "null",
  }).spawn();
  let limit: RoundTrips;
  try {
    await until(
      "the canned endpoint",
      () => fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false),
      { everyMs: 20 },
    );
    limit = await roundTrips(ctx, `http://127.0.0.1:${port}`, {});
  } finally {
    floor.kill("SIGKILL");
    await floor.status;
  }

  /** A row; the target is an absolute bound in ms, or a ratio to the canned endpoint. */
  const row = (
    what: string,
    p: number,
    key: keyof RoundTrips,
    target?: { belowMs: number } | { timesLimit: number },
  ): Result => {
    const ours = percentile(persistproc[key], p);
    const floor = percentile(limit[key], p);
    return {
      measure: `MCP list round trip, ${what}, p${p * 100}`,
      unit: "ms",
      persistproc: ours,
      limit: floor,
      target: !target
        ? "–"
        : "belowMs" in target
        ? `< ${target.belowMs} ms`
        : `≤ ${target.timesLimit} × limit`,
      met: !target
        ? null
        : "belowMs" in target
        ? ours < target.belowMs
        : ours <= target.timesLimit * floor,
    };
  };
  const many = `${ctx.sizes.listClients} concurrent clients`;
  return [
    row("1 client", 0.5, "one"),
    row("1 client", 0.99, "one"),
    row(many, 0.5, "many", { timesLimit: 1.5 }),
    row(many, 0.99, "many", { belowMs: 50 }),
  ];
};

interface RoundTrips {
  one: number[];
  many: number[];
}

/** Times `list` calls: one client calling in turn, then every client calling at once. */
async function roundTrips(
  ctx: BenchContext,
  base: string,
  auth: Record<string, string>,
): Promise<RoundTrips> {
  const { listCalls, listCallsPerClient, listClients } = ctx.sizes;
  const clients = await Promise.all(
    // connectMcp reads only the hub's base URL and its Authorization header.
    Array.from(
      { length: listClients },
      () => connectMcp({ base, auth } as Parameters<typeof connectMcp>[0]),
    ),
  );
  try {
    const call = async (client: (typeof clients)[number]) => {
      const [ms, result] = await timed(() => client.callTool({ name: "list", arguments: {} }));
      const listed = (result.structuredContent as { processes: unknown[] }).processes.length;
      if (result.isError || listed !== RUNNING) throw new Error("list failed");
      return ms;
    };
    ctx.note(`mcp list (${base}): 1 client, ${listCalls} calls`);
    for (let i = 0; i < 10; i++) await call(clients[0]); // warm-up
    const one: number[] = [];
    for (let i = 0; i < listCalls; i++) one.push(await call(clients[0]));
    ctx.note(`mcp list (${base}): ${listClients} clients, ${listCallsPerClient} calls each`);
    const many = (await Promise.all(clients.map(async (client) => {
      const own: number[] = [];
      for (let i = 0; i < listCallsPerClient; i++) own.push(await call(client));
      return own;
    }))).flat();
    return { one, many };
  } finally {
    await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
  }
}
