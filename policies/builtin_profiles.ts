/**
 * Builtin profiles: policies shipped with Cordon, referenced as `extends: [builtin:NAME]` and
 * parsed from the YAML text here with the file name `builtin:NAME`.
 *
 * `builtin:baseline` is the default-deny base for ordinary, local command-line programs (`ls`,
 * `cat`, `tar`, compilers, scripts) and the embedded default `cordon` runs when no policy is
 * given. Its choices:
 * - **Allowed**: reading, writing, creating, deleting files and changing their attributes
 *   (`fs.*` except `fs.admin`; this includes reading the mount table with `statmount`/`listmount`,
 *   which `fs.metadata` holds as the same view `/proc/self/mountinfo` gives), file watching, the process basics, scheduling hints, starting
 *   processes and programs (`proc.spawn`, `proc.exec`), memory, clocks and timers, signals, local
 *   IPC, self-sandboxing (`sandbox`), and Unix-domain sockets (a rule allowing `socket` for
 *   `AF_UNIX` only: name services, syslog and D-Bus clients need them).
 * - **Not allowed, by the default action** (`deny` with `EPERM`): the network (`net.client`,
 *   `net.server`: a child policy allows them), filesystem administration (`chroot`, `fchroot`),
 *   privilege changes (including `lsm_set_self_attr`, a security-module context change),
 *   setting the clock. The i386 `socketcall` multiplexer is not allowed either (`ENOSYS`), so on
 *   i386 only programs using the direct socket calls get their Unix sockets.
 * - **Denied explicitly at priority 1000**, so that a child's capability groups (priority 0)
 *   cannot re-enable them by accident: io_uring (its operations bypass seccomp; `ENOSYS` makes
 *   programs fall back to ordinary I/O), `proc.debug` (ptrace, process_vm_*: kill), `bpf`, kernel
 *   modules and kexec/reboot (kill), `mount` (with `open_tree_attr`), the keyring, namespaces
 *   (`unshare`, `setns`, and `listns`, which enumerates them).
 * - **Socket kinds at priority 1000** (`SOCKET_KIND_DENIES`, `EACCES`): whatever a child's
 *   capability groups allow, only Unix sockets, TCP and UDP over IPv4/IPv6 and `NETLINK_ROUTE`;
 *   no raw, packet (`AF_PACKET`, `SOCK_PACKET`), ping, other netlink, `AF_VSOCK`, `AF_ALG`, …
 *   sockets. The i386 `socketcall` multiplexer answers `ENOSYS` (its arguments are behind a
 *   pointer seccomp cannot read).
 * - **Implied by `compilePolicies`** (`compile/implied_rules.ts`), for every child: `execveat`
 *   with `AT_EMPTY_PATH` denied (no execution of descriptors), and, as the `execute` list
 *   restricts execution, `memfd_create` only with `MFD_NOEXEC_SEAL` (a memfd is out of Landlock's
 *   reach: unsealed, it could be run with `execve("/proc/self/fd/N")`).
 * - **Argument rules at priority 900**: `clone` with any `CLONE_NEW*` flag is denied (no new
 *   namespaces), `clone3` returns `ENOSYS` (its flags are behind a pointer; libc falls back to
 *   `clone`), and the terminal-injection ioctls `TIOCSTI` and `TIOCLINUX` are denied, compared on
 *   the low 32 bits as the kernel reads the command.
 * - **Execution** is limited with Landlock to the system's program directories (`/usr`, `/bin`,
 *   `/sbin`, `/lib*`, `/opt`): a program cannot run what it downloads or writes to `/tmp` or
 *   the home directory. The section lists only `execute`: `resolvePolicies` merges `filesystem`
 *   lists of parent and child as a union, so a baseline `read` or `write` list would widen every
 *   child's; reading and writing are left to the child's own `filesystem` section (an access
 *   with no paths listed is not restricted by Landlock).
 *
 * @module
 */

import { CAPABILITY_GROUPS } from "./capability_groups.ts";

function syscallsOf(...groups: string[]): string {
  const names = groups.flatMap((name) => {
    const group = CAPABILITY_GROUPS[name];
    if (!group) throw new Error(`Unknown capability group "${name}"`);
    return group.syscalls;
  });
  return `[${[...new Set(names)].sort().join(", ")}]`;
}

/** One argument condition of a {@linkcode SocketKindDeny}, as written in a policy rule. */
export interface SocketKindCondition {
  /** 0: the address family, 1: the type (with `SOCK_NONBLOCK`/`SOCK_CLOEXEC`), 2: the protocol. */
  readonly index: 0 | 1 | 2;
  /** The comparison (the kernel reads all three as `int`: compared on their low 32 bits). */
  readonly op: "eq" | "ne" | "masked_eq";
  /** The value compared with. */
  readonly value: number;
  /** For `masked_eq`: the mask. */
  readonly mask?: number;
}

