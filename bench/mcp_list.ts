/**
 * Measure 4, MCP round trip of `list`: the SDK's Client over Streamable HTTP on protocol
 * revision 2026-07-28, connected before the clock starts, calling `list` with 10 processes running; one client calling in turn, then
 * many clients calling at once. Only the calls are timed. The limit is the same clients against
 * an endpoint that replays a canned answer (bench/_canned_mcp.ts). While the many clients call,
 * the server's CPU time is read from /proc, and compared with the same calls over the JSON API:
 * what a call costs the server, whatever else shares the machine.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { freePort } from "../tests/_hub.ts";
import type { BenchContext, Measure, Result } from "./_context.ts";
import { type BenchHub, benchHub, connectMcp, startSleepers } from "./_bench_hub.ts";
import { cpuSeconds, percentile, timed, until } from "./_stats.ts";

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
  const persistproc = await roundTrips(ctx, hub.base, hub.auth, hub.pid);
  const apiCpuUs = await apiCpuPerCall(ctx, hub);

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
    limit = await roundTrips(ctx, `http://127.0.0.1:${port}`, {}, floor.pid);
  } finally {
    floor.kill("SIGKILL");
    await floor.status;
  }

  /** A row; the target is an absolute bound in ms, or a ratio to the canned endpoint. */
  const row = (
    what: string,
    p: number,
    key: "one" | "many",
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
    {
      measure: `server CPU per MCP list call, ${many}`,
      unit: "µs",
      persistproc: persistproc.cpuPerCallUs,
      limit: limit.cpuPerCallUs,
      target: "–",
      met: null,
    },
    {
      measure: `server CPU per list call over the JSON API, ${many}`,
      unit: "µs",
      persistproc: apiCpuUs,
      target: "–",
      met: null,
    },
  ];
};

interface RoundTrips {
  one: number[];
  many: number[];
  /** The server's CPU time per call while the many clients called, in µs. */
  cpuPerCallUs: number;
}

/**
 * Times `list` calls: one client calling in turn, then every client calling at once, while the
 * CPU time of the server (process `pid`) is taken.
 */
async function roundTrips(
  ctx: BenchContext,
  base: string,
  auth: Record<string, string>,
  pid: number,
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
    const cpuBefore = await cpuSeconds(pid);
    const many = (await Promise.all(clients.map(async (client) => {
      const own: number[] = [];
      for (let i = 0; i < listCallsPerClient; i++) own.push(await call(client));
      return own;
    }))).flat();
    const cpuPerCallUs = (await cpuSeconds(pid) - cpuBefore) * 1e6 / many.length;
    return { one, many, cpuPerCallUs };
  } finally {
    await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
  }
}

/** The server's CPU time per `list` call over the JSON API, the many clients calling at once. */
async function apiCpuPerCall(ctx: BenchContext, hub: BenchHub): Promise<number> {
  const { listCallsPerClient, listClients } = ctx.sizes;
  ctx.note(`json api list: ${listClients} clients, ${listCallsPerClient} calls each`);
  const calls = async () => {
    for (let i = 0; i < listCallsPerClient; i++) await hub.call("list", {});
  };
  await calls(); // warm-up
  const before = await cpuSeconds(hub.pid);
  await Promise.all(Array.from({ length: listClients }, calls));
  return (await cpuSeconds(hub.pid) - before) * 1e6 / (listClients * listCallsPerClient);
}
