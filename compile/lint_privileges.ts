/**
 * Lint checks of what a policy grants on purpose that takes a confined program out of its
 * sandbox, or most of the way: kept Linux capabilities that amount to root outside the sandbox,
 * signals to any process, raw disks and memory as devices, Unix sockets of host daemons that run
 * commands for whoever connects, root with capabilities, write access to `/`, `/proc`, `/sys` or
 * `/dev`, and the `mprotect` W^X recipe without `memory.writeExecute: deny` (which leaves other
 * ways to executable memory open). Write paths that are also execute paths (W+X on disk) are
 * `write-over-executable` of `lint_paths_network.ts`.
 *
 * Pure; returns the {@linkcode Finding} type of `lint.ts`.
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import type { ResolvedPolicy, Rule, SourceLocation } from "../policies/types.ts";
import type { Finding, Severity } from "./lint.ts";
import { isBeneath, normalisePath } from "./landlock.ts";

/** The codes this module reports, with severity and meaning (for SARIF and docs). */
export const PRIVILEGES_LINT_CODES: Readonly<
  Record<string, { readonly severity: Severity; readonly description: string }>
> = Object.freeze({
  "dangerous-capability": {
    severity: "warning",
    description:
      "privileges.capabilities keeps a Linux capability that lets the program leave the sandbox or act on the host outside it (CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_MKNOD, CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_RAWIO, CAP_BPF, …); the message says what it allows.",
  },
  "signals-any": {
    severity: "warning",
    description:
      "privileges.signals is any: the program may signal (and kill) processes outside its sandbox, as far as its uid allows.",
  },
  "raw-device": {
    severity: "warning",
    description:
      "privileges.devices grants a block device (a disk: every file on it, whatever the path rules say) or a device of the host's memory or I/O ports (/dev/mem, /dev/kmem, /dev/port).",
  },
  "unix-host-daemon": {
    severity: "warning",
    description:
      "network.unix reaches the socket of a host daemon that runs commands or containers for its clients (D-Bus system bus, Docker, containerd, CRI-O, Podman, systemd's private socket, libvirt, snapd): a full escape.",
  },
  "root-with-capabilities": {
    severity: "warning",
    description:
      "privileges.user is 0 and privileges.capabilities keeps capabilities: root with capabilities owns every file the path rules leave reachable.",
  },
  "write-system-path": {
    severity: "warning",
    description:
      "filesystem.write covers /, or lies in /proc, /sys or /dev (beyond the safe devices): kernel settings, cgroup membership (cgroup.procs), other processes' memory and raw devices become writable.",
  },
  "wx-recipe-without-memory": {
    severity: "warning",
    description:
      "A policy denies mprotect/pkey_mprotect with PROT_EXEC (the W^X recipe) but does not set memory.writeExecute: deny: anonymous mmap(PROT_WRITE|PROT_EXEC), memfd mappings and shmat(SHM_EXEC) still give new code a place to run.",
  },
});

/** What each dangerous capability allows a confined program. */
const DANGEROUS_CAPABILITIES: Readonly<Record<string, string>> = {
  CAP_SYS_ADMIN:
    "mount, namespaces, BPF, perf, quotas and most of root's other powers: leaving the sandbox",
  CAP_SYS_PTRACE:
    "ptrace and /proc/PID/mem of processes outside the sandbox: rewriting an unconfined process",
  CAP_SYS_MODULE: "loading kernel modules: its own code in the kernel",
  CAP_SYS_RAWIO: "raw I/O ports, /dev/mem and SCSI commands: the host's memory and disks",
  CAP_DAC_OVERRIDE:
    "reading and writing every file whatever its permissions (outside Landlock's path rules)",
  CAP_DAC_READ_SEARCH:
    "open_by_handle_at(): opening any file of a mounted filesystem by handle, outside the path rules",
  CAP_FOWNER: "chmod, utimes and ACLs on files it does not own, outside the write paths",
  CAP_CHOWN: "chown of any file, outside the write paths",
  CAP_FSETID: "keeping set-user-ID bits on files it changes",
  CAP_SETUID: "becoming any user, root included",
  CAP_SETGID: "joining any group, root's included",
  CAP_SETPCAP: "changing its capability bounding and inheritable sets",
  CAP_SETFCAP: "writing file capabilities (security.capability): programs that start privileged",
  CAP_MKNOD: "creating device nodes: a block device node is the whole disk",
  CAP_NET_RAW: "raw and packet sockets: forging and sniffing traffic the network rules do not see",
  CAP_NET_ADMIN: "reconfiguring the host's network: interfaces, routes, firewall rules",
  CAP_BPF: "loading BPF programs and maps",
  CAP_PERFMON: "perf events on the kernel and other processes",
  CAP_SYS_BOOT: "rebooting the host and loading a new kernel (kexec)",
  CAP_SYS_TIME: "setting the host's clocks",
  CAP_SYS_CHROOT: "chroot(), the first step of several escapes from a chroot or mount namespace",
  CAP_KILL: "signalling any process of the host",
  CAP_LINUX_IMMUTABLE: "clearing immutable and append-only flags",
  CAP_MAC_ADMIN: "changing the host's mandatory access control policy",
  CAP_MAC_OVERRIDE: "overriding the host's mandatory access control",
  CAP_AUDIT_CONTROL: "changing or disabling the kernel's audit rules",
  CAP_SYSLOG: "reading kernel addresses and the kernel log",
  CAP_IPC_OWNER: "reading and writing any System V IPC object",
  CAP_CHECKPOINT_RESTORE: "choosing pids and reading other processes' memory maps",
};

