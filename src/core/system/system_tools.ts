/**
 * Running the operating system's own tools (`ps`, `ss`, `lsof`, `taskkill`, `sysctl`, and
 * `cat` or `sh` with `grep` over `/proc` where Deno may not read it): the one place in the core
 * that spawns a program other than a managed process.
 */

/** What a tool printed and how it exited. */
interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

function command(program: string, args: readonly string[], env?: Record<string, string>) {
  return new Deno.Command(program, {
    args: [...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

function decode(output: Deno.CommandOutput): ToolOutput {
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs a tool to its end (with `env` added to the server's environment); null when it cannot be run at all (missing, not permitted). */
export async function runTool(
  program: string,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<ToolOutput | null> {
  try {
    return decode(await command(program, args, env).output());
  } catch {
    return null;
  }
}

/** {@link runTool}, blocking: for the few callers that must answer synchronously. */
export function runToolSync(
  program: string,
  args: readonly string[],
  env?: Record<string, string>,
): ToolOutput | null {
  try {
    return decode(command(program, args, env).outputSync());
  } catch {
    return null;
  }
}

/** The standard output of a tool that exited with one of `okCodes`, else null. */
export async function toolText(
  program: string,
  args: readonly string[],
  okCodes: readonly number[] = [0],
): Promise<string | null> {
  const output = await runTool(program, args);
  return output && okCodes.includes(output.code) ? output.stdout : null;
}
