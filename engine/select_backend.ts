/**
 * The one place that chooses a backend. Rules:
 *
 * - `"simulation"`, `"linux"`, `"dtrace"`: that backend or an error saying why it is
 *   unavailable (never a silent substitute). `"dtrace"` drives the OS's tracer (dtrace, or
 *   bpftrace on Linux); `"bpftrace"` is the same backend driving bpftrace on any OS.
 * - `"auto"`: the strongest available backend for this platform (Linux eBPF, then DTrace /
 *   bpftrace, then the simulation), and the reason for the choice. It falls back to the
 *   simulation only when the purpose is `evaluate` or `observe`.
 * - Purpose `enforce` refuses the simulation (which confines nothing real) unless the caller
 *   passes `allowDegraded: true`; the selection then says it is degraded.
 *
 * @module
 */

import type {
  Backend,
  BackendCreateOptions,
  BackendFactory,
  BackendKind,
  BackendProbe,
} from "./backend.ts";
import { EngineError } from "./errors.ts";
import { SimulationBackend } from "../backends/simulation/simulation_backend.ts";

/** What the caller asks for (`"bpftrace"`: the `dtrace` backend driving bpftrace). */
export type BackendChoice = "auto" | BackendKind | "bpftrace";

/** Every accepted {@linkcode BackendChoice}. */
export const BACKEND_CHOICES: readonly BackendChoice[] = [
  "auto",
  "simulation",
  "linux",
  "dtrace",
  "bpftrace",
];

/** Why the backend is wanted: `evaluate` (decide only), `observe` (watch), `enforce` (confine). */
export type Purpose = "evaluate" | "observe" | "enforce";

/** Options of {@linkcode selectBackend}. */
export interface SelectBackendOptions {
  /** Default `"auto"`. */
  readonly backend?: BackendChoice;
  /** Default `"observe"`. */
  readonly purpose?: Purpose;
  /** Accept a backend that cannot enforce when the purpose is `enforce`. */
  readonly allowDegraded?: boolean;
  /** Passed to the backend's `create()`. */
  readonly create?: BackendCreateOptions;
  /** The OS (default `Deno.build.os`); decides which backends `auto` considers. */
  readonly os?: typeof Deno.build.os;
  /** Replaces how a backend's factory is found (tests inject fakes here). */
  readonly factories?: Partial<Record<BackendKind, () => Promise<BackendFactory | undefined>>>;
}

/** The chosen backend and why. */
export interface BackendSelection {
  /** The backend. */
  readonly backend: Backend;
  /** The kind (discriminant). */
  readonly kind: BackendKind;
  /** One line: why this backend, e.g. `"auto: linux eBPF unavailable (…); simulation for observe"`. */
  readonly reason: string;
  /** Set when the purpose is `enforce` and the backend cannot enforce (accepted by `allowDegraded`). */
  readonly degraded: boolean;
  /** The probes made, in the order tried. */
  readonly probes: readonly BackendProbe[];
}

/**
 * How each optional backend's module is loaded: on first use only (the Linux one needs FFI), with
 * literal specifiers so that the module graph (publishing, bundling, `deno compile`) includes them.
 */
const LOADERS: Readonly<
  Record<Exclude<BackendKind, "simulation">, () => Promise<Record<string, unknown>>>
> = {
  linux: () => import("../backends/linux/ebpf_backend.ts"),
  dtrace: () => import("../backends/dtrace/dtrace_backend.ts"),
};

/** The factory each optional backend's module exports. */
const FACTORY_NAMES: Readonly<Record<Exclude<BackendKind, "simulation">, string>> = {
  linux: "EbpfBackend",
  dtrace: "DtraceBackend",
};

function isFactory(value: unknown): value is BackendFactory {
  return typeof value === "function" &&
    typeof (value as unknown as BackendFactory).probe === "function" &&
    typeof (value as unknown as BackendFactory).create === "function";
}

/**
 * The factory of backend `kind`, loaded with `load`. A module that fails to load (a broken import
 * anywhere in its graph) or lacks its factory is an error, never "not available": the backends
 * are imported with literal specifiers, so a build always holds them, and hiding the failure
 * would quietly select another backend.
 *
 * @param kind the backend
 * @param load imports its module
 * @returns the factory
 * @throws {EngineError} `BACKEND_LOAD_FAILED`, with the import's error as the cause
 *
 * @example
 * ```ts
 * import { backendFactoryFrom } from "@cordon/cordon";
 * const error = await backendFactoryFrom("dtrace", () => Promise.resolve({})).catch((e) => e);
 * if (error.code !== "BACKEND_LOAD_FAILED") throw new Error();
 * ```
 */
export async function backendFactoryFrom(
  kind: Exclude<BackendKind, "simulation">,
  load: () => Promise<Record<string, unknown>>,
): Promise<BackendFactory> {
  let module: Record<string, unknown>;
  try {
    module = await load();
  } catch (error) {
    throw new EngineError(
      "BACKEND_LOAD_FAILED",
      `The ${kind} backend's module failed to load: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error, subject: kind },
    );
  }
  const factory = module[FACTORY_NAMES[kind]];
  if (!isFactory(factory)) {
    throw new EngineError(
      "BACKEND_LOAD_FAILED",
      `The ${kind} backend's module does not export its factory ${FACTORY_NAMES[kind]}`,
      { subject: kind },
    );
  }
  return factory;
}

function defaultFactory(kind: BackendKind): Promise<BackendFactory | undefined> {
  if (kind === "simulation") return Promise.resolve(SimulationBackend);
  return backendFactoryFrom(kind, LOADERS[kind]);
}

