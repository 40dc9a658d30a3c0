/**
 * Import of OCI seccomp profiles (the JSON Docker, Podman, containerd and Kubernetes use) as an
 * equivalent Cordon policy, following the semantics of the tools that apply them:
 *
 * - **moby** (`profiles/seccomp`): `archMap` picks the host architecture and its
 *   sub-architectures; `includes`/`excludes` by `arches` (Go names: `amd64`, `arm64`, `386`),
 *   `caps` and `minKernel` keep or drop each entry; `defaultErrnoRet` and `errnoRet`.
 * - **runc** (which loads the result into libseccomp): an entry whose action equals the default
 *   action is ignored; `SCMP_ACT_ERRNO` without `errnoRet` is `EPERM`; several conditions on
 *   the same argument become separate rules (OR), otherwise conditions are ANDed; names the
 *   library does not know are skipped.
 * - **libseccomp**: several conditional entries for one syscall are ORed; an unconditional rule
 *   for a syscall replaces its conditional ones, and the first unconditional rule for a syscall
 *   wins over later ones.
 *
 * @module
 */

import type { Arch, SourceLocation } from "../policies/types.ts";
import { isKnownSyscall } from "../policies/syscalls.ts";
import {
  canonicalCapability,
  capabilityNames,
  capabilityNumber,
  errnoName,
  errnoNumber,
} from "../policies/constants.ts";
import { closestMatch } from "../policies/closest_match.ts";
import { JsonSyntaxError, type LocatedJson, parseLocatedJson } from "./json_locations.ts";
import { parseLocatedYaml } from "./yaml_locations.ts";
import type { ArgTest } from "./filter_set.ts";
import { BoxBudget, conjunction, intersectSets, RegionTooLargeError } from "./oci_regions.ts";
import { formatLocation } from "../policies/types.ts";

/** Docker's default capability set (what `docker run` grants without `--cap-add`). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** `SCMP_ARCH_*` names of the architectures Cordon supports. */
export const SCMP_ARCH_NAMES: Readonly<Record<Arch, string>> = {
  x86_64: "SCMP_ARCH_X86_64",
  i386: "SCMP_ARCH_X86",
  x32: "SCMP_ARCH_X32",
  aarch64: "SCMP_ARCH_AARCH64",
};

/** Go's `GOARCH` of a host architecture, as moby's `includes.arches` name it. */
const GO_ARCH: Readonly<Partial<Record<Arch, string>>> = {
  x86_64: "amd64",
  i386: "386",
  aarch64: "arm64",
};

/** An OCI profile that cannot be read or imported. */
export class OciProfileError extends Error {
  /** Stable error code: `"invalid-profile"` (malformed) or `"unsupported"` (cannot be expressed). */
  readonly code: "invalid-profile" | "unsupported";
  /** The offending key's path in the profile (`syscalls[3].action`; `""`: the whole profile). */
  readonly path?: string;
  /** Where it is written, for a profile read by {@linkcode parseOciProfile}. */
  readonly loc?: SourceLocation;

  /**
   * Creates the error. The message is `FILE:LINE:COL: PATH: message` (each part when known).
   *
   * @param code Stable error code.
   * @param message What is wrong.
   * @param where The offending key's path and location.
   */
  constructor(
    code: "invalid-profile" | "unsupported",
    message: string,
    where: { readonly path?: string | undefined; readonly loc?: SourceLocation | undefined } = {},
  ) {
    const at = where.loc === undefined ? "" : `${formatLocation(where.loc)}: `;
    const label = where.path === undefined ? "" : `${where.path === "" ? "profile" : where.path}: `;
    super(`${at}${label}${message}`);
    this.name = "OciProfileError";
    this.code = code;
    if (where.path !== undefined) this.path = where.path;
    if (where.loc !== undefined) this.loc = where.loc;
  }
}

/** Options of {@linkcode importOciProfile} and {@linkcode resolveOciProfile}. */
export interface OciImportOptions {
  /** The container's capabilities (bounding set). Default {@linkcode DOCKER_DEFAULT_CAPS}. */
  readonly caps?: readonly string[];
  /** The host architecture (`x86_64`, `i386` or `aarch64`). Default `x86_64`. */
  readonly arch?: Arch;
  /** The host kernel as `X.Y` for `minKernel` conditions. Default: newer than any condition. */
  readonly minKernel?: string;
  /** The policy's `metadata.name`. Default `oci-profile`. */
  readonly name?: string;
  /** Where the profile came from, for the provenance comments (e.g. its file name). */
  readonly source?: string;
}

/** One argument condition of an OCI entry. */
export interface OciArg {
  /** The argument, 0-5. */
  readonly index: number;
  /** The compared value (for `SCMP_CMP_MASKED_EQ`, the mask). */
  readonly value: bigint;
  /** For `SCMP_CMP_MASKED_EQ`, the value the masked argument must equal; else unused (0). */
  readonly valueTwo: bigint;
  /** `SCMP_CMP_*`. */
  readonly op: string;
}

/** One entry of a profile after moby's filtering. */
export interface OciEntry {
  /** Its index in the profile's `syscalls`. */
  readonly index: number;
  /** The syscall names. */
  readonly names: readonly string[];
  /** `SCMP_ACT_*`. */
  readonly action: string;
  /** The errno (or trace message) of the action. */
  readonly errnoRet?: number;
  /** Conditions; all must hold (several on one argument are ORed by runc). */
  readonly args: readonly OciArg[];
  /** The entry's comment. */
  readonly comment?: string;
}