/**
 * One kind of socket no ordinary program needs, denied by `socket` and `socketpair` arguments:
 * the conditions of one deny rule (all must hold).
 */
export interface SocketKindDeny {
  /** The rule's id suffix (`baseline-socket-<id>`, `<policy>:implied:socket-<id>`). */
  readonly id: string;
  /** What the rule stops, for the documentation. */
  readonly description: string;
  /** The rule's conditions. */
  readonly args: readonly SocketKindCondition[];
}

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const NETLINK_ROUTE = 0;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const SOCK_RAW = 3;

/**
 * The socket kinds `builtin:baseline` and every policy with a `network` section deny (with
 * `EACCES`), whatever a capability group allows: together they leave Unix sockets (stream,
 * datagram, seqpacket), TCP and UDP over IPv4 and IPv6 (protocol 0, `IPPROTO_TCP` or
 * `IPPROTO_UDP`, types `SOCK_STREAM`/`SOCK_DGRAM`) and `NETLINK_ROUTE` (interface and address
 * queries: `getifaddrs`, `if_nameindex`, glibc's `AI_ADDRCONFIG`) and nothing else. The type is
 * tested on its low four bits (the kernel's `SOCK_TYPE_MASK`; other bits are only the
 * `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags, anything else is `EINVAL`), so `SOCK_PACKET` (10) under
 * `AF_INET`, which the kernel turns into a packet socket, is denied with the types 8–15.
 *
 * @example
 * ```ts
 * import { SOCKET_KIND_DENIES } from "@cordon/cordon";
 * if (!SOCKET_KIND_DENIES.some((d) => d.id === "raw")) throw new Error("raw sockets denied");
 * ```
 */
export const SOCKET_KIND_DENIES: readonly SocketKindDeny[] = Object.freeze(
  [
    {
      id: "families",
      description: "families other than AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK (AF_PACKET, " +
        "AF_VSOCK, AF_ALG, AF_BLUETOOTH, …)",
      args: [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK].map((value) => ({
        index: 0,
        op: "ne",
        value,
      })),
    },
    {
      id: "types-8-15",
      description: "types 8–15, among them SOCK_PACKET (a packet socket even under AF_INET)",
      args: [{ index: 1, op: "masked_eq", mask: 0x8, value: 0x8 }],
    },
    {
      id: "types-4-7",
      description: "SOCK_RDM, SOCK_SEQPACKET (SCTP), SOCK_DCCP outside AF_UNIX",
      args: [{ index: 1, op: "masked_eq", mask: 0x4, value: 0x4 }, {
        index: 0,
        op: "ne",
        value: AF_UNIX,
      }],
    },
    {
      id: "raw",
      description: "SOCK_RAW outside AF_NETLINK (raw IP sockets)",
      args: [{ index: 1, op: "masked_eq", mask: 0xf, value: SOCK_RAW }, {
        index: 0,
        op: "ne",
        value: AF_NETLINK,
      }],
    },
    {
      id: "netlink-protocols",
      description: "netlink protocols other than NETLINK_ROUTE (audit, netfilter, uevents, …)",
      args: [{ index: 0, op: "eq", value: AF_NETLINK }, {
        index: 2,
        op: "ne",
        value: NETLINK_ROUTE,
      }],
    },
    ...[[AF_INET, "inet"], [AF_INET6, "inet6"]].map(([family, name]) => ({
      id: `${name}-protocols`,
      description: `${name === "inet" ? "IPv4" : "IPv6"} protocols other than TCP and UDP ` +
        "(ICMP ping sockets, SCTP, UDP-Lite, MPTCP, …)",
      args: [
        { index: 0, op: "eq", value: family as number },
        ...[0, IPPROTO_TCP, IPPROTO_UDP].map((value) => ({ index: 2, op: "ne", value })),
      ] as SocketKindCondition[],
    })),
  ] satisfies SocketKindDeny[],
);

function socketKindRules(prefix: string, priority: number): string {
  return SOCKET_KIND_DENIES.map((deny) =>
    [
      `    - id: ${prefix}${deny.id}`,
      "      syscalls: [socket, socketpair]",
      "      action: deny",
      "      errno: EACCES",
      `      priority: ${priority}`,
      "      args:",
      ...deny.args.map((c) =>
        `        - { index: ${c.index}, op: ${c.op}, ${
          c.mask === undefined ? "" : `mask: 0x${c.mask.toString(16)}, `
        }value: ${c.value} }`
      ),
    ].join("\n")
  ).join("\n");
}

