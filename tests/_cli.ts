/**
 * The command line as users run it, for the CLI and kernel suites: `deno run -A mod.ts ARGS…` in
 * a child process, with its exit code and its output as text.
 *
 * @module
 */

const MOD = new URL("../mod.ts", import.meta.url).pathname;

/** What a run of the command line came to. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@linkcode cordon}. */
export interface CliOptions {
  /** Written to the command's standard input (which is otherwise empty). */
  readonly stdin?: string | undefined;
  /** The working directory (default: this process's). */
  readonly cwd?: string | URL;
  /** Environment variables added to this process's. */
  readonly env?: Record<string, string>;
  /** Flags of `deno run` put before `mod.ts`, after `-A` (e.g. `--quiet`). */
  readonly denoFlags?: readonly string[];
  /** A command that runs `deno` (e.g. `["setpriv", …]`), put before it. */
  readonly wrapper?: readonly string[];
}

/**
 * Runs `[WRAPPER…] deno run -A [DENO FLAGS] mod.ts ARGS…` and collects its exit code and
 * output.
 */
export async function cordon(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const deno = [Deno.execPath(), "run", "-A", ...(options.denoFlags ?? []), MOD, ...args];
  const [program, ...rest] = [...(options.wrapper ?? []), ...deno];
  const child = new Deno.Command(program!, {
    args: rest,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** The JSON objects among `text`'s lines (Cordon's `--format json` records, a JSON Lines trace). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}