/** A profile as moby hands it to the runtime: the host's architectures and the kept entries. */
export interface ResolvedOciProfile {
  /** `SCMP_ACT_*` for calls no entry matches. */
  readonly defaultAction: string;
  /** The errno of an `SCMP_ACT_ERRNO` default. */
  readonly defaultErrnoRet?: number;
  /** `SCMP_ARCH_*` names: the host's first, then its sub-architectures. */
  readonly architectures: readonly string[];
  /** The entries kept, in profile order. */
  readonly syscalls: readonly OciEntry[];
  /** Entries moby dropped, with the reason. */
  readonly dropped: readonly { readonly index: number; readonly reason: string }[];
}

/** The result of {@linkcode importOciProfile}. */
export interface OciImport {
  /** The policy, YAML, with comments that tie each rule to the profile entry it came from. */
  readonly yaml: string;
  /** What could not be carried over exactly, or was dropped (unknown names, unsupported arches). */
  readonly warnings: string[];
  /** The Cordon architectures the profile admits on this host: compile the policy for these. */
  readonly arches: Arch[];
}

const ACTIONS: Readonly<Record<string, string>> = {
  SCMP_ACT_ALLOW: "allow",
  SCMP_ACT_ERRNO: "deny",
  SCMP_ACT_KILL: "kill_thread",
  SCMP_ACT_KILL_THREAD: "kill_thread",
  SCMP_ACT_KILL_PROCESS: "kill",
  SCMP_ACT_TRAP: "trap",
  SCMP_ACT_TRACE: "trace",
  SCMP_ACT_LOG: "log",
  SCMP_ACT_NOTIFY: "notify",
};

const OPS: Readonly<Record<string, string>> = {
  SCMP_CMP_EQ: "eq",
  SCMP_CMP_NE: "ne",
  SCMP_CMP_LT: "lt",
  SCMP_CMP_LE: "le",
  SCMP_CMP_GT: "gt",
  SCMP_CMP_GE: "ge",
  SCMP_CMP_MASKED_EQ: "masked_eq",
};

const EPERM = 1;
const U64_MAX = (1n << 64n) - 1n;

/** Every `SCMP_ARCH_*` name libseccomp and the OCI runtime spec know. */
const KNOWN_SCMP_ARCHES: readonly string[] = [
  "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
  "SCMP_ARCH_X32",
  "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",
  "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_RISCV64",
  "SCMP_ARCH_SH",
  "SCMP_ARCH_SHEB",
];

/**
 * Architecture names of moby's `includes`/`excludes.arches`: Go's `GOARCH` values (what moby
 * compares with) and the libseccomp short names its profiles also list (`x86`, `x32`, `s390`).
 */
const KNOWN_FILTER_ARCHES: readonly string[] = [
  "386",
  "amd64",
  "arm",
  "arm64",
  "loong64",
  "mips",
  "mipsle",
  "mips64",
  "mips64le",
  "ppc64",
  "ppc64le",
  "riscv64",
  "s390x",
  "x86",
  "x32",
  "loongarch64",
  "m68k",
  "mipsel",
  "mips64n32",
  "mipsel64",
  "mipsel64n32",
  "ppc",
  "s390",
  "parisc",
  "parisc64",
  "sh",
  "sheb",
];

/** `flags` of the OCI runtime spec (`seccomp(2)` filter flags). */
const KNOWN_FLAGS: readonly string[] = [
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
];

/** The keys of each object of a profile: the OCI runtime spec's, moby's and Podman's. */
const KEYS = {
  profile: [
    "defaultAction",
    "defaultErrnoRet",
    "defaultErrno",
    "architectures",
    "archMap",
    "syscalls",
    "flags",
    "listenerPath",
    "listenerMetadata",
  ],
  archMap: ["architecture", "subArchitectures"],
  syscall: [
    "names",
    "name",
    "action",
    "errnoRet",
    "errno",
    "args",
    "comment",
    "includes",
    "excludes",
  ],
  arg: ["index", "value", "valueTwo", "op"],
  filter: ["caps", "arches", "minKernel"],
} as const;

/** Where the value (or key) at a path of a profile is written, when it was parsed from text. */
type Locate = (path: string, part?: "key" | "value") => SourceLocation | undefined;

/** Throws an `invalid-profile` error about `path` (`""` is the whole profile). */
type Invalid = (path: string, message: string, part?: "key" | "value") => never;

/** Profiles parsed by {@linkcode parseOciProfile}, with the location of each of their values. */
const LOCATED = new WeakMap<object, LocatedJson>();

function locator(json: unknown): Locate {
  const located = typeof json === "object" && json !== null ? LOCATED.get(json) : undefined;
  return (path, part) => {
    if (located === undefined) return undefined;
    // A missing key: the object that lacks it.
    for (let p = path;; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, "")) {
      const loc = located.locate(p, p === path ? part : "value");
      if (loc !== undefined || p === "") return loc;
    }
  };
}

function invalidAt(locate: Locate): Invalid {
  return (path, message, part) => {
    throw new OciProfileError("invalid-profile", message, { path, loc: locate(path, part) });
  };
}

