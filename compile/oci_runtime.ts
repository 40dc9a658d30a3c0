/**
 * The other shapes of an exported OCI profile ({@linkcode exportOciProfile}): the OCI runtime
 * spec's `linux.seccomp` object (what runc, crun and containerd read from `config.json`) and a
 * Security Profiles Operator `SeccompProfile` object (`security-profiles-operator.x-k8s.io/v1beta1`)
 * for Kubernetes.
 *
 * Both list architectures flatly (`architectures`) where moby's profile has an `archMap`. The SPO
 * object has no `defaultErrnoRet` (its runtime returns `EPERM` for an `SCMP_ACT_ERRNO` default)
 * and keeps argument values as `int64` with a minimum of 0.
 *
 * @module
 */

// An inline versioned npm: specifier, so the package imports with no config (docs/package.md).
// deno-lint-ignore no-import-prefix
import { stringify } from "npm:yaml@2.9.1";
import { exactJson, type OciProfile, type OciProfileSyscall } from "./oci_export.ts";
import { OciProfileError } from "./oci_import.ts";

/** The OCI runtime spec's `linux.seccomp` object. */
export interface OciRuntimeSeccomp {
  /** `SCMP_ACT_*` for calls no entry matches. */
  defaultAction: string;
  /** The errno of an `SCMP_ACT_ERRNO` default. */
  defaultErrnoRet?: number;
  /** `SCMP_ARCH_*`: the native architecture first, then the others the filter admits. */
  architectures: string[];
  /** The entries. */
  syscalls: OciProfileSyscall[];
}

/** A Security Profiles Operator `SeccompProfile` object. */
export interface SeccompProfileObject {
  /** `security-profiles-operator.x-k8s.io/v1beta1`. */
  apiVersion: "security-profiles-operator.x-k8s.io/v1beta1";
  /** `SeccompProfile`. */
  kind: "SeccompProfile";
  /** The object's name (a DNS-1123 subdomain) and annotations. */
  metadata: { name: string; annotations?: Record<string, string> };
  /** The profile. */
  spec: {
    defaultAction: string;
    architectures: string[];
    syscalls: OciProfileSyscall[];
  };
}

/** What {@linkcode seccompProfileObject} needs besides the profile. */
export interface SeccompProfileOptions {
  /** The object's name; made a DNS-1123 subdomain (lower case, `-` for other characters). */
  readonly name: string;
  /** Annotations (`cordon.dev/source`, a description). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Called with what the SPO form changes (the default errno). */
  readonly onWarning?: (message: string) => void;
}

const EPERM = 1;
/** SPO's `int64` argument values (with a minimum of 0). */
const INT64_MAX = (1n << 63n) - 1n;

function architectures(profile: OciProfile): string[] {
  return profile.archMap.flatMap((a) => [a.architecture, ...a.subArchitectures]);
}

/**
 * The runtime spec's `linux.seccomp` form of an exported profile.
 *
 * @param profile The profile, from {@linkcode exportOciProfile}.
 * @returns The `linux.seccomp` object; {@linkcode formatOciRuntimeSeccomp} writes it as JSON.
 *
 * @example
 * ```ts
 * import { ociRuntimeSeccomp } from "@cordon/cordon";
 * const seccomp = ociRuntimeSeccomp({
 *   defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
 *   archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86"] }],
 *   syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW" }],
 * });
 * if (seccomp.architectures.join() !== "SCMP_ARCH_X86_64,SCMP_ARCH_X86") throw new Error();
 * ```
 */
export function ociRuntimeSeccomp(profile: OciProfile): OciRuntimeSeccomp {
  const out: OciRuntimeSeccomp = {
    defaultAction: profile.defaultAction,
    architectures: architectures(profile),
    syscalls: profile.syscalls,
  };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  return { ...out };
}

