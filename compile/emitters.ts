/**
 * The output formats a compiled {@linkcode FilterSet} can be written in, by name: the one
 * registry behind `cordon compile --emit` (the IR, BPF map entries, Landlock rulesets, cgroup
 * network maps, D and bpftrace scripts, seccomp cBPF and its disassembly, OCI profiles and the
 * Kubernetes `SeccompProfile`). Adding a format is one entry in {@linkcode EMITTERS}. Pure: the
 * emitters return text or bytes and report lossy exports through `onWarning`.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import type { FilterLayer, FilterSet } from "./filter_set.ts";
import { emitIr } from "./emit_ir.ts";
import { emitBpfMaps } from "./bpf_maps.ts";
import { emitLandlock, LANDLOCK_ABI_LATEST } from "./landlock.ts";
import { emitNetMaps } from "./net_rules.ts";
import { traceScriptSpec } from "./trace_script.ts";
import { emitBpftrace } from "./emit_bpftrace.ts";
import { emitDtrace } from "./emit_dtrace.ts";
import { compileSeccomp } from "./seccomp.ts";
import { disassemble } from "./seccomp_asm.ts";
import { exportOciProfile, formatOciProfile } from "./oci.ts";
import {
  formatOciRuntimeSeccomp,
  formatSeccompProfileObject,
  seccompProfileObject,
} from "./oci_runtime.ts";

/** What an emitter is given besides the filter set. */
export interface EmitOptions {
  /** The architectures compiled (the set holds exactly these). */
  readonly arches: readonly Arch[];
  /** The Landlock ABI to compile rulesets for; default the latest known. */
  readonly landlockAbi?: number;
  /** The output file, when there is one (an emitter may pick its syntax by the extension). */
  readonly output?: string;
  /** Told what an export could not write exactly (it wrote something stricter). */
  readonly onWarning?: (message: string) => void;
}

/** One output format. */
export interface Emitter {
  /** One line for `--help`. */
  readonly describe: string;
  /** Binary output (a command refuses to write it to a terminal). */
  readonly binary?: boolean;
  /**
   * Produces the output; deterministic.
   *
   * @throws {EmitError} with code `ONE_POLICY` when the format holds one policy and the set has
   *   several (or none).
   */
  emit(set: FilterSet, options: EmitOptions): string | Uint8Array;
}

/** Why an emitter refused a filter set. */
export type EmitErrorCode = "ONE_POLICY";

/**
 * An emitter refused the filter set it was given.
 *
 * @example
 * ```ts
 * import { EMITTERS, EmitError } from "@cordon/cordon";
 * try {
 *   EMITTERS.oci!.emit({ version: 1, layers: [] }, { arches: ["x86_64"] });
 *   throw new Error("unreachable");
 * } catch (error) {
 *   if (!(error instanceof EmitError) || error.code !== "ONE_POLICY") throw error;
 * }
 * ```
 */
export class EmitError extends Error {
  /** Stable error code. */
  readonly code: EmitErrorCode;
  /**
   * An error with its code and message.
   *
   * @param code Why the set was refused.
   * @param message The message, saying what to do instead.
   */
  constructor(code: EmitErrorCode, message: string) {
    super(message);
    this.name = "EmitError";
    this.code = code;
  }
}

function onlyLayer(set: FilterSet, format: string, what: string): FilterLayer {
  if (set.layers.length !== 1) {
    throw new EmitError(
      "ONE_POLICY",
      `${format} makes one ${what} per policy, and ${set.layers.length} policies were given: ` +
        `compile them one at a time`,
    );
  }
  return set.layers[0]!;
}

