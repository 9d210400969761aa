/**
 * `node:` built-ins loaded on first use rather than imported. Importing any `node:` module
 * costs Deno 7-9 ms of CPU the first time (it sets up the Node compatibility layer: its
 * errors, `inspect`, `assert`...), more than the CLI's own modules; `persistproc list` never
 * needs one, so the modules on its path take a built-in from here, where it loads only when a
 * call needs it (`process.getBuiltinModule`, synchronous, as in Node 22).
 */

type NodePath = typeof import("node:path");
type NodeUtil = typeof import("node:util");
type NodeOs = typeof import("node:os");

function builtin<T>(id: string): T {
  const { process } = globalThis as unknown as {
    process: { getBuiltinModule(id: string): unknown };
  };
  return process.getBuiltinModule(id) as T;
}

/** `node:path`, loaded on the first call. */
export function nodePath(): NodePath {
  return builtin<NodePath>("node:path");
}

/** `node:util`, loaded on the first call. */
export function nodeUtil(): NodeUtil {
  return builtin<NodeUtil>("node:util");
}

/** `node:os`, loaded on the first call. */
export function nodeOs(): NodeOs {
  return builtin<NodeOs>("node:os");
}
