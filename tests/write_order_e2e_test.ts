/**
 * End-to-end: lines a program writes to stdout and stderr read back in the order it wrote
 * them, through every door (an MCP client of the SDK's 2.x line, one of its 1.x line, and the
 * CLI; tests/_doors.ts): a burst of stdout lines then stderr, an alternating burst from Node,
 * and a program that logs and then dies with a stack trace. A few runs each: two in order pass, two
 * out of order fail (the target is 99 of 100, not every run; the rate over 100 runs is
 * src/core/output/write_order_test.ts's).
 */
import assert from "node:assert/strict";
import { forEachDoor } from "./_doors.ts";
import { hubTest, listedAs, waitFor } from "./_hub.ts";

/** Runs in order that pass a program through a door; as many out of order fail it. */
const NEEDED = 2;

/** What each program prints, and whether the lines read back are in its write order. */
const PROGRAMS: { name: string; command: string; inOrder: (lines: string[]) => boolean }[] = [
  {
    name: "sh burst",
    command: "for i in 1 2 3 4 5; do echo out$i; done; echo err1 >&2; echo err2 >&2; echo out6",
    inOrder: (lines) => lines.join(" ") === "out1 out2 out3 out4 out5 err1 err2 out6",
  },
  {
    name: "Node alternating",
    command:
      "node -e 'for (let i = 0; i < 20; i++) { console.log(`o${i}`); if (i % 3 === 0) console.error(`e${i}`); }'",
    inOrder: (lines) =>
      lines.join(" ") ===
        Array.from({ length: 20 }, (_, i) => i % 3 === 0 ? `o${i} e${i}` : `o${i}`).join(" "),
  },
  {
    name: "Node stack trace",
    command:
      "node -e 'for (let i = 0; i < 5; i++) console.log(`log${i}`); (function boom() { throw new Error(`boom`); })();'",
    inOrder: (lines) =>
      lines.slice(0, 5).join(" ") === "log0 log1 log2 log3 log4" &&
      lines.slice(5).some((line) => line.includes("Error: boom")) &&
      lines.slice(5).some((line) => line.includes("at boom")),
  },
];

/** The program's own lines of an output page: without stderr's mark and the run markers. */
function programLines(lines: string[]): string[] {
  return lines.filter((line) => !line.startsWith("---")).map((line) =>
    line.replace(/^\[err\] /, "")
  );
}

hubTest(
  "stdout and stderr read back in write order over MCP 2.x, MCP 1.x and the CLI",
  async (hub) => {
    const cwd = await Deno.realPath(hub.dataDir);
    await forEachDoor(hub, async (door) => {
      for (const program of PROGRAMS) {
        const missed: string[] = [];
        for (let run = 0, good = 0; good < NEEDED; run++) {
          const label = `${program.name} ${door.name} ${run}`.replaceAll(/[ .]/g, "-");
          const started = await door.start(program.command, { cwd, label });
          assert.ok(started.ok, `${door.name}: ${started.text}`);
          await waitFor(`"${label}" to end`, async () => {
            const process = await listedAs(hub, label);
            return process?.status !== "running" && process;
          });
          const page = await door.act("output", label);
          assert.ok(page.ok, `${door.name}: ${page.text}`);
          const lines = programLines(page.lines);
          if (program.inOrder(lines)) good++;
          else missed.push(lines.join(" | "));
          assert.ok(missed.length < NEEDED, `${door.name}, ${program.name}: ${missed.join("\n")}`);
        }
      }
    });
  },
);