/** Sockets of host daemons that act for their clients, with `/var/run` read as `/run`. */
const HOST_DAEMON_SOCKETS: readonly (readonly [string, string])[] = [
  ["/run/dbus/system_bus_socket", "the D-Bus system bus (systemd, polkit, NetworkManager, …)"],
  ["/run/docker.sock", "the Docker daemon"],
  ["/run/docker/", "the Docker daemon"],
  ["/run/containerd/", "containerd"],
  ["/run/crio/", "CRI-O"],
  ["/run/podman/", "Podman"],
  ["/run/systemd/private", "systemd"],
  ["/run/systemd/", "systemd"],
  ["/run/libvirt/", "libvirt"],
  ["/run/snapd.socket", "snapd"],
  ["/run/snapd-snap.socket", "snapd"],
  ["/run/udev/control", "udev"],
];

/** Devices of the host's memory and I/O ports, as `c MAJOR:MINOR` (minor `*`: the whole major). */
const RAW_CHAR_DEVICES: readonly (readonly [string, string])[] = [
  ["c 1:1", "/dev/mem"],
  ["c 1:2", "/dev/kmem"],
  ["c 1:4", "/dev/port"],
  ["c 1:*", "/dev/mem, /dev/kmem and /dev/port (and every other minor of major 1)"],
];

/** Device paths that name disks or the host's memory. */
const RAW_DEVICE_PATH =
  /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|nbd|zram|sr)[a-z0-9]*$|^\/dev\/mapper\/|^\/dev\/disk\/|^\/dev\/(?:mem|kmem|port)$/;

/** What under `/dev` may be written without a finding: the safe devices and shared memory. */
const SAFE_DEV_WRITES: readonly string[] = [
  "/dev/null",
  "/dev/zero",
  "/dev/full",
  "/dev/random",
  "/dev/urandom",
  "/dev/tty",
  "/dev/ptmx",
  "/dev/pts",
  "/dev/shm",
  "/dev/stdout",
  "/dev/stderr",
];

const PROT_EXEC = 4n;
const MPROTECT = new Set(["mprotect", "pkey_mprotect"]);

function find(
  code: keyof typeof PRIVILEGES_LINT_CODES,
  message: string,
  loc: SourceLocation,
  policy: string,
): Finding {
  return { severity: PRIVILEGES_LINT_CODES[code]!.severity, code, message, loc, policy };
}

/** `/var/run/x` as `/run/x` (a symbolic link on current distributions), else unchanged. */
function runPath(path: string): string {
  return path === "/var/run" || path.startsWith("/var/run/") ? path.slice(4) : path;
}

/**
 * The host daemon a `network.unix` path (or directory, with a trailing `/`) reaches, if any, and
 * whether the entry is a directory that holds the daemon's socket (rather than the socket itself).
 */
function hostDaemon(
  name: string,
): { socket: string; daemon: string; holds: boolean } | undefined {
  const dir = name.endsWith("/");
  const path = runPath(dir && name !== "/" ? name.slice(0, -1) : name);
  for (const [socket, daemon] of HOST_DAEMON_SOCKETS) {
    const base = socket.endsWith("/") ? socket.slice(0, -1) : socket;
    if (path === base || (socket.endsWith("/") && isBeneath(path, base))) {
      return { socket, daemon, holds: false };
    }
    if (dir && isBeneath(base, path)) return { socket, daemon, holds: true };
  }
  return undefined;
}

/** Whether a rule denies (or kills) mprotect-like calls that ask for PROT_EXEC. */
function deniesExecProtection(rule: Rule): boolean {
  if (letsCallRun(rule.action)) return false;
  if (!rule.syscalls.some((s) => s.kind === "name" && MPROTECT.has(s.name))) return false;
  return rule.args.some((a) =>
    a.index === 2 &&
    (a.op === "masked_eq"
      ? ((a.mask ?? 0n) & PROT_EXEC) !== 0n && (a.value & PROT_EXEC) !== 0n
      : a.op === "eq"
      ? (a.value & PROT_EXEC) !== 0n
      : a.op === "ge" || a.op === "gt")
  );
}

