/**
 * The policy model: what a parsed policy file becomes, before and after `extends` and
 * capability groups are resolved. Every value that came from a file keeps its
 * {@linkcode SourceLocation}, so that any decision can be traced back to the line that made it.
 *
 * @module
 */

/** The architectures Cordon resolves syscalls for. `x32` is the x32 ABI of x86_64. */
export type Arch = "x86_64" | "i386" | "x32" | "aarch64";

/** Every architecture, in the order compiled outputs list them. */
export const ARCHES: readonly Arch[] = ["x86_64", "i386", "x32", "aarch64"];

/**
 * What happens to a syscall. The policy format's five (`allow deny kill log trap`) plus the
 * rest of the kernel's seccomp actions. `deny` returns an errno; `kill` kills the whole process.
 */
export type Action =
  | "allow"
  | "log"
  | "trace"
  | "notify"
  | "deny"
  | "trap"
  | "kill_thread"
  | "kill";

/**
 * Whether `action` lets the call run: `allow` and `log` (an audit-mode decision is `log`).
 *
 * @example
 * ```ts
 * import { letsCallRun } from "./types.ts";
 * if (!letsCallRun("log") || letsCallRun("deny") || letsCallRun("notify")) throw new Error();
 * ```
 */
export function letsCallRun(action: Action): boolean {
  return action === "allow" || action === "log";
}

/**
 * Whether `action` kills: the process (`kill`) or the calling thread (`kill_thread`).
 *
 * @example
 * ```ts
 * import { isKilling } from "./types.ts";
 * if (!isKilling("kill_thread") || isKilling("trap")) throw new Error();
 * ```
 */
export function isKilling(action: Action): boolean {
  return action === "kill" || action === "kill_thread";
}

/**
 * Actions from the most to the least strict: the kernel's precedence for stacked seccomp
 * filters (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW).
 */
export const ACTIONS_BY_STRICTNESS: readonly Action[] = [
  "kill",
  "kill_thread",
  "trap",
  "deny",
  "notify",
  "trace",
  "log",
  "allow",
];

/**
 * How strict an action is: a higher number is stricter.
 *
 * @example
 * ```ts
 * import { strictness } from "@cordon/cordon";
 * if (!(strictness("kill") > strictness("deny"))) throw new Error("kill must beat deny");
 * ```
 */
export function strictness(action: Action): number {
  return ACTIONS_BY_STRICTNESS.length - ACTIONS_BY_STRICTNESS.indexOf(action);
}

/** A position in a source file. `line` and `column` are 1-based; `file` is the path given or `builtin:NAME`. */
export interface SourceLocation {
  /** The file's path as given, or `builtin:NAME`. */
  readonly file: string;
  /** The line, from 1. */
  readonly line: number;
  /** The column, from 1. */
  readonly column: number;
}

/**
 * `FILE:LINE:COL` of `loc`: how every report, error and finding names a place in a policy.
 *
 * @example
 * ```ts
 * import { formatLocation } from "@cordon/cordon";
 * if (formatLocation({ file: "p.yaml", line: 3, column: 5 }) !== "p.yaml:3:5") throw new Error();
 * ```
 */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Comparison operators on a syscall argument, as in seccomp. */
export type ArgOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "masked_eq";

/**
 * One condition on a syscall argument. Values are unsigned 64-bit (negative numbers in a policy
 * are stored two's complement). For `masked_eq` the test is `(arg & mask) == value`.
 */
export interface ArgCondition {
  /** The argument, 0 to 5. */
  readonly index: 0 | 1 | 2 | 3 | 4 | 5;
  /** How the argument is compared with `value`. */
  readonly op: ArgOp;
  /** The 64-bit value compared with. */
  readonly value: bigint;
  /** For `masked_eq`: the mask applied to the argument first. */
  readonly mask?: bigint;
  /** Where the condition is written. */
  readonly loc: SourceLocation;
}

/** A syscall named in a rule: by name (resolved per architecture) or by its number on each architecture. */
export type SyscallRef =
  | { readonly kind: "name"; readonly name: string; readonly loc: SourceLocation }
  | { readonly kind: "number"; readonly nr: number; readonly loc: SourceLocation };

