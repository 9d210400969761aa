/**
 * Reading newline-delimited JSON from a response body: split the decoded text into lines,
 * then parse each non-empty line. Kept apart from the client so it can be tested on its own.
 */

/**
 * A stream that turns chunks of text into whole lines, without their line endings. A chunk
 * may end mid-line; the remainder waits for the next chunk, and a last line without a
 * newline is still emitted when the input ends.
 */
export function lineSplitter(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      pending += chunk;
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        controller.enqueue(pending.slice(0, newline).replace(/\r$/, ""));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    },
    flush(controller) {
      if (pending !== "") controller.enqueue(pending.replace(/\r$/, ""));
    },
  });
}

/**
 * Yields one parsed value per non-blank line of an NDJSON byte stream. A line that is not
 * valid JSON is an error: the stream is the server's, and a garbled line means it broke.
 */
export async function* parseNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const lines = body.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter());
  for await (const line of lines) {
    if (line.trim() === "") continue;
    yield JSON.parse(line);
  }
}