/**
 * Parses a profile, keeping 64-bit integers exact (numbers beyond 2^53 become bigints) and the
 * position of every key and value: the errors of {@linkcode resolveOciProfile} and
 * {@linkcode importOciProfile} about a profile parsed here name its `FILE:LINE:COL`. Reads every
 * form {@linkcode parseSeccompDocument} reads and returns the profile inside.
 *
 * @param text The JSON (or YAML) text.
 * @param file The file's name, for error locations (default `profile.json`).
 * @returns The profile.
 * @throws {OciProfileError} With code `"invalid-profile"` for malformed text or a key given twice.
 *
 * @example
 * ```ts
 * import { parseOciProfile } from "@cordon/cordon";
 * const p = parseOciProfile('{"v": 18446744073709551615}') as { v: bigint };
 * if (p.v !== 18446744073709551615n) throw new Error("precision lost");
 * ```
 */
export function parseOciProfile(text: string, file = "profile.json"): unknown {
  return parseSeccompDocument(text, file).profile;
}

/** Which shape a seccomp profile document had. */
export type SeccompDocumentForm =
  /** A profile as Docker, Podman and the runtime spec's `linux.seccomp` write it. */
  | "profile"
  /** A runtime bundle's `config.json`: its `linux.seccomp`. */
  | "runtime-config"
  /** A Security Profiles Operator `SeccompProfile` object (Kubernetes YAML or JSON): its `spec`. */
  | "seccomp-profile";

/** What {@linkcode parseSeccompDocument} found. */
export interface SeccompDocument {
  /** The profile (moby's shape), located: errors about it name `FILE:LINE:COL`. */
  readonly profile: unknown;
  /** The document's shape. */
  readonly form: SeccompDocumentForm;
  /** A `SeccompProfile` object's `metadata.name`. */
  readonly name?: string;
}

const SPO_GROUP = "security-profiles-operator.x-k8s.io/";

/** A located value seen from inside it: paths are relative to `prefix`. */
function within(located: LocatedJson, prefix: string, value: unknown): LocatedJson {
  return {
    value,
    locate: (path, part) =>
      located.locate(
        path === "" ? prefix : path.startsWith("[") ? prefix + path : `${prefix}.${path}`,
        part,
      ),
  };
}

/**
 * Parses a seccomp profile document in any of the forms Cordon reads: a profile (Docker, Podman,
 * the runtime spec's `linux.seccomp`, as `cordon compile --emit oci|oci-runtime` write), a
 * runtime bundle's `config.json`, or a Security Profiles Operator `SeccompProfile` object as
 * `cordon compile --emit seccomp-profile` and Kubernetes manifests write it (YAML or JSON; in a
 * stream of several documents or a `List`, the one `SeccompProfile`).
 *
 * @param text The document: JSON (strict) when it starts with `{` or `[` (or is empty), else YAML.
 * @param file The file's name, for error locations.
 * @returns The profile inside, its form, and an object's name.
 * @throws {OciProfileError} With code `"invalid-profile"` for malformed text, no profile, or
 *   several `SeccompProfile` objects; `"unsupported"` for an SPO `baseProfileName` (which only
 *   the operator can resolve).
 *
 * @example
 * ```ts
 * import { parseSeccompDocument } from "@cordon/cordon";
 * const doc = parseSeccompDocument([
 *   "apiVersion: security-profiles-operator.x-k8s.io/v1beta1",
 *   "kind: SeccompProfile",
 *   "metadata: { name: web }",
 *   "spec: { defaultAction: SCMP_ACT_ERRNO, syscalls: [{ names: [read], action: SCMP_ACT_ALLOW }] }",
 * ].join("\n"), "web.yaml");
 * if (doc.form !== "seccomp-profile" || doc.name !== "web") throw new Error();
 * ```
 */
