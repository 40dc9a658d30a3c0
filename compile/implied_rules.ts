/**
 * Rules a policy implies without writing them: the syscall-argument half of what its sections
 * promise. `compilePolicies` adds them to every layer, per architecture, at priority
 * {@linkcode IMPLIED_PRIORITY} (a written rule with a higher priority overrides one explicitly).
 * Ids are `"<policy>:implied:<name>"`, located at the section that implies them (the policy's
 * `metadata.name` for the rules every policy gets).
 *
 * - **Every policy**: `execveat` with `AT_EMPTY_PATH` (executing an open descriptor: `fexecve`,
 *   a memfd, an `O_PATH` or deleted file) is denied with `EACCES` (`no-fd-exec`); the terminal
 *   injection ioctls `TIOCSTI` and `TIOCLINUX` with `EPERM` (`no-tiocsti`, `no-tioclinux`).
 * - **Execution restricted** (`filesystem.execute` lists paths, as `builtin:baseline` does):
 *   `memfd_create` without `MFD_NOEXEC_SEAL` is denied with `EACCES` (`memfd-noexec`). A memfd
 *   is on an internal mount that Landlock's path rules never see, so without the seal it could
 *   be filled and run with `execve("/proc/self/fd/N")`. With the seal the kernel keeps it
 *   non-executable for good (`F_SEAL_EXEC`); `MFD_EXEC` together with it is `EINVAL`.
 * - **`memory.writeExecute: deny`** (W^X), each denied with `EPERM` (`wx-*`): `mmap`/`mmap2`
 *   with `PROT_EXEC` and `PROT_WRITE`, with `PROT_EXEC` on an anonymous mapping, with
 *   `PROT_EXEC` on a shared mapping; `mprotect`/`pkey_mprotect` with `PROT_EXEC` (seccomp does
 *   not know the old protection: any call asking for `PROT_EXEC`); `shmat` with `SHM_EXEC` (and
 *   i386 `ipc(SHMAT)` with it); `personality` setting `READ_IMPLIES_EXEC`; `memfd_create` and
 *   `memfd_secret` (a memfd, sealed or not, can be mapped writable and, a second time,
 *   executable); `remap_file_pages`; `userfaultfd` (fills pages of an executable private mapping
 *   of a tmpfs file); i386 `mmap` (the old `mmap`, whose arguments are behind a pointer; C
 *   libraries use `mmap2`). Private read-only executable mappings of files (what the dynamic
 *   loader makes of libraries) stay allowed.
 * - **A `network` section**: the socket kinds of `SOCKET_KIND_DENIES` for `socket` and
 *   `socketpair` (`socket-*`, `EACCES`), and the families and types its endpoints do not need:
 *   without endpoints no `AF_INET`, `AF_INET6` or `AF_NETLINK`; without a `tcp` (or any-protocol)
 *   endpoint no `SOCK_STREAM` under `AF_INET`/`AF_INET6`; without a `udp` (or any-protocol) one
 *   no `SOCK_DGRAM` there. The i386 `socketcall` multiplexer, whose arguments seccomp cannot see,
 *   answers `ENOSYS` (`socketcall`).
 *
 * @module
 */

import type {
  Arch,
  ArgCondition,
  ResolvedPolicy,
  Rule,
  SourceLocation,
} from "../policies/types.ts";
import { SOCKET_KIND_DENIES } from "../policies/builtin_profiles.ts";
import { errnoNumber, resolveConstant } from "../policies/constants.ts";

/** The priority of every implied rule: the priority of `builtin:baseline`'s hard denies. */
export const IMPLIED_PRIORITY = 1000;

/** A value of the generated constants table (`policies/_constants_data.ts`); it must be there. */
function constant(name: string): bigint {
  const value = resolveConstant(name);
  if (value === undefined) throw new Error(`implied rules: no constant ${name}`);
  return value;
}

/** An errno of the generated table; it must be there. */
function errno(name: string): number {
  const value = errnoNumber(name);
  if (value === undefined) throw new Error(`implied rules: no errno ${name}`);
  return value;
}

const EPERM = errno("EPERM");
const EACCES = errno("EACCES");
const ENOSYS = errno("ENOSYS");

