/**
 * Names the program listening on a TCP port, so "port in use" can say by whom.
 */

/**
 * Returns e.g. `python3 (PID 42)` for the listener on the port, or null when it cannot be
 * found (no `ss` or `lsof`, or the holder belongs to another user).
 */
export async function findPortHolder(port: number): Promise<string | null> {
  const fromSs = await run("ss", ["-ltnpH", `sport = :${port}`]);
  const ss = fromSs && /users:\(\("([^"]+)",pid=(\d+)/.exec(fromSs);
  if (ss) return `${ss[1]} (PID ${ss[2]})`;
  const fromLsof = await run("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"]);
  const pid = fromLsof && /^p(\d+)$/m.exec(fromLsof);
  const name = fromLsof && /^c(.+)$/m.exec(fromLsof);
  if (pid) return `${name ? name[1] : "a program"} (PID ${pid[1]})`;
  return null;
}

async function run(program: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(stdout);
  } catch {
    return null;
  }
}