export function parseSeccompDocument(text: string, file = "profile.json"): SeccompDocument {
  let docs: LocatedJson[];
  try {
    docs = /^\s*([{[]|$)/.test(text)
      ? [parseLocatedJson(text, file)]
      : parseLocatedYaml(text, file);
  } catch (cause) {
    if (!(cause instanceof JsonSyntaxError)) throw cause;
    const loc = { file: cause.file, line: cause.line, column: cause.column };
    const message = cause.message.slice(`${file}:${cause.line}:${cause.column}: `.length);
    throw new OciProfileError("invalid-profile", `the profile is ${message}`, { loc });
  }
  const first = docs[0];
  if (first === undefined) {
    throw new OciProfileError("invalid-profile", "the profile is empty", {
      loc: { file, line: 1, column: 1 },
    });
  }
  // Kubernetes objects: every SeccompProfile among the documents and List items
  const objects: { located: LocatedJson; prefix: string; value: Record<string, unknown> }[] = [];
  let kubernetes = false;
  for (const doc of docs) {
    const value = doc.value;
    if (!isObject(value) || typeof value.kind !== "string") continue;
    kubernetes = true;
    const items = value.kind === "List" && Array.isArray(value.items)
      ? value.items.map((item, i) => ({ item, prefix: `items[${i}]` }))
      : [{ item: value as unknown, prefix: "" }];
    for (const { item, prefix } of items) {
      if (isObject(item) && item.kind === "SeccompProfile") {
        objects.push({ located: doc, prefix, value: item });
      }
    }
  }
  if (kubernetes) {
    if (objects.length !== 1) {
      const names = objects.map((o) => isObject(o.value.metadata) ? o.value.metadata.name : "?");
      throw new OciProfileError(
        "invalid-profile",
        objects.length === 0
          ? "holds no SeccompProfile object (kind: SeccompProfile)"
          : `holds ${objects.length} SeccompProfile objects (${
            names.join(", ")
          }): import one at a time`,
        { path: "", loc: { file, line: 1, column: 1 } },
      );
    }
    const { located, prefix, value } = objects[0]!;
    const at = (key: string) => prefix === "" ? key : `${prefix}.${key}`;
    const invalid = (key: string, message: string): never => {
      throw new OciProfileError("invalid-profile", message, {
        path: at(key),
        loc: located.locate(at(key)),
      });
    };
    if (typeof value.apiVersion !== "string" || !value.apiVersion.startsWith(SPO_GROUP)) {
      invalid("apiVersion", `a SeccompProfile's apiVersion must be ${SPO_GROUP}v1beta1`);
    }
    const spec = value.spec;
    if (!isObject(spec)) invalid("spec", "must be an object (the profile)");
    const { baseProfileName, disabled: _disabled, ...profile } = spec as Record<string, unknown>;
    if (baseProfileName !== undefined) {
      throw new OciProfileError(
        "unsupported",
        `baseProfileName "${baseProfileName}" is resolved by the operator in the cluster: ` +
          `import the base profile and this one separately (a policy can extend both)`,
        { path: at("spec.baseProfileName"), loc: located.locate(at("spec.baseProfileName")) },
      );
    }
    LOCATED.set(profile, within(located, at("spec"), profile));
    const metadata = value.metadata;
    const name = isObject(metadata) && typeof metadata.name === "string"
      ? metadata.name
      : undefined;
    return name === undefined
      ? { profile, form: "seccomp-profile" }
      : { profile, form: "seccomp-profile", name };
  }
  if (docs.length > 1) {
    throw new OciProfileError(
      "invalid-profile",
      `holds ${docs.length} YAML documents, not one profile`,
      {
        path: "",
        loc: { file, line: 1, column: 1 },
      },
    );
  }
  const value = first.value;
  if (isObject(value) && (Object.hasOwn(value, "ociVersion") || Object.hasOwn(value, "linux"))) {
    const linux = value.linux;
    const seccomp = isObject(linux) ? linux.seccomp : undefined;
    if (!isObject(seccomp)) {
      throw new OciProfileError("invalid-profile", "a runtime config.json without linux.seccomp", {
        path: "linux.seccomp",
        loc: first.locate(isObject(linux) ? "linux" : ""),
      });
    }
    LOCATED.set(seccomp, within(first, "linux.seccomp", seccomp));
    return { profile: seccomp, form: "runtime-config" };
  }
  if (typeof value === "object" && value !== null) LOCATED.set(value, first);
  return { profile: value, form: "profile" };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
}

/** `; did you mean "X"?` for a candidate that differs in case only or is close, else `""`. */
function suggestion(word: string, candidates: readonly string[]): string {
  const best = candidates.find((c) => c.toLowerCase() === word.toLowerCase()) ??
    closestMatch(word, candidates);
  return best === undefined ? "" : `; did you mean "${best}"?`;
}

/** Refuses keys of `object` that the format does not have (a misspelt key must not be ignored). */
function knownKeys(
  object: Record<string, unknown>,
  path: string,
  keys: readonly string[],
  invalid: Invalid,
): void {
  for (const key of Object.keys(object)) {
    if (keys.includes(key)) continue;
    invalid(
      child(path, key),
      `unknown key "${key}"${suggestion(key, keys)} (expected ${keys.join(", ")})`,
      "key",
    );
  }
}

function stringList(value: unknown, path: string, invalid: Invalid): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid(path, "must be a list of strings");
  value.forEach((v, i) => {
    if (typeof v !== "string") invalid(child(path, i), "must be a string");
  });
  return value as string[];
}

/** A list of names, each one of `known`. */
function nameList(
  value: unknown,
  path: string,
  known: readonly string[],
  what: string,
  invalid: Invalid,
): string[] {
  const names = stringList(value, path, invalid);
  names.forEach((name, i) => {
    if (!known.includes(name)) {
      invalid(child(path, i), `unknown ${what} "${name}"${suggestion(name, known)}`);
    }
  });
  return names;
}

function capabilityList(value: unknown, path: string, invalid: Invalid): string[] {
  const names = stringList(value, path, invalid);
  names.forEach((name, i) => {
    if (capabilityNumber(name) !== undefined) return;
    const canonical = canonicalCapability(name);
    const hint = canonical !== undefined
      ? `; did you mean "${canonical}"?`
      : suggestion(name, capabilityNames());
    invalid(child(path, i), `unknown capability "${name}"${hint}`);
  });
  return names;
}

function u64(value: unknown, path: string, invalid: Invalid): bigint {
  if (typeof value === "bigint" && value >= 0n && value <= U64_MAX) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return invalid(path, `must be an unsigned 64-bit integer, not ${JSON.stringify(String(value))}`);
}

function errnoValue(value: unknown, path: string, invalid: Invalid): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    invalid(path, `must be an errno number, not ${JSON.stringify(String(value))}`);
  }
  return value;
}

/** An errno given both as a number (`errnoRet`) and by name (Podman's `errno`): they must agree. */
function errnoOf(
  object: Record<string, unknown>,
  numberKey: string,
  nameKey: string,
  path: string,
  invalid: Invalid,
): number | undefined {
  const n = errnoValue(object[numberKey], child(path, numberKey), invalid);
  const name = object[nameKey];
  if (name === undefined || name === null) return n;
  if (typeof name !== "string") invalid(child(path, nameKey), "must be an errno name");
  const named = errnoNumber(name);
  if (named === undefined) invalid(child(path, nameKey), `unknown errno "${name}"`);
  if (n !== undefined && n !== named) {
    invalid(child(path, nameKey), `"${name}" (${named}) disagrees with ${numberKey} ${n}`);
  }
  return named;
}