const AT_EMPTY_PATH = constant("AT_EMPTY_PATH");
const PROT_WRITE = constant("PROT_WRITE");
const PROT_EXEC = constant("PROT_EXEC");
const MAP_SHARED = constant("MAP_SHARED"); // also set in MAP_SHARED_VALIDATE (0x3)
const MAP_ANONYMOUS = constant("MAP_ANONYMOUS");
const AF_INET = constant("AF_INET");
const AF_INET6 = constant("AF_INET6");
const AF_NETLINK = constant("AF_NETLINK");
const SOCK_STREAM = constant("SOCK_STREAM");
const SOCK_DGRAM = constant("SOCK_DGRAM");
// Not in the generated table (their headers are not among those it is made from).
const MFD_NOEXEC_SEAL = 0x8n;
const SHM_EXEC = 0x8000n;
const IPC_SHMAT = 21n;
const READ_IMPLIES_EXEC = 0x0400000n;
const PERSONALITY_QUERY = 0xffffffffn;
const SOCK_TYPE_MASK = 0xfn;

type Condition = Omit<ArgCondition, "loc">;

/** What one implied rule is, before it is given a policy, an id and a location. */
interface ImpliedSpec {
  readonly name: string;
  readonly syscalls: readonly string[];
  readonly errno: number;
  readonly args: readonly Condition[];
}

function cond(index: ArgCondition["index"], op: ArgCondition["op"], value: bigint): Condition {
  return { index, op, value };
}

function masked(index: ArgCondition["index"], mask: bigint, value: bigint): Condition {
  return { index, op: "masked_eq", mask, value };
}

const FD_EXEC: readonly ImpliedSpec[] = [
  {
    name: "no-fd-exec",
    syscalls: ["execveat"],
    errno: EACCES,
    args: [masked(4, AT_EMPTY_PATH, AT_EMPTY_PATH)],
  },
];

/**
 * `TIOCSTI` pushes input into a terminal, `TIOCLINUX` can paste a selection into one: the
 * command shares `cordon run`'s terminal, so the shell that started it would run what it types
 * once it exits. `cmd` is an `unsigned int`: compared on its low 32 bits (`eq` does).
 */
const TTY_INJECTION: readonly ImpliedSpec[] = [
  { name: "no-tiocsti", syscalls: ["ioctl"], errno: EPERM, args: [cond(1, "eq", 0x5412n)] },
  { name: "no-tioclinux", syscalls: ["ioctl"], errno: EPERM, args: [cond(1, "eq", 0x541cn)] },
];

const MEMFD_NOEXEC: readonly ImpliedSpec[] = [
  {
    name: "memfd-noexec",
    syscalls: ["memfd_create"],
    errno: EACCES,
    args: [masked(1, MFD_NOEXEC_SEAL, 0n)],
  },
];

function wxSpecs(arch: Arch): ImpliedSpec[] {
  const mmaps = arch === "i386" ? ["mmap2"] : ["mmap", "mmap2"];
  const specs: ImpliedSpec[] = [
    {
      name: "wx-mmap-write-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC)],
    },
    {
      name: "wx-mmap-anonymous-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC), masked(3, MAP_ANONYMOUS, MAP_ANONYMOUS)],
    },
    {
      name: "wx-mmap-shared-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC), masked(3, MAP_SHARED, MAP_SHARED)],
    },
    {
      name: "wx-mprotect-exec",
      syscalls: ["mprotect", "pkey_mprotect"],
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC)],
    },
    {
      name: "wx-shmat-exec",
      syscalls: ["shmat"],
      errno: EPERM,
      args: [masked(2, SHM_EXEC, SHM_EXEC)],
    },
    {
      name: "wx-read-implies-exec",
      syscalls: ["personality"],
      errno: EPERM,
      args: [masked(0, READ_IMPLIES_EXEC, READ_IMPLIES_EXEC), cond(0, "ne", PERSONALITY_QUERY)],
    },
    {
      name: "wx-no-memfd",
      syscalls: ["memfd_create", "memfd_secret", "remap_file_pages", "userfaultfd"],
      errno: EPERM,
      args: [],
    },
  ];
  if (arch === "i386") {
    // ipc(call, first, second = shmflg, third, ptr): the call number is the low 16 bits
    specs.push({
      name: "wx-ipc-shmat-exec",
      syscalls: ["ipc"],
      errno: EPERM,
      args: [masked(0, 0xffffn, IPC_SHMAT), masked(2, SHM_EXEC, SHM_EXEC)],
    }, {
      name: "wx-old-mmap",
      syscalls: ["mmap"],
      errno: EPERM,
      args: [],
    });
  }
  return specs;
}

