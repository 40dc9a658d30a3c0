/**
 * Errors of the policy language: one {@linkcode PolicyError} per problem, each with a stable
 * `code` and the exact place in the file, gathered into one {@linkcode PolicyErrors} so that a
 * user sees every problem of every file at once.
 *
 * @module
 */

/**
 * Stable codes of {@linkcode PolicyError}. Callers and tests match on these, never on messages.
 *
 * - `yaml-syntax`: the text is not valid YAML (or uses YAML features policies forbid: tags,
 *   unknown aliases, complex keys).
 * - `too-large`, `too-deep`, `too-many-documents`, `too-many-aliases`, `too-many-errors`: limits
 *   against hostile input.
 * - `no-policy`: a file with no policy document.
 * - `unknown-key`, `missing-key`, `wrong-type`, `bad-value`: structure, per `policies/schema.ts`.
 * - `unknown-syscall`, `unknown-capability`, `unknown-constant`, `unknown-errno`: names that exist
 *   nowhere.
 * - `bad-arg`: an argument condition that cannot hold as written (index, op, mask, 64-bit range).
 * - `bad-endpoint`, `bad-path`: network endpoints and filesystem paths.
 * - `duplicate-name`, `duplicate-id`: policy names in a set, rule ids in a policy.
 * - `extends-unknown`, `extends-cycle`: `spec.extends`.
 * - `unreadable-file`: a policy file that could not be read.
 */
export type PolicyErrorCode =
  | "yaml-syntax"
  | "too-large"
  | "too-deep"
  | "too-many-documents"
  | "too-many-aliases"
  | "too-many-errors"
  | "no-policy"
  | "unknown-key"
  | "missing-key"
  | "wrong-type"
  | "bad-value"
  | "unknown-syscall"
  | "unknown-capability"
  | "unknown-constant"
  | "unknown-errno"
  | "bad-arg"
  | "bad-endpoint"
  | "bad-path"
  | "duplicate-name"
  | "duplicate-id"
  | "extends-unknown"
  | "extends-cycle"
  | "unreadable-file";

/**
 * One problem in a policy file. The message is exactly `FILE:LINE:COL: description`, with the
 * offending key or value quoted in the description; `description` holds the part after the place.
 *
 * @example
 * ```ts
 * import { PolicyError } from "@cordon/cordon";
 * const e = new PolicyError("unknown-key", 'unknown key "specc"', "p.yaml", 4, 1);
 * if (e.message !== 'p.yaml:4:1: unknown key "specc"') throw new Error(e.message);
 * if (!(e instanceof SyntaxError) || e.code !== "unknown-key") throw new Error("wrong class");
 * ```
 */
export class PolicyError extends SyntaxError {
  /** What kind of problem, stable across releases. */
  readonly code: PolicyErrorCode;
  /** The file as it was named (a path, `-` for stdin, or `builtin:NAME`). */
  readonly path: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  readonly column: number;
  /** The message without the `FILE:LINE:COL: ` prefix. */
  readonly description: string;

  /**
   * Creates the error; the message becomes `path:line:column: description`.
   *
   * @param code the stable code
   * @param description what is wrong, naming the offending key or value in quotes
   * @param path the file
   * @param line 1-based line
   * @param column 1-based column
   * @param options `cause`, when the problem comes from another error
   * @example
   * ```ts
   * import { PolicyError } from "@cordon/cordon";
   * const e = new PolicyError("bad-path", 'bad path "etc"', "p.yaml", 3, 12);
   * if (e.line !== 3 || e.column !== 12) throw new Error("location");
   * ```
   */
  constructor(
    code: PolicyErrorCode,
    description: string,
    path: string,
    line: number,
    column: number,
    options?: ErrorOptions,
  ) {
    super(`${path}:${line}:${column}: ${description}`, options);
    this.name = "PolicyError";
    this.code = code;
    this.path = path;
    this.line = line;
    this.column = column;
    this.description = description;
  }
}

