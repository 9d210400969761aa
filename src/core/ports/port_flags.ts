/**
 * Dev servers that do not read `PORT`, and how they take a port instead. An assigned port is
 * passed in a variable (see assign.ts), which Next.js, Nuxt, Express apps and most servers
 * read; Vite and the tools built on it read only their own flag, so a second worktree's
 * `npm run dev` would move to 5174 (or fail) while the assigned port stayed silent. For those,
 * the port is also given as the flag they take, appended to the command: to the program when
 * it is run directly, or after the script when it runs through a package manager (which
 * reads the script in package.json to know what it runs).
 */
import { join } from "node:path";

/** A server that takes its port as a flag, and the flags that pass port `n`. */
interface FlagServer {
  name: string;
  /** The program (first word, path stripped) and, when it takes one, its subcommand. */
  matches(words: string[]): boolean;
  flags(port: number): string[];
}

const program = (words: string[]) => (words[0] ?? "").split("/").at(-1)!;
const sub = (words: string[]) => words.slice(1).find((w) => !w.startsWith("-"));

/**
 * The servers known to ignore PORT. Vite fails with --strictPort instead of moving to the next
 * port, so a wait for the assigned port is not left waiting. Astro and Angular take --port.
 */
const SERVERS: readonly FlagServer[] = [
  {
    name: "Vite",
    matches: (w) => program(w) === "vite" && [undefined, "dev", "serve"].includes(sub(w)),
    flags: (port) => ["--port", String(port), "--strictPort"],
  },
  {
    name: "VitePress",
    matches: (w) => program(w) === "vitepress" && [undefined, "dev"].includes(sub(w)),
    flags: (port) => ["--port", String(port), "--strictPort"],
  },
  {
    name: "Astro",
    matches: (w) => program(w) === "astro" && sub(w) === "dev",
    flags: (port) => ["--port", String(port)],
  },
  {
    name: "Angular CLI",
    matches: (w) => program(w) === "ng" && ["serve", "s", "dev"].includes(sub(w) ?? ""),
    flags: (port) => ["--port", String(port)],
  },
];

/** Package managers whose `run <script>` appends extra words to the script, and how. */
const RUNNERS: Record<string, { separator: string[] }> = {
  npm: { separator: ["--"] },
  pnpm: { separator: [] },
  yarn: { separator: [] },
  bun: { separator: [] },
};

/** What to append to a command so that its server also gets the port as a flag. */
export interface PortFlags {
  /** The server that ignores the variable, e.g. "Vite". */
  server: string;
  /** The words appended to the command, e.g. `-- --port 23885 --strictPort`. */
  appended: string;
}

/**
 * The words to append to `command` (run in `directory`) so that its dev server takes `port`,
 * when it is one known to ignore PORT; null otherwise (or when it already names a port).
 */
export function portFlagsFor(command: string, directory: string, port: number): PortFlags | null {
  const words = command.trim().split(/\s+/);
  if (words.some((w) => w === "--port" || w.startsWith("--port=") || w === "-p")) return null;
  const direct = serverOf(withoutLauncher(words));
  if (direct) return { server: direct.name, appended: direct.flags(port).join(" ") };
  const runner = RUNNERS[program(words)];
  if (!runner || /[;&|<>()`$]/.test(command)) return null;
  const [first, second] = words.slice(1);
  const script = first === "run" || first === "run-script" ? second : first;
  if (!script || script.startsWith("-")) return null;
  const last = lastCommandOf(scriptOf(directory, script));
  const server = last ? serverOf(withoutLauncher(last)) : null;
  if (!server) return null;
  return { server: server.name, appended: [...runner.separator, ...server.flags(port)].join(" ") };
}

function serverOf(words: string[]): FlagServer | null {
  return SERVERS.find((server) => server.matches(words)) ?? null;
}

/** The words after `npx`, `pnpm exec`, `bunx` and the like, which run a package's program. */
function withoutLauncher(words: string[]): string[] {
  const first = program(words);
  if (first === "npx" || first === "bunx" || first === "pnpx") {
    return words.slice(1).filter((w) => !w.startsWith("-"));
  }
  if (["pnpm", "yarn", "bun"].includes(first) && ["exec", "dlx", "x"].includes(words[1])) {
    return words.slice(2);
  }
  return words;
}

/** A script of the package.json in `directory`, or null. */
function scriptOf(directory: string, name: string): string | null {
  try {
    const manifest = JSON.parse(Deno.readTextFileSync(join(directory, "package.json")));
    const script = manifest?.scripts?.[name];
    return typeof script === "string" ? script : null;
  } catch {
    return null;
  }
}

/** The words of the last command of a script (`tsc && vite` gives `vite`), env settings dropped. */
function lastCommandOf(script: string | null): string[] | null {
  if (script === null || /[|<>()`]/.test(script)) return null;
  const last = script.split(/&&|;/).at(-1)!.trim().split(/\s+/);
  while (last.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(last[0])) last.shift();
  return last;
}

/**
 * What a caller should know of a process's assigned port: that it was also passed as a flag
 * (`flags`, to a server that ignores the variable); or that the process listens on other
 * `ports` than the assigned one, and how to pass it instead. Undefined when neither is so.
 */
export function assignedPortNote(
  assigned: { variable: string; port: number } | null,
  ports: readonly number[],
  flags: PortFlags | null,
): string | undefined {
  if (assigned === null) return undefined;
  const { variable, port } = assigned;
  if (flags) {
    return `${flags.server} ignores ${variable}: port ${port} also passed as "${flags.appended}"`;
  }
  if (ports.length === 0 || ports.includes(port)) return undefined;
  return `listening on ${
    ports.join(", ")
  }, not on the assigned port ${port}: it does not read ${variable}; pass the port the way it takes it, e.g. --port ${port} after the command (npm run: -- --port ${port})`;
}
