/**
 * Cordon as Deno's permission broker (issue 15). Deno 2.5+ started with
 * `DENO_PERMISSION_BROKER_PATH=<socket>` connects to that Unix stream socket and sends every
 * permission check as one JSON line, `{"v":1,"pid":N,"id":N,"datetime":"…","permission":"read",
 * "value":"/etc/hosts"}`, then waits for `{"id":N,"result":"allow"|"deny","reason":"…"}`; a deny
 * raises `NotCapable: <reason>` in the program. Deno exits (code 87) when the broker is gone or
 * answers something it cannot read, so a crash of the broker fails closed.
 *
 * {@linkcode PermissionBroker} listens on the socket and answers with a decision function
 * (usually `decideDenoPermission` of `deno_permissions.ts` over the resolved policies).
 * It fails closed: a request that is not a JSON object with a numeric `id`, of another protocol
 * version, or longer than {@linkcode MAX_REQUEST_BYTES} is reported and its connection closed
 * (Deno then stops); an unknown permission kind, or a decision function that throws, is denied.
 *
 * @module
 */

import type { DenoPermissionCheck, DenoPermissionDecision } from "./deno_permissions.ts";

/** The longest request line accepted (Deno's values are paths, names and `host:port`). */
export const MAX_REQUEST_BYTES = 1 << 20;

/** The environment variable that makes Deno use a permission broker. */
export const DENO_BROKER_ENV = "DENO_PERMISSION_BROKER_PATH";

/** One answered check. */
export interface BrokerDecision {
  /** The request's id. */
  readonly id: number;
  /** The Deno process that asked (as Deno reports it). */
  readonly pid: number | null;
  /** When Deno asked (its `datetime`), or `null`. */
  readonly datetime: string | null;
  /** The check. */
  readonly check: DenoPermissionCheck;
  /** The answer given. */
  readonly decision: DenoPermissionDecision;
  /** Microseconds from reading the line to writing the answer. */
  readonly micros: number;
}

/** Totals of a {@linkcode PermissionBroker}. */
export interface BrokerCounts {
  /** Checks answered `allow` by an `allow` rule, section or default. */
  readonly allow: number;
  /** Checks answered `allow` by a `log` rule. */
  readonly log: number;
  /** Checks answered `deny`. */
  readonly deny: number;
  /** Requests rejected as malformed (their connection was closed). */
  readonly malformed: number;
  /** Connections accepted. */
  readonly connections: number;
}

/** Malformed broker traffic. */
export class BrokerProtocolError extends Error {
  /** Stable error code. */
  readonly code: "MALFORMED_REQUEST" | "REQUEST_TOO_LONG" | "UNKNOWN_VERSION";

  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param message What is wrong with the request.
   */
  constructor(code: BrokerProtocolError["code"], message: string) {
    super(message);
    this.name = "BrokerProtocolError";
    this.code = code;
  }
}

/** Options of {@linkcode PermissionBroker.listen}. */
export interface PermissionBrokerOptions {
  /** The socket's path (created; an existing socket there is replaced). */
  readonly path: string;
  /** Decides one check. Throwing denies it. */
  readonly decide: (check: DenoPermissionCheck) => DenoPermissionDecision;
  /** Called with each decision once its answer is sent (so that reporting adds nothing to Deno's wait). */
  readonly onDecision?: (decision: BrokerDecision) => void;
  /** Called for each malformed request (its connection is then closed). */
  readonly onProtocolError?: (error: BrokerProtocolError) => void;
}

const encoder = new TextEncoder();

function failClosed(check: DenoPermissionCheck, error: unknown): DenoPermissionDecision {
  const why = error instanceof Error ? error.message : String(error);
  return {
    result: "deny",
    action: "deny",
    policy: null,
    ruleId: null,
    source: "no-policy",
    loc: null,
    reason: `cordon: denied ${check.permission}: the broker could not decide (${why})`,
  };
}

/**
 * A Unix socket server answering Deno's permission checks.
 *
 * @example
 * ```ts ignore
 * import { PermissionBroker } from "@cordon/cordon";
 * import { decideDenoPermission } from "@cordon/cordon";
 * import { loadPolicies } from "../compile/load_policies.ts";
 * const { resolved } = await loadPolicies(["examples/policies/deno-app.yaml"]);
 * await using broker = PermissionBroker.listen({
 *   path: "/tmp/cordon-broker.sock",
 *   decide: (check) => decideDenoPermission(resolved, check),
 *   onDecision: (d) => console.log(d.check.permission, d.check.value, d.decision.reason),
 * });
 * const child = new Deno.Command(Deno.execPath(), {
 *   args: ["run", "examples/deno_app.ts"],
 *   env: { DENO_PERMISSION_BROKER_PATH: broker.path },
 * }).spawn();
 * await child.status;
 * console.log(broker.counts);
 * ```
 */