/** One rule, as written in `spec.rules` or expanded from a capability group. */
export interface Rule {
  /** `rules[].id`, or `"<policy>#<index>"`; for capability rules `"<policy>:cap:<allow|deny>:<group>"`. */
  readonly id: string;
  /** The policy the rule was written in (differs from the layer's policy when inherited through `extends`). */
  readonly policy: string;
  /** Written in `spec.rules`, or expanded from a capability group. */
  readonly origin: "rule" | "capability";
  /** The syscalls the rule applies to. */
  readonly syscalls: readonly SyscallRef[];
  /** What the rule does to a matching call. */
  readonly action: Action;
  /** The errno a `deny` returns; absent means the policy's `defaultErrno`. */
  readonly errno?: number;
  /** Higher priorities win; at equal priority the strictest action wins. */
  readonly priority: number;
  /** All must hold (AND). Empty means the rule matches every call of its syscalls. */
  readonly args: readonly ArgCondition[];
  /** Where the rule (or the capability name) is written. */
  readonly loc: SourceLocation;
}

/** Who a policy applies to. Every given field must match (AND); within a list any entry (OR). */
export interface Target {
  /** Process ids. */
  readonly pids?: readonly number[];
  /** Command names (`/proc/PID/comm`, at most 15 bytes). */
  readonly comms?: readonly string[];
  /** Absolute paths of executables. */
  readonly executables?: readonly string[];
  /** cgroup v2 paths; processes in them or below them match. */
  readonly cgroups?: readonly string[];
  /** Real user ids. */
  readonly uids?: readonly number[];
}

/** `spec.filesystem`: path rules, enforced with Landlock by `run`. */
export interface FilesystemRules {
  /** Paths (and everything beneath them) the program may read. */
  readonly read: readonly string[];
  /** Paths (and everything beneath them) the program may write, create and delete in. */
  readonly write: readonly string[];
  /** Paths (and everything beneath them) the program may execute. */
  readonly execute: readonly string[];
  /** The lowest Landlock ABI the policy accepts; below it `run` refuses. */
  readonly minAbi?: number;
  /** Where `filesystem` is written. */
  readonly loc: SourceLocation;
}

/** One network endpoint rule such as `tcp/443`, `127.0.0.1:5432` or `udp/[::1]:53`. */
export interface NetworkEndpoint {
  /** The text as written. */
  readonly text: string;
  /** The transport protocol; `any` when the text names none. */
  readonly protocol: "tcp" | "udp" | "any";
  /** An IPv4/IPv6 address or CIDR; absent means any address. */
  readonly address?: string;
  /** A port or an inclusive range; absent means any port. */
  readonly ports?: readonly [number, number];
  /** Where the endpoint is written. */
  readonly loc: SourceLocation;
}

/**
 * One Unix-domain socket a program may connect (or send datagrams) to: a filesystem path
 * (`/run/app.sock`, and everything beneath a directory given with a trailing `/`) or an abstract
 * name written `@name`.
 */
export interface UnixSocketRule {
  /** The text as written. */
  readonly text: string;
  /** `path`: a pathname socket (or a directory of them); `abstract`: an abstract-namespace name. */
  readonly kind: "path" | "abstract";
  /**
   * For `path`: the absolute path, normalised (no empty or `.` components); a directory keeps
   * its trailing `/` (`/run/dir/`: every socket beneath it; `/`: every pathname socket). For
   * `abstract`: the name without its `@` (1 to 107 bytes).
   */
  readonly name: string;
  /** Where the rule is written. */
  readonly loc: SourceLocation;
}

/** `spec.network`: enforced with cgroup BPF (and Landlock TCP where available). */
export interface NetworkRules {
  /** Endpoints the program may connect (or send datagrams) to. */
  readonly connect: readonly NetworkEndpoint[];
  /** Endpoints the program may bind. */
  readonly bind: readonly NetworkEndpoint[];
  /**
   * Unix-domain sockets the program may connect to beyond its own (sockets under its
   * `filesystem.write` paths, and socket pairs); absent or empty: none.
   */
  readonly unix?: readonly UnixSocketRule[];
  /** Where `network` is written. */
  readonly loc: SourceLocation;
}

/** `spec.limits`. */
export interface Limits {
  /** A per-process rate limit on syscalls and the action taken above it. */
  readonly syscallsPerSecond?: {
    /** The most syscalls a process may make in one second. */
    readonly max: number;
    /** What happens to calls above the limit. */
    readonly action: Action;
    /** Where the limit is written. */
    readonly loc: SourceLocation;
  };
}

/** A name written in a policy, with its location. */
export interface LocatedName {
  /** The name as written (normalised where the section says so). */
  readonly name: string;
  /** Where it is written. */
  readonly loc: SourceLocation;
}