/** Every `CLONE_NEW*` flag: a `clone` with any of them creates a namespace. */
const CLONE_NEW_ANY = 0x7e020080;
/** `TIOCSTI` (push input into the terminal) and `TIOCLINUX` (can do the same on a VT). */
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

const BASELINE = `# Cordon builtin:baseline (see policies/builtin_profiles.ts for the reasoning).
apiVersion: cordon/v1
kind: Policy
metadata:
  name: baseline
  description: Default-deny base for local command-line programs, without network access
spec:
  defaultAction: deny
  defaultErrno: EPERM
  capabilities:
    allow:
      - fs.read
      - fs.write
      - fs.create
      - fs.delete
      - fs.metadata
      - fs.attributes
      - fs.watch
      - proc.basic
      - proc.sched
      - proc.spawn
      - proc.exec
      - mem
      - time
      - signal
      - ipc
      - sandbox
  rules:
    - id: baseline-no-io-uring
      syscalls: ${syscallsOf("io_uring")}
      action: deny
      errno: ENOSYS
      priority: 1000
    - id: baseline-no-debug
      syscalls: ${syscallsOf("proc.debug")}
      action: kill
      priority: 1000
    - id: baseline-no-kernel-code
      syscalls: ${syscallsOf("module", "reboot")}
      action: kill
      priority: 1000
    - id: baseline-no-bpf
      syscalls: ${syscallsOf("bpf")}
      action: deny
      priority: 1000
    - id: baseline-no-mount
      syscalls: ${syscallsOf("mount")}
      action: deny
      priority: 1000
    - id: baseline-no-keyring
      syscalls: ${syscallsOf("keyring")}
      action: deny
      priority: 1000
    - id: baseline-no-namespaces
      syscalls: ${syscallsOf("proc.namespace")}
      action: deny
      priority: 1000
    - id: baseline-clone-without-namespaces
      syscalls: [clone]
      action: allow
      priority: 900
      args:
        - { index: 0, op: masked_eq, mask: ${CLONE_NEW_ANY}, value: 0 }
    - id: baseline-no-clone-namespaces
      syscalls: [clone]
      action: deny
      priority: 899
    - id: baseline-clone3-fallback
      syscalls: [clone3]
      action: deny
      errno: ENOSYS
      priority: 900
    # posix_spawn(POSIX_SPAWN_RESETIDS) (make, among others) sets the effective ids to the real
    # ones with setresuid(-1, uid, -1). With real and saved ids left alone (-1) only the effective
    # id changes, to a value the kernel checks against what the process already holds: no gain.
    - id: baseline-reset-effective-ids
      syscalls: [setresuid, setresuid32, setresgid, setresgid32]
      action: allow
      priority: 900
      args:
        - { index: 0, op: eq, value: 0xffffffff }
        - { index: 2, op: eq, value: 0xffffffff }
    - id: baseline-no-tiocsti
      syscalls: [ioctl]
      action: deny
      priority: 900
      args:
        - { index: 1, op: masked_eq, mask: 0xffffffff, value: ${TIOCSTI} }
    - id: baseline-no-tioclinux
      syscalls: [ioctl]
      action: deny
      priority: 900
      args:
        - { index: 1, op: masked_eq, mask: 0xffffffff, value: ${TIOCLINUX} }
    # Socket kinds no ordinary program needs, whatever a child's capability groups allow
    # (SOCKET_KIND_DENIES); the i386 multiplexer hides the arguments behind a pointer, so it
    # answers ENOSYS (a C library that falls back then uses the direct calls, decided above).
${socketKindRules("baseline-socket-", 1000)}
    - id: baseline-no-socketcall
      syscalls: [socketcall]
      action: deny
      errno: ENOSYS
      priority: 1000
    - id: baseline-unix-sockets
      syscalls: [socket]
      action: allow
      priority: 10
      args:
        - { index: 0, op: eq, value: AF_UNIX }
    - id: baseline-socket-io
      syscalls: [connect, getpeername, getsockname, getsockopt, recvfrom, recvmmsg, recvmmsg_time64, recvmsg, sendmmsg, sendmsg, sendto, setsockopt, shutdown]
      action: allow
      priority: 10
  filesystem:
    execute: [/usr, /bin, /sbin, /lib, /lib32, /lib64, /libx32, /opt]
`;

/**
 * The YAML text of every builtin profile, by the name used in `extends` (`builtin:NAME`).
 *
 * @example
 * ```ts
 * import { BUILTIN_PROFILES } from "@cordon/cordon";
 * const baseline = BUILTIN_PROFILES["builtin:baseline"]!;
 * if (!baseline.includes("io_uring_setup")) throw new Error("baseline must deny io_uring");
 * ```
 */
export const BUILTIN_PROFILES: Readonly<Record<string, string>> = Object.freeze({
  "builtin:baseline": BASELINE,
});
