/**
 * Asking the person at the terminal a question and reading one line of answer.
 */

import { printPrompt } from "./print.ts";

/**
 * Prints `question` on stderr and resolves with the line typed in reply (without its line
 * ending), or null when stdin ends first.
 */
export async function ask(question: string): Promise<string | null> {
  printPrompt(question);
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(256);
  let text = "";
  while (true) {
    const count = await Deno.stdin.read(buffer);
    if (count === null) return text === "" ? null : text;
    text += decoder.decode(buffer.subarray(0, count), { stream: true });
    const newline = text.indexOf("\n");
    if (newline !== -1) return text.slice(0, newline).replace(/\r$/, "");
  }
}