/**
 * `spec.privileges`: what of the invoking user's privileges `run` hands the command. Absent
 * means the defaults: no Linux capabilities (also as uid 0), the invoking user and group, the
 * safe device set only, signals only within the sandbox.
 */
export interface Privileges {
  /**
   * Linux capabilities the command keeps, canonical (`CAP_` and upper case, a name of
   * `linux/capability.h`: `capabilityNumber()` of `constants.ts` gives its bit), each once, in
   * the order written (parents' first after `extends`).
   */
  readonly capabilities: readonly LocatedName[];
  /**
   * The uid to run as (0 to 4294967294; policies give numbers, never names); absent: the
   * invoking user's.
   */
  readonly user?: { readonly uid: number; readonly loc: SourceLocation };
  /**
   * The gid to run as (0 to 4294967294; supplementary groups are dropped); absent: the invoking
   * user's.
   */
  readonly group?: { readonly gid: number; readonly loc: SourceLocation };
  /**
   * Device nodes the command may open or create beyond the safe set (`/dev/null`, `zero`,
   * `full`, `random`, `urandom`, `tty`, `ptmx`, `pts/*`), each once, canonical: an absolute path
   * (normalised: `/dev/fuse`; resolved to its device number at run), or `c MAJOR:MINOR` /
   * `b MAJOR:MINOR` with one space, decimal numbers without leading zeros (major 0-4095, minor
   * 0-1048575) and `*` for any minor (`c 10:229`, `b 8:*`).
   */
  readonly devices: readonly LocatedName[];
  /**
   * `any`: the command may signal processes outside its sandbox; `sandbox` (the default, also
   * when the section is absent): only processes of its own sandbox.
   */
  readonly signals: "sandbox" | "any";
  /** Where `privileges` is written. */
  readonly loc: SourceLocation;
}

/** `spec.memory`. */
export interface MemoryRules {
  /**
   * `deny` (W^X): no mapping both writable and executable, no executable anonymous or shared
   * memory, no memory made executable after it was mapped, no `READ_IMPLIES_EXEC`; `allow`: the
   * kernel's defaults (JITs need them).
   */
  readonly writeExecute: "allow" | "deny";
  /** Where `memory` is written. */
  readonly loc: SourceLocation;
}

/** A permission kind of Deno's permission broker (`spec.deno.rules[].permission`). */
export type DenoPermission = "read" | "write" | "net" | "env" | "run" | "ffi" | "sys" | "import";

/** Every {@linkcode DenoPermission}, in the order the policy docs list them. */
export const DENO_PERMISSIONS: readonly DenoPermission[] = [
  "read",
  "write",
  "net",
  "env",
  "run",
  "ffi",
  "sys",
  "import",
];

/**
 * One rule of `spec.deno.rules`: what Cordon answers Deno's permission broker for checks of one
 * kind whose value matches. `read`, `write`, `ffi` and `run` values are absolute paths (a path
 * and everything beneath it) or, for `ffi` and `run`, bare names (`libc.so.6`, `cat`); `net` and
 * `import` values are `host`, `host:port` or `*:port`; `env` and `sys` values are names, a
 * trailing `*` matching any suffix (`DENO_*`). No `values`: every check of the kind, including
 * Deno's checks for the whole kind (value `null`, e.g. `Deno.env.toObject()`).
 */
export interface DenoRule {
  /** The rule's id: as written, or `"<policy>#deno<index>"`. */
  readonly id: string;
  /** The permission kind the rule answers. */
  readonly permission: DenoPermission;
  /** The values it matches, as written (paths normalised); absent: every value. */
  readonly values?: readonly string[];
  /** `allow`, `deny`, or `log` (allowed and reported as a notable decision). */
  readonly action: "allow" | "deny" | "log";
  /** Higher wins; at equal priority the stricter action wins (deny, then log, then allow). */
  readonly priority: number;
  /** Where the rule is written. */
  readonly loc: SourceLocation;
}

/**
 * `spec.deno`: the answers of Cordon's permission broker to Deno (`cordon deno`). A check no
 * rule matches follows the kernel sections (a `filesystem.read` path is a read grant, see
 * `engine/deno_permissions.ts`), then `default`.
 */
export interface DenoRules {
  /** Rules, parents' first after `extends`. */
  readonly rules: readonly DenoRule[];
  /** What a check no rule and no kernel section decides gets; `deny` unless written. */
  readonly default: "allow" | "deny";
  /** Where `default` is written (or the `deno` key when it is not). */
  readonly defaultLoc: SourceLocation;
  /** Whether `default` is written (it overrides a parent's only then). */
  readonly defaultWritten: boolean;
  /** Where `deno` is written. */
  readonly loc: SourceLocation;
}

