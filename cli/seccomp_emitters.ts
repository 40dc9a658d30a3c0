/**
 * The `cordon compile --emit` formats of the seccomp generator and the OCI exporter:
 * `seccomp-bpf` (raw `struct sock_filter` array), `seccomp-asm` (disassembly with rule ids)
 * and `oci` (an OCI seccomp profile).
 *
 * @module
 */

import type { Emitter } from "./cmd_compile.ts";
import type { FilterLayer, FilterSet } from "../compile/filter_set.ts";
import { compileSeccomp } from "../compile/seccomp.ts";
import { disassemble } from "../compile/seccomp_asm.ts";
import { exportOciProfile, formatOciProfile } from "../compile/oci.ts";
import { UsageError } from "./command.ts";

function onlyLayer(set: FilterSet, format: string): FilterLayer {
  if (set.layers.length !== 1) {
    throw new UsageError(
      `--emit ${format} makes one filter per policy, and ${set.layers.length} policies were ` +
        `given: compile them one at a time (each is installed as its own filter)`,
    );
  }
  return set.layers[0]!;
}

/**
 * The seccomp and OCI emitters, by `--emit` name.
 *
 * @example
 * ```ts
 * import { SECCOMP_EMITTERS } from "./seccomp_emitters.ts";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const allow = { action: "allow", ruleId: null, policy: "p", loc } as const;
 * const set = {
 *   version: 1,
 *   layers: [{
 *     policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, loc,
 *     arches: [{ arch: "x86_64", syscalls: [], unknown: allow }],
 *   }],
 * } as const;
 * const bytes = SECCOMP_EMITTERS["seccomp-bpf"]!.emit(set, { arches: ["x86_64"] });
 * if (!(bytes instanceof Uint8Array) || bytes.length % 8 !== 0) throw new Error("bpf expected");
 * ```
 */
export const SECCOMP_EMITTERS: Readonly<Record<string, Emitter>> = {
  "seccomp-bpf": {
    describe: "the seccomp filter: raw little-endian struct sock_filter array (one policy)",
    binary: true,
    emit: (set, { arches }) => compileSeccomp(onlyLayer(set, "seccomp-bpf"), arches).bytes(),
  },
  "seccomp-asm": {
    describe: "the seccomp filter disassembled, with rule ids and syscall names as comments",
    emit: (set, { arches }) =>
      set.layers.map((layer) => disassemble(compileSeccomp(layer, arches))).join("\n"),
  },
  oci: {
    describe: "an OCI seccomp profile (Docker/Podman/Kubernetes JSON; one policy)",
    emit: (set) =>
      formatOciProfile(
        exportOciProfile(onlyLayer(set, "oci"), {
          onWarning: (message) => console.error(`warning: ${message}`),
        }),
      ),
  },
};
