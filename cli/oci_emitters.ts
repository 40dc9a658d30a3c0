/**
 * The `cordon compile --emit` formats for container runtimes and Kubernetes: `oci-runtime` (the
 * OCI runtime spec's `linux.seccomp` object, for a bundle's `config.json`) and `seccomp-profile`
 * (a Security Profiles Operator `SeccompProfile` object, YAML, or JSON with `-o FILE.json`).
 * Both are the OCI export of one policy (`compile/oci_export.ts`): exact, or where a condition
 * cannot be written, stricter, with a warning naming the rule's `FILE:LINE:COL`.
 *
 * @module
 */

import type { Emitter } from "./cmd_compile.ts";
import type { FilterLayer, FilterSet } from "../compile/filter_set.ts";
import { exportOciProfile } from "../compile/oci_export.ts";
import {
  formatOciRuntimeSeccomp,
  formatSeccompProfileObject,
  seccompProfileObject,
} from "../compile/oci_runtime.ts";
import { UsageError } from "./command.ts";

function onlyLayer(set: FilterSet, format: string): FilterLayer {
  if (set.layers.length !== 1) {
    throw new UsageError(
      `--emit ${format} makes one profile per policy, and ${set.layers.length} policies were ` +
        `given: compile them one at a time`,
    );
  }
  return set.layers[0]!;
}

const warn = (message: string) => console.error(`warning: ${message}`);

/**
 * The runtime and Kubernetes emitters, by `--emit` name.
 *
 * @example
 * ```ts
 * import { OCI_EMITTERS } from "./oci_emitters.ts";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const allow = { action: "allow", ruleId: null, policy: "p", loc } as const;
 * const set = {
 *   version: 1,
 *   layers: [{
 *     policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, loc,
 *     arches: [{ arch: "x86_64", syscalls: [], unknown: allow }],
 *   }],
 * } as const;
 * const text = OCI_EMITTERS["seccomp-profile"]!.emit(set, { arches: ["x86_64"] });
 * if (typeof text !== "string" || !text.includes("kind: SeccompProfile")) throw new Error();
 * ```
 */
export const OCI_EMITTERS: Readonly<Record<string, Emitter>> = {
  "oci-runtime": {
    describe: "the OCI runtime spec's linux.seccomp object (runc/crun config.json; one policy)",
    emit: (set) =>
      formatOciRuntimeSeccomp(exportOciProfile(onlyLayer(set, "oci-runtime"), { onWarning: warn })),
  },
  "seccomp-profile": {
    describe: "a Security Profiles Operator SeccompProfile (Kubernetes YAML; JSON with -o X.json)",
    emit: (set, { output }) => {
      const layer = onlyLayer(set, "seccomp-profile");
      const object = seccompProfileObject(exportOciProfile(layer, { onWarning: warn }), {
        name: layer.policy,
        annotations: {
          "cordon.dev/policy": layer.policy,
          "cordon.dev/source": layer.loc.file,
        },
        onWarning: warn,
      });
      return formatSeccompProfileObject(object, output?.endsWith(".json") ? "json" : "yaml");
    },
  },
};
