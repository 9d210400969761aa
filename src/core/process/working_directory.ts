/**
 * Checks the directory a caller wants a process to run in.
 */
import { isAbsolute } from "node:path";
import { BadDirectoryError } from "../errors.ts";

/**
 * Resolves a working directory to its absolute real path. It must be given, absolute, exist and
 * be a directory; each failure is a BadDirectoryError that says which.
 */
export async function realDirectory(directory: string | undefined): Promise<string> {
  if (directory === undefined || directory.trim() === "") {
    throw new BadDirectoryError(
      "working_directory is required to start a process: give the absolute path of the project",
    );
  }
  if (!isAbsolute(directory)) {
    throw new BadDirectoryError(
      `Working directory "${directory}" is not absolute: give the full path`,
    );
  }
  let real: string;
  try {
    real = await Deno.realPath(directory);
  } catch (error) {
    throw new BadDirectoryError(`Working directory "${directory}" does not exist`, {
      cause: error,
    });
  }
  const info = await Deno.stat(real);
  if (!info.isDirectory) {
    throw new BadDirectoryError(`Working directory "${directory}" is not a directory`);
  }
  return real;
}
