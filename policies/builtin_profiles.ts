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
 *   setting the clock. The i386 `socketcall` multiplexer is not allowed either, so on i386 only
 *   programs using the direct socket calls get their Unix sockets.
 * - **Denied explicitly at priority 1000**, so that a child's capability groups (priority 0)
 *   cannot re-enable them by accident: io_uring (its operations bypass seccomp; `ENOSYS` makes
 *   programs fall back to ordinary I/O), `proc.debug` (ptrace, process_vm_*: kill), `bpf`, kernel
 *   modules and kexec/reboot (kill), `mount` (with `open_tree_attr`), the keyring, namespaces
 *   (`unshare`, `setns`, and `listns`, which enumerates them).
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
 * import { BUILTIN_PROFILES } from "./builtin_profiles.ts";
 * const baseline = BUILTIN_PROFILES["builtin:baseline"]!;
 * if (!baseline.includes("io_uring_setup")) throw new Error("baseline must deny io_uring");
 * ```
 */
export const BUILTIN_PROFILES: Readonly<Record<string, string>> = Object.freeze({
  "builtin:baseline": BASELINE,
});