/**
 * Orders errors by file, then line, then column (then message, for a stable order).
 *
 * @example
 * ```ts
 * import { comparePolicyErrors, PolicyError } from "@cordon/cordon";
 * const a = new PolicyError("bad-value", "x", "a.yaml", 9, 1);
 * const b = new PolicyError("bad-value", "x", "a.yaml", 10, 1);
 * if (!(comparePolicyErrors(a, b) < 0)) throw new Error("line 9 sorts before line 10");
 * ```
 */
export function comparePolicyErrors(a: PolicyError, b: PolicyError): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/**
 * Every problem found in one or more policy files, sorted by file, line and column. The message
 * lists them all, one per line, so that printing the error shows everything.
 *
 * @example
 * ```ts
 * import { PolicyError, PolicyErrors } from "@cordon/cordon";
 * const all = new PolicyErrors([
 *   new PolicyError("bad-value", 'unknown action "nope"', "p.yaml", 12, 15),
 *   new PolicyError("unknown-key", 'unknown key "x"', "p.yaml", 3, 3),
 * ]);
 * if (all.errors[0]?.line !== 3) throw new Error("not sorted");
 * if (!(all instanceof AggregateError)) throw new Error("wrong class");
 * ```
 */
export class PolicyErrors extends AggregateError {
  /** The problems, sorted by file, line and column. */
  declare readonly errors: PolicyError[];

  /**
   * Collects and sorts `errors`.
   *
   * @param errors the problems, in any order; at least one
   * @example
   * ```ts
   * import { PolicyError, PolicyErrors } from "@cordon/cordon";
   * const e = new PolicyErrors([new PolicyError("no-policy", "no policy", "e.yaml", 1, 1)]);
   * if (e.message !== "e.yaml:1:1: no policy") throw new Error(e.message);
   * ```
   */
  constructor(errors: readonly PolicyError[]) {
    const sorted = [...errors].sort(comparePolicyErrors);
    super(sorted, sorted.map((e) => e.message).join("\n"));
    this.name = "PolicyErrors";
  }
}

/**
 * One policy error in the one error style: `FILE:LINE:COL: error[CODE]: description` (what
 * `cordon check` prints for it; the other commands put `cordon CMD: ` before it).
 *
 * @example
 * ```ts
 * import { policyErrorText, PolicyError } from "@cordon/cordon";
 * const e = new PolicyError("unknown-key", 'unknown key "specc"', "p.yaml", 4, 1);
 * if (policyErrorText(e) !== 'p.yaml:4:1: error[unknown-key]: unknown key "specc"') throw new Error();
 * ```
 */
export function policyErrorText(error: PolicyError): string {
  return `${error.path}:${error.line}:${error.column}: error[${error.code}]: ${error.description}`;
}

/**
 * What went wrong with a file, in plain words: `Deno.errors` classes by name, else the message
 * without the OS's `(os error N)` and Deno's `: open '…'` suffixes (the caller names the file).
 *
 * @param error what a file operation threw
 * @returns a short reason, lower case
 *
 * @example
 * ```ts
 * import { fileErrorText } from "@cordon/cordon";
 * const text = fileErrorText(new Deno.errors.NotFound("No such file or directory (os error 2): open '/x'"));
 * if (text !== "no such file or directory") throw new Error(text);
 * ```
 */
export function fileErrorText(error: unknown): string {
  // Looked up here, not at load time: this module is also bundled for node and browsers.
  const errors = typeof Deno === "undefined" ? undefined : Deno.errors;
  if (errors !== undefined) {
    const plain: [new (...args: never[]) => Error, string][] = [
      [errors.NotFound, "no such file or directory"],
      [errors.PermissionDenied, "permission denied"],
      [errors.IsADirectory, "is a directory"],
      [errors.NotADirectory, "a component of the path is not a directory"],
      [errors.AlreadyExists, "already exists"],
      [errors.InvalidData, "not valid text"],
      [errors.Interrupted, "interrupted"],
    ];
    for (const [type, text] of plain) if (error instanceof type) return text;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\)/g, "").replace(/: \w+ '[^']*'$/, "").trim();
}
