/**
 * Tells one process from a later one that reuses its pid: a pid is only the same process if it
 * also started at the same moment.
 */

/**
 * An opaque token for when the process `pid` started (from /proc on Linux, else `ps`), or null
 * when no such process exists. Two equal tokens for one pid mean one and the same process.
 */
export function processStartToken(pid: number): string | null {
  if (!Number.isInteger(pid) || pid < 1) return null;
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // Field 22 (starttime, in clock ticks since boot) counted after the ")" ending the name.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") return null; // dead, only waiting to be reaped
      return `proc:${fields[19]}`;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      // Not permitted to read /proc: fall through to ps.
    }
  }
  try {
    const { success, stdout } = new Deno.Command("ps", {
      args: ["-o", "lstart=", "-p", String(pid)],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const text = new TextDecoder().decode(stdout).trim();
    return success && text ? `ps:${text}` : null;
  } catch {
    return null;
  }
}
