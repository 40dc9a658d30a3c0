/**
 * Streaming line reader for traces: memory bounded by the longest line, whatever the file size.
 *
 * @module
 */

import { EngineError } from "../errors.ts";

/** Lines longer than this are cut (a trace line is never legitimately this long). */
export const MAX_LINE_LENGTH = 1 << 20;

const READ_SIZE = 1 << 20;

/**
 * Reads a byte stream as batches of lines (without line terminators; `\r\n` handled). A last
 * line without a newline is still yielded.
 *
 * @param stream the bytes
 * @returns batches of lines, in order
 *
 * @example
 * ```ts
 * import { readLineBatches } from "./read_lines.ts";
 * const bytes = new TextEncoder().encode("a\r\nb\nc");
 * const stream = new Blob([bytes]).stream();
 * const lines: string[] = [];
 * for await (const batch of readLineBatches(stream)) lines.push(...batch);
 * if (lines.join() !== "a,b,c") throw new Error(lines.join());
 * ```
 */
export async function* readLineBatches(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let carry = "";
  for await (const chunk of stream) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    carry = lines.pop()!;
    if (carry.length > MAX_LINE_LENGTH) carry = carry.slice(0, MAX_LINE_LENGTH);
    // `\r\n` line ends: looked for line by line only when the chunk has a `\r` at all.
    if (text.includes("\r")) {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.endsWith("\r")) lines[i] = line.slice(0, -1);
      }
    }
    if (lines.length > 0) yield lines;
  }
  carry += decoder.decode();
  if (carry.endsWith("\r")) carry = carry.slice(0, -1);
  if (carry.length > 0) yield [carry];
}

/**
 * Opens a trace file as a byte stream.
 *
 * @throws {EngineError} `TRACE_IO` naming the file
 */
export async function openTrace(path: string): Promise<ReadableStream<Uint8Array>> {
  try {
    const file = await Deno.open(path, { read: true });
    let closed = false;
    const close = () => {
      if (!closed) file.close();
      closed = true;
    };
    // 1 MiB reads: fewer round trips than the default stream's 64 KiB chunks.
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const buffer = new Uint8Array(READ_SIZE);
        try {
          const n = await file.read(buffer);
          if (n === null) {
            close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, n));
          }
        } catch (error) {
          close();
          controller.error(
            new EngineError("TRACE_IO", `Cannot read trace "${path}": ${String(error)}`, {
              cause: error,
              subject: path,
            }),
          );
        }
      },
      cancel: close,
    });
  } catch (error) {
    throw new EngineError(
      "TRACE_IO",
      `Cannot read trace "${path}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, subject: path },
    );
  }
}
