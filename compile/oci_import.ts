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

import type { Arch } from "../policies/types.ts";
import { isKnownSyscall } from "../policies/syscalls.ts";
import { errnoName } from "../policies/constants.ts";

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
  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param message What is wrong, naming the offending key.
   */
  constructor(code: "invalid-profile" | "unsupported", message: string) {
    super(message);
    this.name = "OciProfileError";
    this.code = code;
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

/**
 * Parses profile JSON keeping 64-bit integers exact (numbers beyond 2^53 become bigints).
 *
 * @param text The JSON text.
 * @returns The parsed value.
 * @throws {OciProfileError} With code `"invalid-profile"` for malformed JSON.
 *
 * @example
 * ```ts
 * import { parseOciProfile } from "./oci_import.ts";
 * const p = parseOciProfile('{"v": 18446744073709551615}') as { v: bigint };
 * if (p.v !== 18446744073709551615n) throw new Error("precision lost");
 * ```
 */
export function parseOciProfile(text: string): unknown {
  try {
    return JSON.parse(
      text,
      function (_key, value: unknown, context?: { source?: string }) {
        if (
          typeof value === "number" && !Number.isSafeInteger(value) &&
          context?.source !== undefined && /^-?\d+$/.test(context.source)
        ) return BigInt(context.source);
        return value;
      } as (key: string, value: unknown) => unknown,
    );
  } catch (cause) {
    throw new OciProfileError(
      "invalid-profile",
      `The profile is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(path: string, message: string): never {
  throw new OciProfileError("invalid-profile", `${path}: ${message}`);
}

function stringList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    invalid(path, "must be a list of strings");
  }
  return value as string[];
}

function u64(value: unknown, path: string): bigint {
  if (typeof value === "bigint" && value >= 0n && value <= U64_MAX) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return invalid(path, `must be an unsigned 64-bit integer, not ${JSON.stringify(String(value))}`);
}

function errnoValue(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    invalid(path, `must be an errno number, not ${JSON.stringify(value)}`);
  }
  return value;
}

function parseKernel(text: string, path: string): number[] {
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

/**
 * Applies moby's rules to a profile for one host: picks the architectures from `archMap` (or
 * `architectures`), and keeps the entries whose `includes` hold and whose `excludes` do not.
 *
 * @param json The parsed profile.
 * @param options Host architecture, capabilities and kernel.
 * @returns The entries moby would pass to the runtime, and those it dropped.
 * @throws {OciProfileError} For a malformed profile.
 *
 * @example
 * ```ts
 * import { resolveOciProfile } from "./oci_import.ts";
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
  if (!isObject(json)) invalid("profile", "must be a JSON object");
  const host = options.arch ?? "x86_64";
  const goArch = GO_ARCH[host];
  if (goArch === undefined) {
    throw new OciProfileError(
      "unsupported",
      `"${host}" is not a host architecture (x32 is a sub-architecture of x86_64); import with x86_64`,
    );
  }
  const caps = new Set(options.caps ?? DOCKER_DEFAULT_CAPS);
  const kernel = options.minKernel === undefined
    ? undefined
    : parseKernel(options.minKernel, "minKernel option");

  if (typeof json.defaultAction !== "string" || !(json.defaultAction in ACTIONS)) {
    invalid("defaultAction", `must be one of ${Object.keys(ACTIONS).join(", ")}`);
  }
  const legacy = stringList(json.architectures, "architectures");
  const archMap = json.archMap ?? [];
  if (!Array.isArray(archMap)) invalid("archMap", "must be a list");
  if (legacy.length > 0 && archMap.length > 0) {
    invalid("profile", "'architectures' and 'archMap' were both given; use one");
  }
  const architectures = [...legacy];
  archMap.forEach((entry: unknown, i: number) => {
    if (!isObject(entry) || typeof entry.architecture !== "string") {
      invalid(`archMap[${i}]`, "must have an architecture");
    }
    if (entry.architecture === SCMP_ARCH_NAMES[host]) {
      architectures.push(
        entry.architecture,
        ...stringList(entry.subArchitectures, `archMap[${i}].subArchitectures`),
      );
    }
  });

  const syscalls: OciEntry[] = [];
  const dropped: { index: number; reason: string }[] = [];
  const list = json.syscalls ?? [];
  if (!Array.isArray(list)) invalid("syscalls", "must be a list");
  list.forEach((raw: unknown, index: number) => {
    const path = `syscalls[${index}]`;
    if (!isObject(raw)) invalid(path, "must be an object");
    const names = stringList(raw.names, `${path}.names`);
    if (typeof raw.name === "string") {
      if (names.length > 0) invalid(path, "'name' and 'names' were both given; use one");
      names.push(raw.name);
    }
    if (typeof raw.action !== "string" || !(raw.action in ACTIONS)) {
      invalid(`${path}.action`, `must be one of ${Object.keys(ACTIONS).join(", ")}`);
    }
    const args = (raw.args ?? []) as unknown;
    if (!Array.isArray(args)) invalid(`${path}.args`, "must be a list");
    const parsedArgs = args.map((arg: unknown, j: number): OciArg => {
      const at = `${path}.args[${j}]`;
      if (!isObject(arg)) invalid(at, "must be an object");
      if (
        typeof arg.index !== "number" || !Number.isInteger(arg.index) || arg.index < 0 ||
        arg.index > 5
      ) {
        invalid(`${at}.index`, "must be 0-5");
      }
      if (typeof arg.op !== "string" || !(arg.op in OPS)) {
        invalid(`${at}.op`, `must be one of ${Object.keys(OPS).join(", ")}`);
      }
      return {
        index: arg.index,
        op: arg.op,
        value: u64(arg.value, `${at}.value`),
        valueTwo: arg.valueTwo === undefined ? 0n : u64(arg.valueTwo, `${at}.valueTwo`),
      };
    });
    const errnoRet = errnoValue(raw.errnoRet, `${path}.errnoRet`);

    const reason = filterReason(raw, path, goArch, caps, kernel);
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
  const defaultErrnoRet = errnoValue(json.defaultErrnoRet, "defaultErrnoRet");
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
): string | null {
  const excludes = raw.excludes ?? {};
  const includes = raw.includes ?? {};
  if (!isObject(excludes)) invalid(`${path}.excludes`, "must be an object");
  if (!isObject(includes)) invalid(`${path}.includes`, "must be an object");
  const exArches = stringList(excludes.arches, `${path}.excludes.arches`);
  if (exArches.includes(goArch)) return `excludes arch ${goArch}`;
  const exCap = stringList(excludes.caps, `${path}.excludes.caps`).find((c) => caps.has(c));
  if (exCap !== undefined) return `excludes ${exCap}, which the container has`;
  if (typeof excludes.minKernel === "string") {
    const min = parseKernel(excludes.minKernel, `${path}.excludes.minKernel`);
    if (kernelAtLeast(kernel, min)) return `excludes kernels from ${excludes.minKernel}`;
  }
  const inArches = stringList(includes.arches, `${path}.includes.arches`);
  if (inArches.length > 0 && !inArches.includes(goArch)) {
    return `only for ${inArches.join(", ")}`;
  }
  const inCap = stringList(includes.caps, `${path}.includes.caps`).find((c) => !caps.has(c));
  if (inCap !== undefined) return `needs ${inCap}, which the container lacks`;
  if (typeof includes.minKernel === "string") {
    const min = parseKernel(includes.minKernel, `${path}.includes.minKernel`);
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
 * import { importOciProfile } from "./oci_import.ts";
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
  const warnings: string[] = [];
  const host = options.arch ?? "x86_64";

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
    throw new OciProfileError(
      "unsupported",
      "defaultErrnoRet: 0 makes denied calls look successful; Cordon does not allow errno 0",
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
      throw new OciProfileError(
        "unsupported",
        `syscalls[${entry.index}].errnoRet: 0 makes denied calls look successful; Cordon does not allow errno 0`,
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
    const effects = new Set(
      list.filter((r) => r.names.includes(name)).map((r) => effectKey(r.action, r.errno)),
    );
    if (effects.size > 1) {
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