/**
 * The runtime spec form as JSON text (64-bit values exact), to set as `linux.seccomp` in a
 * bundle's `config.json`.
 *
 * @param profile The profile, from {@linkcode exportOciProfile}.
 * @returns The JSON text, ending in a newline.
 *
 * @example
 * ```ts
 * import { formatOciRuntimeSeccomp } from "@cordon/cordon";
 * const text = formatOciRuntimeSeccomp({
 *   defaultAction: "SCMP_ACT_ALLOW", archMap: [], syscalls: [],
 * });
 * if (JSON.parse(text).architectures.length !== 0) throw new Error(text);
 * ```
 */
export function formatOciRuntimeSeccomp(profile: OciProfile): string {
  return exactJson(ociRuntimeSeccomp(profile));
}

/** A DNS-1123 subdomain made of `name`. */
function objectName(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(
    /^[^a-z0-9]+|[^a-z0-9]+$/g,
    "",
  );
  return (clean === "" ? "cordon-profile" : clean).slice(0, 253).replace(/[^a-z0-9]+$/, "");
}

/**
 * The Security Profiles Operator `SeccompProfile` object of an exported profile.
 *
 * @param profile The profile, from {@linkcode exportOciProfile}.
 * @param options The object's name and annotations.
 * @returns The object; serialise with {@linkcode formatSeccompProfileObject}.
 * @throws {OciProfileError} With code `"unsupported"` for an argument value beyond SPO's `int64`.
 *
 * @example
 * ```ts
 * import { seccompProfileObject } from "@cordon/cordon";
 * const object = seccompProfileObject({
 *   defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
 *   archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: [] }],
 *   syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW" }],
 * }, { name: "Web_Server" });
 * if (object.metadata.name !== "web-server" || object.kind !== "SeccompProfile") throw new Error();
 * ```
 */
export function seccompProfileObject(
  profile: OciProfile,
  options: SeccompProfileOptions,
): SeccompProfileObject {
  if (
    profile.defaultAction === "SCMP_ACT_ERRNO" && profile.defaultErrnoRet !== undefined &&
    profile.defaultErrnoRet !== EPERM
  ) {
    options.onWarning?.(
      `a SeccompProfile has no defaultErrnoRet: calls the default action decides get EPERM ` +
        `instead of errno ${profile.defaultErrnoRet} (as strict, another errno)`,
    );
  }
  for (const entry of profile.syscalls) {
    for (const arg of entry.args ?? []) {
      for (const v of [arg.value, arg.valueTwo]) {
        if (v !== undefined && BigInt(v) > INT64_MAX) {
          throw new OciProfileError(
            "unsupported",
            `${entry.names[0]}: argument ${arg.index} is compared with ${v}, beyond the int64 ` +
              `values a SeccompProfile holds; use --emit oci-runtime or oci`,
          );
        }
      }
    }
  }
  const metadata: SeccompProfileObject["metadata"] = { name: objectName(options.name) };
  if (options.annotations !== undefined && Object.keys(options.annotations).length > 0) {
    metadata.annotations = { ...options.annotations };
  }
  return {
    apiVersion: "security-profiles-operator.x-k8s.io/v1beta1",
    kind: "SeccompProfile",
    metadata,
    spec: {
      defaultAction: profile.defaultAction,
      architectures: architectures(profile),
      syscalls: profile.syscalls,
    },
  };
}

/**
 * Serialises a `SeccompProfile` object as YAML (for `kubectl apply -f`) or JSON, with argument
 * values as plain integers.
 *
 * @param object The object.
 * @param format `yaml` (default) or `json`.
 * @returns The text, ending in a newline.
 *
 * @example
 * ```ts
 * import { formatSeccompProfileObject, seccompProfileObject } from "@cordon/cordon";
 * const object = seccompProfileObject(
 *   { defaultAction: "SCMP_ACT_LOG", archMap: [], syscalls: [] },
 *   { name: "p" },
 * );
 * if (!formatSeccompProfileObject(object).startsWith("apiVersion: security-profiles-operator")) {
 *   throw new Error();
 * }
 * ```
 */
export function formatSeccompProfileObject(
  object: SeccompProfileObject,
  format: "yaml" | "json" = "yaml",
): string {
  if (format === "json") return exactJson(object);
  return stringify(object, { lineWidth: 0 });
}
