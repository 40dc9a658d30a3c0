/**
 * The contract every CLI command implements, and the exit codes they share.
 *
 * @module
 */

/** Exit codes: 0 ok, 1 policy invalid / denied / failed check, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** One `cordon` sub-command. Commands are thin: they parse, call the library and format. */
export interface Command {
  /** The word after `cordon`. */
  readonly name: string;
  /** One line for `cordon --help`. */
  readonly summary: string;
  /** The full text of `cordon NAME --help`: usage line, options, examples. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** A malformed command line: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  /** Stable error code. */
  readonly code = "USAGE";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