/**
 * The output formats, by name.
 *
 * @example
 * ```ts
 * import { EMITTERS } from "@cordon/cordon";
 * const ir = EMITTERS.ir!.emit({ version: 1, layers: [] }, { arches: ["x86_64"] });
 * if (typeof ir !== "string" || !ir.includes('"cordon-ir"')) throw new Error();
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const allow = { action: "allow", ruleId: null, policy: "p", loc } as const;
 * const set = {
 *   version: 1,
 *   layers: [{
 *     policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, loc,
 *     arches: [{ arch: "x86_64", syscalls: [], unknown: allow }],
 *   }],
 * } as const;
 * const bytes = EMITTERS["seccomp-bpf"]!.emit(set, { arches: ["x86_64"] });
 * if (!(bytes instanceof Uint8Array) || bytes.length % 8 !== 0) throw new Error("bpf expected");
 * const profile = EMITTERS["seccomp-profile"]!.emit(set, { arches: ["x86_64"] });
 * if (typeof profile !== "string" || !profile.includes("kind: SeccompProfile")) throw new Error();
 * ```
 */
export const EMITTERS: Readonly<Record<string, Emitter>> = {
  ir: {
    describe: "the resolved filter set as stable JSON (docs/ir.md)",
    emit: (set) => emitIr(set),
  },
  maps: {
    describe: "the eBPF backend's map entries as JSON (hex keys and values, rule ids)",
    emit: (set) => emitBpfMaps(set),
  },
  landlock: {
    describe: "each policy's Landlock ruleset as JSON, with what the ABI misses (gaps)",
    emit: (set, { landlockAbi }) => emitLandlock(set, landlockAbi ?? LANDLOCK_ABI_LATEST),
  },
  "net-maps": {
    describe: "the cgroup network programs' rule tuples as JSON, byte for byte",
    emit: (set) => emitNetMaps(set),
  },
  dtrace: {
    describe: "a D script for dtrace -Z -q -s watching the policies' targets (docs/tracing.md)",
    emit: (set) => emitDtrace(traceScriptSpec(set)),
  },
  bpftrace: {
    describe: "a bpftrace script (--unsafe when it kills) watching the policies' targets",
    emit: (set) => emitBpftrace(traceScriptSpec(set)),
  },
  "seccomp-bpf": {
    describe: "the seccomp filter: raw little-endian struct sock_filter array (one policy)",
    binary: true,
    emit: (set, { arches }) =>
      compileSeccomp(onlyLayer(set, "seccomp-bpf", "filter"), arches).bytes(),
  },
  "seccomp-asm": {
    describe: "the seccomp filter disassembled, with rule ids and syscall names as comments",
    emit: (set, { arches }) =>
      set.layers.map((layer) => disassemble(compileSeccomp(layer, arches))).join("\n"),
  },
  oci: {
    describe: "an OCI seccomp profile (Docker/Podman/Kubernetes JSON; one policy)",
    emit: (set, { onWarning }) =>
      formatOciProfile(
        exportOciProfile(onlyLayer(set, "oci", "profile"), onWarning ? { onWarning } : {}),
      ),
  },
  "oci-runtime": {
    describe: "the OCI runtime spec's linux.seccomp object (runc/crun config.json; one policy)",
    emit: (set, { onWarning }) =>
      formatOciRuntimeSeccomp(
        exportOciProfile(onlyLayer(set, "oci-runtime", "profile"), onWarning ? { onWarning } : {}),
      ),
  },
  "seccomp-profile": {
    describe: "a Security Profiles Operator SeccompProfile (Kubernetes YAML; JSON with -o X.json)",
    emit: (set, { output, onWarning }) => {
      const layer = onlyLayer(set, "seccomp-profile", "profile");
      const warn = onWarning ? { onWarning } : {};
      const object = seccompProfileObject(exportOciProfile(layer, warn), {
        name: layer.policy,
        annotations: {
          "cordon.dev/policy": layer.policy,
          "cordon.dev/source": layer.loc.file,
        },
        ...warn,
      });
      return formatSeccompProfileObject(object, output?.endsWith(".json") ? "json" : "yaml");
    },
  },
};