function parseKernel(text: string, path: string, invalid: Invalid): number[] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (match === null) invalid(path, `must be a kernel version X.Y, not "${text}"`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function kernelAtLeast(kernel: number[] | undefined, min: number[]): boolean {
  if (kernel === undefined) return true;
  for (let i = 0; i < 3; i++) {
    if (kernel[i]! !== min[i]!) return kernel[i]! > min[i]!;
  }
  return true;
}

function optionalString(value: unknown, path: string, invalid: Invalid): void {
  if (value !== undefined && value !== null && typeof value !== "string") {
    invalid(path, "must be a string");
  }
}

/**
 * Applies moby's rules to a profile for one host: picks the architectures from `archMap` (or
 * `architectures`), and keeps the entries whose `includes` hold and whose `excludes` do not.
 * Unknown keys, actions, operators, architectures, capabilities, flags and errno names are
 * refused (a misspelt key must not silently change what the profile means); for a profile read
 * by {@linkcode parseOciProfile}, the error names its `FILE:LINE:COL`.
 *
 * @param json The parsed profile.
 * @param options Host architecture, capabilities and kernel.
 * @returns The entries moby would pass to the runtime, and those it dropped.
 * @throws {OciProfileError} For a malformed profile.
 * @throws {RangeError} For an unknown capability in `options.caps`.
 *
 * @example
 * ```ts
 * import { resolveOciProfile } from "@cordon/cordon";
 * const profile = {
 *   defaultAction: "SCMP_ACT_ERRNO",
 *   syscalls: [
 *     { names: ["read"], action: "SCMP_ACT_ALLOW" },
 *     { names: ["reboot"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_BOOT"] } },
 *   ],
 * };
 * const resolved = resolveOciProfile(profile, { caps: [] });
 * if (resolved.syscalls.length !== 1 || resolved.dropped[0]?.index !== 1) throw new Error();
 * ```
 */
export function resolveOciProfile(
  json: unknown,
  options: OciImportOptions = {},
): ResolvedOciProfile {
  const invalid: Invalid = invalidAt(locator(json));
  if (!isObject(json)) invalid("", "must be a JSON object");
  const host = options.arch ?? "x86_64";
  const goArch = GO_ARCH[host];
  if (goArch === undefined) {
    throw new OciProfileError(
      "unsupported",
      `"${host}" is not a host architecture (x32 is a sub-architecture of x86_64); import with x86_64`,
    );
  }
  for (const cap of options.caps ?? []) {
    if (capabilityNumber(cap) === undefined) {
      throw new RangeError(
        `Unknown capability "${cap}" in caps${suggestion(cap, capabilityNames())}`,
      );
    }
  }
  const caps = new Set(options.caps ?? DOCKER_DEFAULT_CAPS);
  const kernel = options.minKernel === undefined ? undefined : parseKernel(
    options.minKernel,
    "minKernel option",
    (_path, message) => {
      throw new RangeError(`minKernel option: ${message}`);
    },
  );

  knownKeys(json, "", KEYS.profile, invalid);
  if (typeof json.defaultAction !== "string" || !(json.defaultAction in ACTIONS)) {
    invalid(
      "defaultAction",
      typeof json.defaultAction === "string"
        ? `unknown action "${json.defaultAction}"${
          suggestion(json.defaultAction, Object.keys(ACTIONS))
        }`
        : `must be one of ${Object.keys(ACTIONS).join(", ")}`,
    );
  }
  nameList(json.flags, "flags", KNOWN_FLAGS, "flag", invalid);
  optionalString(json.listenerPath, "listenerPath", invalid);
  optionalString(json.listenerMetadata, "listenerMetadata", invalid);
  const legacy = nameList(
    json.architectures,
    "architectures",
    KNOWN_SCMP_ARCHES,
    "architecture",
    invalid,
  );
  const archMap = json.archMap ?? [];
  if (!Array.isArray(archMap)) invalid("archMap", "must be a list");
  if (legacy.length > 0 && archMap.length > 0) {
    invalid("", "'architectures' and 'archMap' were both given; use one");
  }
  const architectures = [...legacy];
  archMap.forEach((entry: unknown, i: number) => {
    const at = `archMap[${i}]`;
    if (!isObject(entry)) invalid(at, "must be an object");
    knownKeys(entry, at, KEYS.archMap, invalid);
    if (typeof entry.architecture !== "string") invalid(`${at}.architecture`, "must be given");
    if (!KNOWN_SCMP_ARCHES.includes(entry.architecture)) {
      invalid(
        `${at}.architecture`,
        `unknown architecture "${entry.architecture}"${
          suggestion(entry.architecture, KNOWN_SCMP_ARCHES)
        }`,
      );
    }
    const subs = nameList(
      entry.subArchitectures,
      `${at}.subArchitectures`,
      KNOWN_SCMP_ARCHES,
      "architecture",
      invalid,
    );
    if (entry.architecture === SCMP_ARCH_NAMES[host]) {
      architectures.push(entry.architecture, ...subs);
    }
  });

  const syscalls: OciEntry[] = [];
  const dropped: { index: number; reason: string }[] = [];
  const list = json.syscalls ?? [];
  if (!Array.isArray(list)) invalid("syscalls", "must be a list");
  list.forEach((raw: unknown, index: number) => {
    const path = `syscalls[${index}]`;
    if (!isObject(raw)) invalid(path, "must be an object");
    knownKeys(raw, path, KEYS.syscall, invalid);
    const names = stringList(raw.names, `${path}.names`, invalid);
    if (raw.name !== undefined && raw.name !== null) {
      if (typeof raw.name !== "string") invalid(`${path}.name`, "must be a string");
      if (names.length > 0) invalid(path, "'name' and 'names' were both given; use one");
      names.push(raw.name);
    }
    if (typeof raw.action !== "string" || !(raw.action in ACTIONS)) {
      invalid(
        `${path}.action`,
        typeof raw.action === "string"
          ? `unknown action "${raw.action}"${suggestion(raw.action, Object.keys(ACTIONS))}`
          : `must be one of ${Object.keys(ACTIONS).join(", ")}`,
      );
    }
    optionalString(raw.comment, `${path}.comment`, invalid);
    const args = (raw.args ?? []) as unknown;
    if (!Array.isArray(args)) invalid(`${path}.args`, "must be a list");
    const parsedArgs = args.map((arg: unknown, j: number): OciArg => {
      const at = `${path}.args[${j}]`;
      if (!isObject(arg)) invalid(at, "must be an object");
      knownKeys(arg, at, KEYS.arg, invalid);
      if (
        typeof arg.index !== "number" || !Number.isInteger(arg.index) || arg.index < 0 ||
        arg.index > 5
      ) {
        invalid(`${at}.index`, "must be 0-5");
      }
      if (typeof arg.op !== "string" || !(arg.op in OPS)) {
        invalid(
          `${at}.op`,
          typeof arg.op === "string"
            ? `unknown operator "${arg.op}"${suggestion(arg.op, Object.keys(OPS))}`
            : `must be one of ${Object.keys(OPS).join(", ")}`,
        );
      }
      return {
        index: arg.index,
        op: arg.op,
        value: u64(arg.value, `${at}.value`, invalid),
        valueTwo: arg.valueTwo === undefined || arg.valueTwo === null
          ? 0n
          : u64(arg.valueTwo, `${at}.valueTwo`, invalid),
      };
    });
    const errnoRet = errnoOf(raw, "errnoRet", "errno", path, invalid);

    const reason = filterReason(raw, path, goArch, caps, kernel, invalid);
    if (reason !== null) {
      dropped.push({ index, reason });
      return;
    }
    const entry: { -readonly [K in keyof OciEntry]: OciEntry[K] } = {
      index,
      names,
      action: raw.action,
      args: parsedArgs,
    };
    if (errnoRet !== undefined) entry.errnoRet = errnoRet;
    if (typeof raw.comment === "string" && raw.comment !== "") entry.comment = raw.comment;
    syscalls.push(entry);
  });

  const resolved: { -readonly [K in keyof ResolvedOciProfile]: ResolvedOciProfile[K] } = {
    defaultAction: json.defaultAction,
    architectures: architectures.length > 0 ? architectures : [SCMP_ARCH_NAMES[host]],
    syscalls,
    dropped,
  };
  const defaultErrnoRet = errnoOf(json, "defaultErrnoRet", "defaultErrno", "", invalid);
  if (defaultErrnoRet !== undefined) resolved.defaultErrnoRet = defaultErrnoRet;
  return resolved;
}

/** moby's `includes`/`excludes` test: `null` to keep the entry, else why it is dropped. */
function filterReason(
  raw: Record<string, unknown>,
  path: string,
  goArch: string,
  caps: ReadonlySet<string>,
  kernel: number[] | undefined,
  invalid: Invalid,
): string | null {
  const excludes = raw.excludes ?? {};
  const includes = raw.includes ?? {};
  if (!isObject(excludes)) invalid(`${path}.excludes`, "must be an object");
  if (!isObject(includes)) invalid(`${path}.includes`, "must be an object");
  knownKeys(excludes, `${path}.excludes`, KEYS.filter, invalid);
  knownKeys(includes, `${path}.includes`, KEYS.filter, invalid);
  const arches = (filter: Record<string, unknown>, at: string) =>
    nameList(filter.arches, `${at}.arches`, KNOWN_FILTER_ARCHES, "architecture", invalid);
  const exArches = arches(excludes, `${path}.excludes`);
  const exCaps = capabilityList(excludes.caps, `${path}.excludes.caps`, invalid);
  optionalString(excludes.minKernel, `${path}.excludes.minKernel`, invalid);
  const inArches = arches(includes, `${path}.includes`);
  const inCaps = capabilityList(includes.caps, `${path}.includes.caps`, invalid);
  optionalString(includes.minKernel, `${path}.includes.minKernel`, invalid);
  if (exArches.includes(goArch)) return `excludes arch ${goArch}`;
  const exCap = exCaps.find((c) => caps.has(c));
  if (exCap !== undefined) return `excludes ${exCap}, which the container has`;
  if (typeof excludes.minKernel === "string") {
    const min = parseKernel(excludes.minKernel, `${path}.excludes.minKernel`, invalid);
    if (kernelAtLeast(kernel, min)) return `excludes kernels from ${excludes.minKernel}`;
  }
  if (inArches.length > 0 && !inArches.includes(goArch)) {
    return `only for ${inArches.join(", ")}`;
  }
  const inCap = inCaps.find((c) => !caps.has(c));
  if (inCap !== undefined) return `needs ${inCap}, which the container lacks`;
  if (typeof includes.minKernel === "string") {
    const min = parseKernel(includes.minKernel, `${path}.includes.minKernel`, invalid);
    if (!kernelAtLeast(kernel, min)) return `needs kernel ${includes.minKernel}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

interface Rendered {
  readonly id: string;
  readonly comment: string;
  names: string[];
  readonly action: string;
  readonly errno: number | undefined;
  readonly priority: number;
  readonly args: readonly OciArg[];
}

/** Whether two of the rules with different effects hold for a common argument vector. */
function overlapping(rules: readonly Rendered[]): boolean {
  const budget = new BoxBudget(100_000);
  const boxes = rules.map((r) =>
    conjunction(
      r.args.map((a): ArgTest => {
        const index = a.index as ArgTest["index"];
        return a.op === "SCMP_CMP_MASKED_EQ"
          ? { index, op: "masked_eq", mask: a.value, value: a.valueTwo }
          : { index, op: OPS[a.op] as ArgTest["op"], value: a.value };
      }),
      budget,
    )
  );
  try {
    for (let i = 0; i < rules.length; i++) {
      for (let j = i + 1; j < rules.length; j++) {
        const [a, b] = [rules[i]!, rules[j]!];
        if (effectKey(a.action, a.errno) === effectKey(b.action, b.errno)) continue;
        if (intersectSets(boxes[i]!, boxes[j]!, budget).length > 0) return true;
      }
    }
  } catch (error) {
    if (error instanceof RegionTooLargeError) return true;
    throw error;
  }
  return false;
}

function effectKey(action: string, errno: number | undefined): string {
  return `${action}/${errno ?? ""}`;
}

function errnoText(n: number): string {
  return errnoName(n) ?? String(n);
}

function valueText(value: bigint): string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? value.toString() : `"0x${value.toString(16)}"`;
}

function argText(arg: OciArg): string {
  const op = OPS[arg.op]!;
  if (op === "masked_eq") {
    return `{ index: ${arg.index}, op: masked_eq, mask: ${valueText(arg.value)}, value: ${
      valueText(arg.valueTwo)
    } }`;
  }
  return `{ index: ${arg.index}, op: ${op}, value: ${valueText(arg.value)} }`;
}

function flowList(items: readonly string[], indent: string, width = 100): string {
  const one = `[${items.join(", ")}]`;
  if (indent.length + 12 + one.length <= width) return one;
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? item : `${line}, ${item}`;
    if (indent.length + 2 + next.length + 1 > width && line !== "") {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line !== "") lines.push(line);
  return `[\n${lines.map((l) => `${indent}  ${l}`).join("\n")}\n${indent}]`;
}

function sanitizeName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return (cleaned || "oci-profile").slice(0, 128);
}

const ARCH_BY_SCMP: Readonly<Record<string, Arch>> = Object.fromEntries(
  Object.entries(SCMP_ARCH_NAMES).map(([arch, scmp]) => [scmp, arch as Arch]),
);

/**
 * Imports an OCI seccomp profile as an equivalent Cordon policy (YAML).
 *
 * Entries become rules with ids `oci-<index>` (the entry's position in `syscalls`); comments
 * name the entry, its comment and the conditions that kept it. Unconditional rules get priority
 * 1 and conditional ones priority 0, so that, as in libseccomp, an unconditional rule for a
 * syscall overrides its conditional ones. The result is for the architectures in `arches`.
 *
 * @param json The parsed profile (see {@linkcode parseOciProfile} for exact 64-bit values).
 * @param options Host architecture, capabilities, kernel, policy name.
 * @returns The YAML text, warnings, and the architectures to compile for.
 * @throws {OciProfileError} For a malformed profile or one Cordon cannot express.
 *
 * @example
 * ```ts
 * import { importOciProfile } from "@cordon/cordon";
 * const { yaml, arches } = importOciProfile({
 *   defaultAction: "SCMP_ACT_ERRNO",
 *   defaultErrnoRet: 1,
 *   syscalls: [{ names: ["read", "write"], action: "SCMP_ACT_ALLOW" }],
 * }, { name: "tiny" });
 * if (!yaml.includes("syscalls: [read, write]") || arches[0] !== "x86_64") throw new Error(yaml);
 * ```
 */
export function importOciProfile(json: unknown, options: OciImportOptions = {}): OciImport {
  const resolved = resolveOciProfile(json, options);
  const locate = locator(json);
  const unsupported = (path: string, message: string): never => {
    throw new OciProfileError("unsupported", message, { path, loc: locate(path) });
  };
  const warnings: string[] = [];
  const host = options.arch ?? "x86_64";
  const profile = json as Record<string, unknown>;
  for (const flag of (profile.flags ?? []) as string[]) {
    if (flag === "SECCOMP_FILTER_FLAG_TSYNC") continue; // Cordon installs every filter with it
    warnings.push(`flags: ${flag} is not carried over (Cordon installs filters with TSYNC only)`);
  }
  for (const key of ["listenerPath", "listenerMetadata"]) {
    if (typeof profile[key] === "string" && profile[key] !== "") {
      warnings.push(`${key} is not carried over: Cordon has no seccomp notify listener`);
    }
  }

  const arches: Arch[] = [];
  for (const scmp of resolved.architectures) {
    const arch = ARCH_BY_SCMP[scmp];
    if (arch === undefined) {
      warnings.push(`Architecture ${scmp} is not supported by Cordon: its calls will be killed`);
    } else if (!arches.includes(arch)) arches.push(arch);
  }
  if (!arches.includes(host)) arches.unshift(host);

  const defaultAction = ACTIONS[resolved.defaultAction]!;
  const defaultErrno = defaultAction === "deny" ? resolved.defaultErrnoRet ?? EPERM : undefined;
  if (defaultErrno === 0) {
    unsupported(
      "defaultErrnoRet",
      "0 makes denied calls look successful; Cordon does not allow errno 0",
    );
  }
  const defaultKey = effectKey(defaultAction, defaultErrno);

  const unknownNames = new Set<string>();
  const rules: Rendered[] = [];
  const unconditional = new Map<string, Rendered>();
  const conditional = new Map<string, Rendered[]>();
  for (const entry of resolved.syscalls) {
    const action = ACTIONS[entry.action]!;
    const errno = action === "deny" ? entry.errnoRet ?? EPERM : undefined;
    if (action === "deny" && errno === 0) {
      unsupported(
        `syscalls[${entry.index}].errnoRet`,
        "0 makes denied calls look successful; Cordon does not allow errno 0",
      );
    }
    if (action === "trace" && entry.errnoRet !== undefined) {
      warnings.push(
        `syscalls[${entry.index}]: the trace message ${entry.errnoRet} is not carried over (Cordon traces with 0)`,
      );
    }
    if (effectKey(action, errno) === defaultKey) continue; // runc ignores these
    const names = entry.names.filter((name) => {
      if (isKnownSyscall(name)) return true;
      unknownNames.add(name);
      return false;
    });
    const byIndex = new Map<number, number>();
    for (const arg of entry.args) byIndex.set(arg.index, (byIndex.get(arg.index) ?? 0) + 1);
    const split = [...byIndex.values()].some((count) => count > 1);
    const argSets = entry.args.length === 0
      ? [[]]
      : split
      ? entry.args.map((a) => [a])
      : [entry.args];
    argSets.forEach((args, j) => {
      const id = argSets.length === 1 ? `oci-${entry.index}` : `oci-${entry.index}-${j}`;
      const notes = [`syscalls[${entry.index}]: ${entry.action}`];
      if (entry.errnoRet !== undefined) notes.push(`errnoRet ${entry.errnoRet}`);
      if (split) notes.push(`condition ${j + 1} of ${argSets.length}, ORed as runc does`);
      if (entry.comment !== undefined) notes.push(entry.comment.replace(/\s+/g, " "));
      const rule: Rendered = {
        id,
        comment: notes.join("; "),
        names: [],
        action,
        errno,
        priority: args.length === 0 ? 1 : 0,
        args,
      };
      for (const name of names) {
        if (unconditional.has(name)) continue; // libseccomp: the first unconditional rule wins
        if (args.length === 0) {
          unconditional.set(name, rule);
          for (const earlier of conditional.get(name) ?? []) {
            earlier.names = earlier.names.filter((n) => n !== name);
          }
        } else {
          const list = conditional.get(name) ?? [];
          list.push(rule);
          conditional.set(name, list);
        }
        if (!rule.names.includes(name)) rule.names.push(name);
      }
      rules.push(rule);
    });
  }
  if (unknownNames.size > 0) {
    warnings.push(
      `Skipped syscalls no architecture knows: ${[...unknownNames].sort().join(", ")}`,
    );
  }
  for (const [name, list] of conditional) {
    const live = list.filter((r) => r.names.includes(name));
    if (new Set(live.map((r) => effectKey(r.action, r.errno))).size > 1 && overlapping(live)) {
      warnings.push(
        `${name}: conditional rules with different actions; where their conditions overlap ` +
          `Cordon applies the strictest, libseccomp the first in its decision tree`,
      );
    }
  }

  const name = sanitizeName(options.name ?? "oci-profile");
  const source = options.source ?? "an OCI seccomp profile";
  const caps = options.caps ?? DOCKER_DEFAULT_CAPS;
  const out: string[] = [
    `# Imported by \`cordon import oci\` from ${source}, with moby's semantics for:`,
    `#   host architecture ${host} (${GO_ARCH[host]}); architectures admitted: ${
      arches.join(", ")
    }`,
    `#   capabilities: ${caps.length > 0 ? caps.join(", ") : "(none)"}`,
    `#   kernel: ${options.minKernel ?? "newer than every minKernel condition"}`,
    `# Compile it for exactly these architectures: --arch ${arches.join(",")}`,
  ];
  for (const drop of resolved.dropped) {
    out.push(`# dropped syscalls[${drop.index}]: ${drop.reason}`);
  }
  out.push(
    "apiVersion: cordon/v1",
    "kind: Policy",
    "metadata:",
    `  name: ${name}`,
    `  description: ${JSON.stringify(`Imported from ${source}`)}`,
    "spec:",
    `  defaultAction: ${defaultAction}` +
      `  # ${resolved.defaultAction}`,
  );
  if (defaultErrno !== undefined) {
    out.push(`  defaultErrno: ${errnoText(defaultErrno)}  # defaultErrnoRet ${defaultErrno}`);
  }
  out.push("  mode: enforce");
  const kept = rules.filter((r) => r.names.length > 0);
  if (kept.length === 0) out.push("  rules: []");
  else out.push("  rules:");
  for (const rule of kept) {
    out.push(`    # ${rule.comment}`);
    out.push(`    - id: ${rule.id}`);
    out.push(`      syscalls: ${flowList(rule.names, "      ")}`);
    out.push(`      action: ${rule.action}`);
    if (rule.errno !== undefined) out.push(`      errno: ${errnoText(rule.errno)}`);
    out.push(`      priority: ${rule.priority}`);
    if (rule.args.length > 0) {
      out.push("      args:");
      for (const arg of rule.args) out.push(`        - ${argText(arg)}`);
    }
  }
  return { yaml: out.join("\n") + "\n", warnings, arches };
}