function socketSpecs(policy: ResolvedPolicy): ImpliedSpec[] {
  const network = policy.network!;
  const specs: ImpliedSpec[] = SOCKET_KIND_DENIES.map((deny) => ({
    name: `socket-${deny.id}`,
    syscalls: ["socket", "socketpair"],
    errno: EACCES,
    args: deny.args.map((c) => {
      const out: { -readonly [K in keyof Condition]: Condition[K] } = {
        index: c.index,
        op: c.op,
        value: BigInt(c.value),
      };
      if (c.mask !== undefined) out.mask = BigInt(c.mask);
      return out;
    }),
  }));
  const endpoints = [...network.connect, ...network.bind];
  const families: [bigint, string][] = [[AF_INET, "inet"], [AF_INET6, "inet6"]];
  if (endpoints.length === 0) {
    for (const [family, name] of [...families, [AF_NETLINK, "netlink"] as [bigint, string]]) {
      specs.push({
        name: `socket-no-${name}`,
        syscalls: ["socket", "socketpair"],
        errno: EACCES,
        args: [cond(0, "eq", family)],
      });
    }
  } else {
    const tcp = endpoints.some((e) => e.protocol !== "udp");
    const udp = endpoints.some((e) => e.protocol !== "tcp");
    for (
      const [needed, type, kind] of [[tcp, SOCK_STREAM, "stream"], [
        udp,
        SOCK_DGRAM,
        "dgram",
      ]] as const
    ) {
      if (needed) continue;
      for (const [family, name] of families) {
        specs.push({
          name: `socket-no-${name}-${kind}`,
          syscalls: ["socket", "socketpair"],
          errno: EACCES,
          args: [cond(0, "eq", family), masked(1, SOCK_TYPE_MASK, type)],
        });
      }
    }
  }
  specs.push({ name: "socketcall", syscalls: ["socketcall"], errno: ENOSYS, args: [] });
  return specs;
}

/**
 * The rules `policy` implies on `arch` (see the module documentation), in a fixed order.
 *
 * @param policy A resolved policy (its `filesystem`, `memory` and `network` sections decide).
 * @param arch The architecture compiled for: i386 has its own multiplexers and old `mmap`.
 * @returns Deny rules at {@linkcode IMPLIED_PRIORITY}, origin `"rule"`.
 *
 * @example
 * ```ts
 * import { impliedRules } from "./implied_rules.ts";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const rules = impliedRules({
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", rules: [], loc,
 * }, "x86_64");
 * if (rules[0]?.id !== "p:implied:no-fd-exec") throw new Error("every policy: no fd exec");
 * ```
 */
export function impliedRules(policy: ResolvedPolicy, arch: Arch): Rule[] {
  const groups: [readonly ImpliedSpec[], SourceLocation][] = [
    [FD_EXEC, policy.loc],
    [TTY_INJECTION, policy.loc],
  ];
  const wx = policy.memory?.writeExecute === "deny";
  if ((policy.filesystem?.execute.length ?? 0) > 0 && !wx) {
    groups.push([MEMFD_NOEXEC, policy.filesystem!.loc]);
  }
  if (wx) groups.push([wxSpecs(arch), policy.memory!.loc]);
  if (policy.network !== undefined) groups.push([socketSpecs(policy), policy.network.loc]);
  return groups.flatMap(([specs, loc]) => specs.map((spec) => toRule(policy, spec, loc)));
}

/** One object per policy and rule id, whatever the architecture (decisions are shared). */
const made = new WeakMap<ResolvedPolicy, Map<string, Rule>>();

function toRule(policy: ResolvedPolicy, spec: ImpliedSpec, loc: SourceLocation): Rule {
  let byKey = made.get(policy);
  if (byKey === undefined) made.set(policy, byKey = new Map());
  const key = `${spec.name} ${spec.syscalls.join(",")}`;
  const cached = byKey.get(key);
  if (cached !== undefined) return cached;
  const rule = makeRule(policy, spec, loc);
  byKey.set(key, rule);
  return rule;
}

function makeRule(policy: ResolvedPolicy, spec: ImpliedSpec, loc: SourceLocation): Rule {
  return {
    id: `${policy.name}:implied:${spec.name}`,
    policy: policy.name,
    origin: "rule",
    syscalls: spec.syscalls.map((name) => ({ kind: "name", name, loc })),
    action: "deny",
    errno: spec.errno,
    priority: IMPLIED_PRIORITY,
    args: spec.args.map((c) => ({ ...c, loc })),
    loc,
  };
}