/**
 * Lints what `policies` grant on purpose that weakens or leaves the sandbox (see the module
 * documentation). Findings are in policy order; `lintPolicies` sorts and deduplicates them.
 *
 * @param policies The resolved policies to check.
 * @returns The findings.
 *
 * @example
 * ```ts
 * import { lintPrivileges } from "./lint_privileges.ts";
 * const loc = { file: "p.yaml", line: 6, column: 3 };
 * const findings = lintPrivileges([{
 *   name: "p", defaultAction: "deny", defaultErrno: 1, mode: "enforce", rules: [], loc,
 *   privileges: { capabilities: [{ name: "CAP_SYS_ADMIN", loc }], devices: [], signals: "sandbox", loc },
 * }]);
 * if (findings[0]?.code !== "dangerous-capability") throw new Error(JSON.stringify(findings));
 * ```
 */
export function lintPrivileges(policies: readonly ResolvedPolicy[]): Finding[] {
  const findings: Finding[] = [];
  for (const policy of policies) {
    const name = policy.name;
    const privileges = policy.privileges;
    if (privileges !== undefined) {
      for (const cap of privileges.capabilities) {
        const allows = DANGEROUS_CAPABILITIES[cap.name];
        if (allows === undefined) continue;
        findings.push(find(
          "dangerous-capability",
          `Policy "${name}" keeps ${cap.name}, which allows ${allows}`,
          cap.loc,
          name,
        ));
      }
      if (privileges.signals === "any") {
        findings.push(find(
          "signals-any",
          `Policy "${name}" has privileges.signals: any: the program may signal and kill processes outside its sandbox`,
          privileges.loc,
          name,
        ));
      }
      for (const device of privileges.devices) {
        const d = device.name;
        const raw = RAW_CHAR_DEVICES.find(([number]) => number === d);
        let what: string | undefined;
        if (d.startsWith("b ")) {
          what = "a block device: the whole disk, whatever the path rules say";
        } else if (raw !== undefined) what = `${raw[1]}: the host's memory or I/O ports`;
        else if (RAW_DEVICE_PATH.test(d)) {
          what = "a disk or the host's memory: everything on it, whatever the path rules say";
        }
        if (what === undefined) continue;
        findings.push(find(
          "raw-device",
          `Policy "${name}" grants device "${d}", ${what}`,
          device.loc,
          name,
        ));
      }
      const user = privileges.user;
      if (user?.uid === 0 && privileges.capabilities.length > 0) {
        findings.push(find(
          "root-with-capabilities",
          `Policy "${name}" runs the program as uid 0 and keeps ${
            privileges.capabilities.map((c) => c.name).join(", ")
          }: root with capabilities owns every file the path rules leave reachable`,
          user.loc,
          name,
        ));
      }
    }
    for (const socket of policy.network?.unix ?? []) {
      if (socket.kind !== "path") continue;
      const daemon = hostDaemon(socket.name);
      if (daemon === undefined) continue;
      findings.push(find(
        "unix-host-daemon",
        `Policy "${name}" lets the program connect to "${socket.text}", ${
          daemon.holds
            ? `which holds ${daemon.socket} of ${daemon.daemon}`
            : `the socket of ${daemon.daemon}`
        }: a full escape (the daemon acts as root for whoever connects)`,
        socket.loc,
        name,
      ));
    }
    const fs = policy.filesystem;
    if (fs !== undefined) {
      for (const w of fs.write) {
        const path = normalisePath(w);
        let what: string | undefined;
        if (path === "/") {
          what = "every file of the host, /proc, /sys and /dev included (run as root: " +
            "/etc/ld.so.preload, cron, SSH keys, which make it the host's root), and where " +
            "symbolic links it makes are followed (a network.unix address can lead elsewhere)";
        } else if (isBeneath(path, "/proc")) {
          what = "kernel settings (/proc/sys) and other processes' memory (/proc/PID/mem)";
        } else if (isBeneath(path, "/sys")) {
          what = "kernel and device settings, and cgroup membership (cgroup.procs)";
        } else if (
          isBeneath(path, "/dev") && !SAFE_DEV_WRITES.some((safe) => isBeneath(path, safe))
        ) {
          what = "device nodes (disks, memory) and what may be created there";
        }
        if (what === undefined) continue;
        findings.push(find(
          "write-system-path",
          `Policy "${name}" may write "${w}", which makes ${what} writable`,
          fs.loc,
          name,
        ));
      }
    }
    if (policy.memory?.writeExecute !== "deny") {
      const rule = policy.rules.find(deniesExecProtection);
      if (rule !== undefined) {
        findings.push(find(
          "wx-recipe-without-memory",
          `Policy "${name}" denies ${
            rule.syscalls.flatMap((s) => s.kind === "name" && MPROTECT.has(s.name) ? [s.name] : [])
              .join(" and ")
          } with PROT_EXEC (rule "${rule.id}") but ${
            policy.memory === undefined
              ? "has no memory section"
              : "sets memory.writeExecute: allow"
          }: anonymous mmap(PROT_WRITE|PROT_EXEC), memfd mappings and shmat(SHM_EXEC) still run new code; write memory: { writeExecute: deny }`,
          policy.memory?.loc ?? rule.loc,
          name,
        ));
      }
    }
  }
  return findings;
}