async function probe(
  kind: BackendKind,
  options: SelectBackendOptions,
): Promise<{ probe: BackendProbe; factory?: BackendFactory }> {
  try {
    const find = options.factories?.[kind] ?? (() => defaultFactory(kind));
    const factory = await find();
    if (factory === undefined) {
      return {
        probe: {
          kind,
          available: false,
          reason: `the ${kind} backend is not part of this build`,
          features: [],
        },
      };
    }
    return { probe: await factory.probe(), factory };
  } catch (error) {
    // A backend that cannot even be loaded is a broken build: said, not skipped over.
    if (error instanceof EngineError && error.code === "BACKEND_LOAD_FAILED") throw error;
    return {
      probe: {
        kind,
        available: false,
        reason: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
        features: [],
      },
    };
  }
}

/** The `dtrace` backend's factory that drives bpftrace whatever the OS (`--backend bpftrace`). */
async function probeBpftrace(
  options: SelectBackendOptions,
): Promise<{ probe: BackendProbe; factory?: BackendFactory }> {
  if (options.factories?.dtrace) return await probe("dtrace", options);
  try {
    const factory = (await LOADERS.dtrace()).BpftraceBackend;
    if (!isFactory(factory)) throw new Error("BpftraceBackend is not a backend factory");
    return { probe: await factory.probe(), factory };
  } catch (error) {
    return {
      probe: {
        kind: "dtrace",
        available: false,
        reason: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
        features: [],
      },
    };
  }
}

/** The backends `auto` tries on an OS, strongest first (the simulation is the fallback). */
export function autoOrder(os: typeof Deno.build.os): BackendKind[] {
  if (os === "linux") return ["linux", "dtrace"];
  if (os === "darwin" || os === "freebsd" || os === "illumos" || os === "solaris") {
    return ["dtrace"];
  }
  return [];
}

/**
 * Chooses and creates a backend.
 *
 * @param options the choice, the purpose and whether degradation is accepted
 * @returns the backend, why it was chosen and the probes made
 * @throws {EngineError} `UNSUPPORTED_PLATFORM` when an explicitly asked backend is unavailable;
 *   `ENFORCEMENT_UNAVAILABLE` when enforcing is asked and only the simulation is left
 *
 * @example
 * ```ts
 * import { selectBackend } from "@cordon/cordon";
 * const selection = await selectBackend({ backend: "simulation", purpose: "evaluate" });
 * using _backend = selection.backend;
 * if (selection.kind !== "simulation" || selection.degraded) throw new Error(selection.reason);
 * try {
 *   await selectBackend({ backend: "simulation", purpose: "enforce" });
 *   throw new Error("must refuse");
 * } catch (error) {
 *   if ((error as { code?: string }).code !== "ENFORCEMENT_UNAVAILABLE") throw error;
 * }
 * ```
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const choice = options.backend ?? "auto";
  const purpose = options.purpose ?? "observe";
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `Unknown backend "${String(choice)}"; expected one of ${BACKEND_CHOICES.join(", ")}`,
    );
  }
  const probes: BackendProbe[] = [];
  const simulation = async (reason: string): Promise<BackendSelection> => {
    const degraded = purpose === "enforce";
    if (degraded && options.allowDegraded !== true) {
      throw new EngineError(
        "ENFORCEMENT_UNAVAILABLE",
        `Refusing to enforce with the simulation backend, which confines no real process (${reason}); ` +
          "pass the degradation flag to evaluate only",
      );
    }
    const found = await probe("simulation", options);
    probes.push(found.probe);
    const factory = found.factory ?? SimulationBackend;
    return {
      backend: await factory.create(options.create),
      kind: "simulation",
      reason: degraded ? `${reason}; DEGRADED: nothing is enforced` : reason,
      degraded,
      probes,
    };
  };

  if (choice === "simulation") return await simulation("simulation requested");
  if (choice === "bpftrace") {
    const found = await probeBpftrace(options);
    probes.push(found.probe);
    if (!found.probe.available || found.factory === undefined) {
      throw new EngineError(
        "UNSUPPORTED_PLATFORM",
        `The bpftrace backend is unavailable: ${found.probe.reason}`,
        { subject: "bpftrace" },
      );
    }
    return {
      backend: await found.factory.create(options.create),
      kind: "dtrace",
      reason: `bpftrace requested: ${found.probe.reason}`,
      degraded: false,
      probes,
    };
  }
  if (choice !== "auto") {
    const found = await probe(choice, options);
    probes.push(found.probe);
    if (!found.probe.available || found.factory === undefined) {
      throw new EngineError(
        "UNSUPPORTED_PLATFORM",
        `The ${choice} backend is unavailable: ${found.probe.reason}`,
        { subject: choice },
      );
    }
    return {
      backend: await found.factory.create(options.create),
      kind: choice,
      reason: `${choice} requested: ${found.probe.reason}`,
      degraded: false,
      probes,
    };
  }
  const missing: string[] = [];
  for (const kind of autoOrder(options.os ?? Deno.build.os)) {
    const found = await probe(kind, options);
    probes.push(found.probe);
    if (found.probe.available && found.factory !== undefined) {
      try {
        return {
          backend: await found.factory.create(options.create),
          kind,
          reason: `auto: ${kind} (${found.probe.reason})`,
          degraded: false,
          probes,
        };
      } catch (error) {
        missing.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
    }
    missing.push(`${kind}: ${found.probe.reason}`);
  }
  const why = missing.length === 0 ? "no kernel backend on this OS" : missing.join("; ");
  if (purpose === "enforce" && options.allowDegraded !== true) {
    throw new EngineError(
      "ENFORCEMENT_UNAVAILABLE",
      `No backend can enforce here (${why}); pass the degradation flag to evaluate with the simulation`,
    );
  }
  return await simulation(`auto: simulation for ${purpose} (${why})`);
}