/** Whether deny/kill/trap are applied (`enforce`) or only reported (`audit`). */
export type Mode = "enforce" | "audit";

/** One policy document as parsed and validated, before `extends` is resolved. */
export interface Policy {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.description`. */
  readonly description?: string;
  /** Names of policies in the same set, or `builtin:NAME`. */
  readonly extends: readonly { readonly name: string; readonly loc: SourceLocation }[];
  /** Absent means "what `run` launches". */
  readonly target?: Target;
  /** The action for syscalls no rule matches. */
  readonly defaultAction: Action;
  /** The errno `deny` returns when a rule names none. */
  readonly defaultErrno: number;
  /** `enforce`, or `audit` to report deny/kill/trap without applying them. */
  readonly mode: Mode;
  /** Capability groups allowed and denied (expanded into priority-0 rules). */
  readonly capabilities: {
    /** Groups whose syscalls are allowed. */
    readonly allow: readonly { readonly name: string; readonly loc: SourceLocation }[];
    /** Groups whose syscalls are denied. */
    readonly deny: readonly { readonly name: string; readonly loc: SourceLocation }[];
  };
  /** `spec.rules`, in file order. */
  readonly rules: readonly Rule[];
  /** `spec.filesystem`. */
  readonly filesystem?: FilesystemRules;
  /** `spec.network`. */
  readonly network?: NetworkRules;
  /** `spec.limits`. */
  readonly limits?: Limits;
  /** `spec.privileges`. */
  readonly privileges?: Privileges;
  /** `spec.memory`. */
  readonly memory?: MemoryRules;
  /** `spec.deno`: answers to Deno's permission broker (`cordon deno`). */
  readonly deno?: DenoRules;
  /** Where `metadata.name` is. */
  readonly loc: SourceLocation;
  /**
   * Whether `defaultAction`, `defaultErrno`, `mode` and `privileges.signals` were written (they
   * override a parent's only then).
   */
  readonly explicit: {
    /** The action for syscalls no rule matches. */
    readonly defaultAction: boolean;
    /** The errno `deny` returns when a rule names none. */
    readonly defaultErrno: boolean;
    /** `enforce`, or `audit` to report deny/kill/trap without applying them. */
    readonly mode: boolean;
    /** `privileges.signals`; absent means not written. */
    readonly signals?: boolean;
  };
}

/** The policies of one or more files, in file and document order. Names are unique. */
export interface PolicySet {
  /** The policies, in file and document order. */
  readonly policies: readonly Policy[];
}

/**
 * A policy with `extends` merged and capability groups expanded into priority-0 rules:
 * what the compiler consumes. Each is one independent layer.
 */
export interface ResolvedPolicy {
  /** The policy's name. */
  readonly name: string;
  /** Who the layer applies to; absent means what `run` launches. */
  readonly target?: Target;
  /** The action for syscalls no rule matches (own or inherited). */
  readonly defaultAction: Action;
  /** The errno `deny` returns when a rule names none (own or inherited). */
  readonly defaultErrno: number;
  /** `enforce` or `audit` (own or inherited). */
  readonly mode: Mode;
  /** Written rules and expanded capability rules, parents' first. */
  readonly rules: readonly Rule[];
  /** Path rules, merged with the parents'. */
  readonly filesystem?: FilesystemRules;
  /** Network rules, merged with the parents'. */
  readonly network?: NetworkRules;
  /** Limits (own, else inherited). */
  readonly limits?: Limits;
  /** Privileges: capabilities and devices merged with the parents', user/group own else inherited. */
  readonly privileges?: Privileges;
  /** Memory rules (own, else inherited). */
  readonly memory?: MemoryRules;
  /** Deno permission rules, parents' first; `default` own, else inherited. */
  readonly deno?: DenoRules;
  /** Where the policy's `metadata.name` is. */
  readonly loc: SourceLocation;
}

/** One permission check as Deno sends it (the broker's request, without `v`, `pid`, `datetime`). */
export interface DenoPermissionCheck {
  /** The permission kind; anything but the eight {@linkcode DenoPermission}s is denied. */
  readonly permission: string;
  /** The value checked (a path, `host:port`, a name), or `null` for the whole kind. */
  readonly value: string | null;
}
