/**
 * Measure 4, MCP round trip of `list`: the SDK's Client over Streamable HTTP, connected before
 * the clock starts, calling `list` with 10 processes running; one client calling in turn, then
 * many clients calling at once. Only the calls are timed.
 */
import type { Measure, Result } from "./_context.ts";
import { benchHub, connectMcp, startSleepers } from "./_hub.ts";
import { percentile, timed } from "./_stats.ts";

const RUNNING = 10;

/** See the module comment. */
export const mcpList: Measure = async (ctx) => {
  const { listCalls, listCallsPerClient, listClients } = ctx.sizes;
  await using hub = await benchHub();
  await startSleepers(hub, RUNNING, "mcp-sleeper", ctx.tmp);
  const clients = await Promise.all(Array.from({ length: listClients }, () => connectMcp(hub)));
  try {
    const call = async (client: (typeof clients)[number]) => {
      const [ms, result] = await timed(() => client.callTool({ name: "list", arguments: {} }));
      const listed = (result.structuredContent as { processes: unknown[] }).processes.length;
      if (result.isError || listed !== RUNNING) throw new Error("list failed");
      return ms;
    };
    ctx.note(`mcp list: 1 client, ${listCalls} calls`);
    for (let i = 0; i < 10; i++) await call(clients[0]); // warm-up
    const one: number[] = [];
    for (let i = 0; i < listCalls; i++) one.push(await call(clients[0]));
    ctx.note(`mcp list: ${listClients} clients, ${listCallsPerClient} calls each`);
    const many = (await Promise.all(clients.map(async (client) => {
      const own: number[] = [];
      for (let i = 0; i < listCallsPerClient; i++) own.push(await call(client));
      return own;
    }))).flat();
    const row = (what: string, p: number, samples: number[], limit: number): Result => ({
      measure: `MCP list round trip, ${what}, p${p * 100}`,
      unit: "ms",
      persistproc: percentile(samples, p),
      target: `< ${limit} ms`,
      met: percentile(samples, p) < limit,
    });
    return [
      { ...row("1 client", 0.5, one, 3), target: "–", met: null },
      { ...row("1 client", 0.99, one, 50), target: "–", met: null },
      row(`${listClients} concurrent clients`, 0.5, many, 3),
      row(`${listClients} concurrent clients`, 0.99, many, 50),
    ];
  } finally {
    await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
  }
};
