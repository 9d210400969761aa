/** What wake.ts records of one client's run, and its markdown report. */

/** What one client's wake run gave. */
export interface WakeRun {
  target: string;
  version: string;
  interactive: boolean;
  armedWith?: unknown;
  cliFrom?: string;
  armedBeforeCrashMs?: number;
  wakerDefinition?: unknown;
  toolNames?: string[];
  instructions: boolean;
  /** Each request after the crash: ms after it, and the newest turn's text. */
  after: { ms: number; last: string; crashTexts: string[] }[];
  /** Requests before the crash (start, arm, the turn's end), newest turn's text. */
  before: string[];
  clientExit: string;
  /** Processes left running with the server's data dir in their command line when the client
   * ended (killed then), e.g. a follower the client did not stop. */
  leftRunning: string[];
  screen?: string;
  side: string[];
}

/** The report of one run, as markdown. */
export function report(run: WakeRun): string {
  const woke = run.after[0];
  const heard = run.after.find((r) => r.crashTexts.length > 0);
  return [
    `### ${run.target} (${run.version}, ${
      run.interactive ? "interactive, tmux" : "non-interactive"
    })`,
    "",
    `- armed: ${JSON.stringify(run.armedWith)} (command from ${run.cliFrom}), ${
      run.armedBeforeCrashMs ?? "?"
    } ms before the crash; server instructions given to the model: ${run.instructions}`,
    `- woke the model: ${woke ? `yes, ${woke.ms} ms after the crash` : "no"}; the crash's line ${
      heard ? `reached it ${heard.ms} ms after the crash` : "did not reach it"
    }`,
    // The start, its result and the arm's result come first; anything else before the crash woke
    // the model for another reason (a monitor that expired, say).
    ...run.before.slice(3).map((last) =>
      `- woken before the crash, with:\n\n\`\`\`text\n${last.slice(0, 1000)}\n\`\`\``
    ),
    ...(woke
      ? [
        `- the newest turn of the first request after the crash:\n\n\`\`\`text\n${woke.last}\n\`\`\``,
      ]
      : []),
    `- client: ${run.clientExit}; left running when it ended: ${
      run.leftRunning.length ? run.leftRunning.join("; ") : "nothing"
    }`,
  ].join("\n");
}
