/**
 * Streaming line reader for traces: memory bounded by the longest line, whatever the file size.
 *
 * @module
 */

import { EngineError } from "../errors.ts";
import { fileErrorText } from "../../policies/errors.ts";

/** Lines longer than this are cut (a trace line is never legitimately this long). */
export const MAX_LINE_LENGTH = 1 << 20;

const READ_SIZE = 1 << 20;
/** Reads of {@linkcode readTraceFile}: decoded strings this small stay in V8's young generation. */
const FILE_READ_SIZE = 1 << 16;

/**
 * Reads a byte stream as batches of lines (without line terminators; `\r\n` handled). A last
 * line without a newline is still yielded.
 *
 * @param stream the bytes (each chunk is decoded before the next is asked for)
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
  stream: AsyncIterable<Uint8Array>,
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
 * Reads a trace file chunk by chunk into one reused buffer: each chunk is valid until the next
 * is asked for (what {@linkcode readLineBatches} needs), and a long trace allocates no buffer per
 * read. The file is closed when the reading ends, also early.
 *
 * @param path the file
 * @returns the file's bytes, in order
 * @throws {EngineError} `TRACE_IO` naming the file when it cannot be opened or read
 *
 * @example
 * ```ts
 * import { readLineBatches, readTraceFile } from "./read_lines.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\nb\n");
 * const lines: string[] = [];
 * for await (const batch of readLineBatches(readTraceFile(path))) lines.push(...batch);
 * await Deno.remove(path);
 * if (lines.join() !== "a,b") throw new Error(lines.join());
 * ```
 */
export async function* readTraceFile(path: string): AsyncGenerator<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new EngineError(
      "TRACE_IO",
      `cannot read trace "${path}": ${fileErrorText(error)}`,
      { cause: error, subject: path },
    );
  }
  try {
    const buffer = new Uint8Array(FILE_READ_SIZE);
    while (true) {
      let n: number | null;
      try {
        n = await file.read(buffer);
      } catch (error) {
        throw new EngineError("TRACE_IO", `cannot read trace "${path}": ${fileErrorText(error)}`, {
          cause: error,
          subject: path,
        });
      }
      if (n === null) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    file.close();
  }
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
            new EngineError("TRACE_IO", `cannot read trace "${path}": ${fileErrorText(error)}`, {
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
      `cannot read trace "${path}": ${fileErrorText(error)}`,
      { cause: error, subject: path },
    );
  }
}