export class PermissionBroker implements AsyncDisposable {
  readonly #listener: Deno.UnixListener;
  readonly #options: PermissionBrokerOptions;
  readonly #connections = new Set<Deno.UnixConn>();
  readonly #served: Promise<void>;
  readonly #handlers = new Set<Promise<void>>();
  #counts = { allow: 0, log: 0, deny: 0, malformed: 0, connections: 0 };
  #closed = false;

  private constructor(listener: Deno.UnixListener, options: PermissionBrokerOptions) {
    this.#listener = listener;
    this.#options = options;
    this.#served = this.#accept();
  }

  /**
   * Starts listening on `options.path`. Requires `allow-read` and `allow-write` for the path.
   *
   * @param options The socket path and the decision function.
   * @returns The broker; close it (or `await using` it) when Deno has exited.
   */
  static listen(options: PermissionBrokerOptions): PermissionBroker {
    try {
      if (Deno.lstatSync(options.path).isSocket) Deno.removeSync(options.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const listener = Deno.listen({ transport: "unix", path: options.path });
    return new PermissionBroker(listener, options);
  }

  /** The socket's path: the value of `DENO_PERMISSION_BROKER_PATH`. */
  get path(): string {
    return this.#options.path;
  }

  /** Totals so far. */
  get counts(): BrokerCounts {
    return { ...this.#counts };
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#counts.connections++;
        this.#connections.add(conn);
        const handler = this.#serve(conn).finally(() => {
          this.#connections.delete(conn);
          this.#handlers.delete(handler);
        });
        this.#handlers.add(handler);
      }
    } catch (error) {
      if (!this.#closed) throw error;
    }
  }

  #reject(conn: Deno.UnixConn, error: BrokerProtocolError): void {
    this.#counts.malformed++;
    this.#options.onProtocolError?.(error);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  async #serve(conn: Deno.UnixConn): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    // Read straight from the connection (no stream in between): Deno waits for every answer.
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        pending += decoder.decode(buffer.subarray(0, n), { stream: true });
        let newline: number;
        while ((newline = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim() === "") continue;
          const answered = this.#answer(line);
          if (answered instanceof BrokerProtocolError) {
            this.#reject(conn, answered);
            return;
          }
          // The answer first: observers (logging) do not add to Deno's wait.
          await writeAll(conn, encoder.encode(answered.answer));
          this.#options.onDecision?.(answered.event);
        }
        if (pending.length > MAX_REQUEST_BYTES) {
          this.#reject(
            conn,
            new BrokerProtocolError(
              "REQUEST_TOO_LONG",
              `a request line is longer than ${MAX_REQUEST_BYTES} bytes`,
            ),
          );
          return;
        }
      }
    } catch (error) {
      if (this.#closed || error instanceof Deno.errors.BadResource) return;
      if (error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe) {
        return;
      }
      throw error;
    }
  }

  /**
   * The answer line for `line` and the decision to report, or the protocol error that closes the
   * connection.
   */
  #answer(line: string): { answer: string; event: BrokerDecision } | BrokerProtocolError {
    const started = performance.now();
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      return new BrokerProtocolError("MALFORMED_REQUEST", `not JSON: ${line.slice(0, 200)}`);
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      return new BrokerProtocolError(
        "MALFORMED_REQUEST",
        `not a JSON object: ${line.slice(0, 200)}`,
      );
    }
    const r = request as Record<string, unknown>;
    if (typeof r.id !== "number" || !Number.isSafeInteger(r.id)) {
      return new BrokerProtocolError("MALFORMED_REQUEST", `no numeric "id": ${line.slice(0, 200)}`);
    }
    if (r.v !== 1) {
      return new BrokerProtocolError(
        "UNKNOWN_VERSION",
        `protocol version ${JSON.stringify(r.v)} (Cordon speaks 1)`,
      );
    }
    if (typeof r.permission !== "string" || (r.value !== null && typeof r.value !== "string")) {
      return new BrokerProtocolError(
        "MALFORMED_REQUEST",
        `"permission" must be a string and "value" a string or null: ${line.slice(0, 200)}`,
      );
    }
    const check: DenoPermissionCheck = {
      permission: r.permission,
      value: r.value as string | null,
    };
    let decision: DenoPermissionDecision;
    try {
      decision = this.#options.decide(check);
    } catch (error) {
      decision = failClosed(check, error);
    }
    this.#counts[decision.action]++;
    const answer = JSON.stringify({ id: r.id, result: decision.result, reason: decision.reason }) +
      "\n";
    const event: BrokerDecision = {
      id: r.id,
      pid: typeof r.pid === "number" ? r.pid : null,
      datetime: typeof r.datetime === "string" ? r.datetime : null,
      check,
      decision,
      micros: Math.round((performance.now() - started) * 1000),
    };
    return { answer, event };
  }

  /** Stops listening, closes open connections, removes the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    for (const conn of this.#connections) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await this.#served;
    await Promise.allSettled([...this.#handlers]);
    try {
      Deno.removeSync(this.#options.path);
    } catch {
      // removed already
    }
  }

  /** Same as {@linkcode PermissionBroker.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function writeAll(conn: Deno.UnixConn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}
