import { IMPLIED_PRIORITY, impliedRules } from "./implied_rules.ts";
import { compilePolicies } from "./compile.ts";
import { evaluate } from "./evaluate.ts";
import { compileSeccomp } from "./seccomp.ts";
import { decodeAction, runSeccomp } from "./bpf_interpreter.ts";
import { assertAgrees, crossCheck } from "./_seccomp_check.ts";
import type { FilterSet } from "./filter_set.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { AUDIT_ARCH, syscallNumber } from "../policies/syscalls.ts";
import type { Arch } from "../policies/types.ts";

function compileYaml(yaml: string, arches: readonly Arch[] = ["x86_64", "i386", "x32"]): FilterSet {
  return compilePolicies(resolvePolicies(parsePolicies(yaml, "p.yaml")), { arches });
}

function policy(spec: string, name = "p"): string {
  return `apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: ${name} }\nspec:\n${spec}`;
}

const BASELINE = policy("  extends: [builtin:baseline]\n");
const ALLOW_ALL = policy("  defaultAction: allow\n");
const EXEC_LIMITED = policy("  defaultAction: allow\n  filesystem:\n    execute: [/usr]\n");
const WX = policy(
  "  extends: [builtin:baseline]\n  memory:\n    writeExecute: deny\n",
);
const WEB = policy(
  "  extends: [builtin:baseline]\n  capabilities: { allow: [net.client] }\n" +
    '  network:\n    connect: ["tcp/443"]\n',
);
const NO_ENDPOINTS = policy(
  "  defaultAction: allow\n  network:\n    connect: []\n",
);
const CLIENT_NO_NETWORK = policy(
  "  extends: [builtin:baseline]\n  capabilities: { allow: [net.client, net.server] }\n",
);

/** What `set` does to one call: `allow`, `log`, `kill`, … or `deny <errno>`. */
function outcome(set: FilterSet, arch: Arch, name: string, args: bigint[]): string {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`${name} on ${arch}`);
  const verdict = evaluate(set, { arch, nr, args });
  // the seccomp program must agree with the evaluator
  const layer = set.layers[0]!;
  const arches = layer.arches.map((a) => a.arch);
  const run = runSeccomp(compileSeccomp(layer, arches), {
    nr,
    arch: AUDIT_ARCH[arch] >>> 0,
    args,
  });
  const { action, data } = decodeAction(run.action);
  const kernel = action === "errno" ? `deny ${data}` : action === "kill_process" ? "kill" : action;
  const evaluated = verdict.action === "deny" ? `deny ${verdict.errno}` : verdict.action;
  if (kernel !== evaluated) {
    throw new Error(`${arch} ${name}(${args}): program ${kernel}, evaluator ${evaluated}`);
  }
  return evaluated;
}

function expect(set: FilterSet, arch: Arch, name: string, args: bigint[], want: string): void {
  const got = outcome(set, arch, name, args);
  if (got !== want) {
    throw new Error(`${arch} ${name}(${args.join(", ")}): ${got}, expected ${want}`);
  }
}

const HIGH = 0xffff_ffff_0000_0000n; // bits the kernel drops from an int argument
const AT_EMPTY_PATH = 0x1000n;

Deno.test(
  "impliedRules() gives every policy the fd-exec and terminal-injection denies, at the implied priority",
  {
    permissions: "none",
  },
  () => {
    const loc = { file: "p.yaml", line: 1, column: 1 };
    const rules = impliedRules({
      name: "p",
      defaultAction: "allow",
      defaultErrno: 1,
      mode: "enforce",
      rules: [],
      loc,
    }, "x86_64");
    const ids = rules.map((r) => r.id).join();
    if (
      ids !== "p:implied:no-fd-exec,p:implied:no-tiocsti,p:implied:no-tioclinux" ||
      rules.some((r) => r.priority !== IMPLIED_PRIORITY)
    ) {
      throw new Error(ids);
    }
  },
);

Deno.test("TIOCSTI and TIOCLINUX are denied under every policy, on every ABI", {
  permissions: "none",
}, async (t) => {
  for (const [name, yaml] of [["baseline", BASELINE], ["allow-all", ALLOW_ALL]] as const) {
    const set = compileYaml(yaml);
    await t.step(name, () => {
      for (const arch of ["x86_64", "i386", "x32"] as const) {
        expect(set, arch, "ioctl", [0n, 0x5412n], "deny 1");
        expect(set, arch, "ioctl", [0n, 0x541cn], "deny 1");
        expect(set, arch, "ioctl", [0n, 0x5413n], "allow"); // TIOCGWINSZ
      }
      // cmd is an unsigned int: bits above 31 neither hide nor forge it
      expect(set, "x86_64", "ioctl", [0n, HIGH | 0x5412n], "deny 1");
      expect(set, "x86_64", "ioctl", [0n, HIGH | 0x5413n], "allow");
    });
  }
});

Deno.test("execveat with AT_EMPTY_PATH is denied under every policy, on every ABI", {
  permissions: "none",
}, async (t) => {
  for (const [name, yaml] of [["baseline", BASELINE], ["allow-all", ALLOW_ALL]] as const) {
    const set = compileYaml(yaml);
    await t.step(name, () => {
      for (const arch of ["x86_64", "i386", "x32"] as const) {
        expect(set, arch, "execveat", [3n, 0n, 0n, 0n, AT_EMPTY_PATH], "deny 13");
        expect(set, arch, "execveat", [3n, 0n, 0n, 0n, AT_EMPTY_PATH | 0x100n], "deny 13");
        expect(set, arch, "execveat", [-100n, 0n, 0n, 0n, 0n], "allow");
      }
      // the kernel reads flags as an int: garbage above bit 31 changes nothing
      expect(set, "x86_64", "execveat", [3n, 0n, 0n, 0n, HIGH | AT_EMPTY_PATH], "deny 13");
      expect(set, "x86_64", "execveat", [3n, 0n, 0n, 0n, HIGH], "allow");
      expect(set, "x86_64", "execve", [0n, 0n, 0n], "allow");
    });
  }
});

Deno.test("a written rule above the implied priority allows fd exec explicitly", {
  permissions: "none",
}, () => {
  const set = compileYaml(policy(
    "  defaultAction: allow\n  rules:\n    - { syscalls: [execveat], action: allow, priority: 1001 }\n",
  ));
  expect(set, "x86_64", "execveat", [3n, 0n, 0n, 0n, AT_EMPTY_PATH], "allow");
});

Deno.test("memfd_create needs MFD_NOEXEC_SEAL where execution is restricted", {
  permissions: "none",
}, () => {
  for (const yaml of [BASELINE, EXEC_LIMITED]) {
    const set = compileYaml(yaml);
    for (const arch of ["x86_64", "i386"] as const) {
      expect(set, arch, "memfd_create", [0n, 0n], "deny 13");
      expect(set, arch, "memfd_create", [0n, 1n], "deny 13"); // MFD_CLOEXEC
      expect(set, arch, "memfd_create", [0n, 0x10n], "deny 13"); // MFD_EXEC
      expect(set, arch, "memfd_create", [0n, 0x9n], "allow"); // CLOEXEC | NOEXEC_SEAL
    }
    expect(set, "x86_64", "memfd_create", [0n, HIGH | 0x9n], "allow");
    expect(set, "x86_64", "memfd_create", [0n, HIGH | 1n], "deny 13");
  }
  // execution not restricted: nothing to protect, memfds stay as they are
  expect(compileYaml(ALLOW_ALL), "x86_64", "memfd_create", [0n, 1n], "allow");
});

Deno.test("memory.writeExecute: deny leaves no writable-and-executable memory", {
  permissions: "none",
}, () => {
  const set = compileYaml(WX);
  const open = compileYaml(policy("  defaultAction: allow\n  memory:\n    writeExecute: deny\n"));
  const [R, W, X] = [1n, 2n, 4n];
  const [SHARED, PRIVATE, ANON] = [1n, 2n, 0x20n];
  for (const arch of ["x86_64", "i386"] as const) {
    const mmap = arch === "i386" ? "mmap2" : "mmap";
    const call = (prot: bigint, flags: bigint) => [0n, 4096n, prot, flags, 3n, 0n];
    // what the dynamic loader does: private, read-only, executable file mappings
    expect(set, arch, mmap, call(R | X, PRIVATE | 0x800n), "allow");
    expect(set, arch, mmap, call(R | W, PRIVATE | ANON), "allow");
    expect(set, arch, mmap, call(R | W | X, PRIVATE | ANON), "deny 1");
    expect(set, arch, mmap, call(R | W | X, PRIVATE), "deny 1");
    expect(set, arch, mmap, call(R | X, PRIVATE | ANON), "deny 1");
    expect(set, arch, mmap, call(R | X, SHARED), "deny 1");
    expect(set, arch, mmap, call(R | X, 3n), "deny 1"); // MAP_SHARED_VALIDATE
    expect(set, arch, "mprotect", [0n, 4096n, R | X], "deny 1");
    expect(set, arch, "mprotect", [0n, 4096n, R], "allow");
    expect(set, arch, "pkey_mprotect", [0n, 4096n, X, 0n], "deny 1");
    expect(set, arch, "shmat", [1n, 0n, 0x8000n], "deny 1");
    expect(set, arch, "shmat", [1n, 0n, 0x1000n], "allow"); // SHM_RDONLY
    // baseline denies personality anyway; a policy allowing everything else still may not
    expect(open, arch, "personality", [0x0400000n], "deny 1");
    expect(open, arch, "personality", [HIGH | 0x0400008n], "deny 1");
    expect(open, arch, "personality", [0xffffffffn], "allow"); // the query
    expect(open, arch, "personality", [0n], "allow");
    expect(open, arch, mmap, [0n, 4096n, R | X, ANON, 0n, 0n], "deny 1");
    expect(set, arch, "memfd_create", [0n, 0x8n], "deny 1");
  }
  expect(set, "x86_64", "memfd_secret", [0n], "deny 1");
  expect(set, "x86_64", "mmap", [0n, 4096n, HIGH | R | X, PRIVATE | ANON, 0n, 0n], "deny 1");
  // i386: the old mmap's arguments are behind a pointer; ipc(SHMAT) carries shmat
  expect(set, "i386", "mmap", [0n], "deny 1");
  expect(set, "i386", "ipc", [21n, 1n, 0x8000n, 0n, 0n], "deny 1");
  expect(set, "i386", "ipc", [21n | 0x10000n, 1n, 0x8000n, 0n, 0n], "deny 1"); // version bits
  expect(set, "i386", "ipc", [21n, 1n, 0n, 0n, 0n], "allow");
  // without the section, the kernel's defaults
  expect(compileYaml(BASELINE), "x86_64", "mmap", [0n, 4096n, R | W | X, ANON, 0n, 0n], "allow");
});

const [UNIX, INET, INET6, NETLINK, PACKET, ALG, VSOCK] = [1n, 2n, 10n, 16n, 17n, 38n, 40n];
const [STREAM, DGRAM, RAW, SEQPACKET, PACKET_TYPE] = [1n, 2n, 3n, 5n, 10n];
const FLAGS = 0x80800n; // SOCK_NONBLOCK | SOCK_CLOEXEC

Deno.test("sockets: only the kinds ordinary programs need, with any capability group", {
  permissions: "none",
}, async (t) => {
  for (
    const [name, yaml] of [["net.client without network", CLIENT_NO_NETWORK], ["web", WEB]] as const
  ) {
    await t.step(name, () => {
      const set = compileYaml(yaml);
      for (const arch of ["x86_64", "i386"] as const) {
        expect(set, arch, "socket", [INET, STREAM | FLAGS, 0n], "allow");
        expect(set, arch, "socket", [INET6, STREAM, 6n], "allow");
        expect(set, arch, "socket", [UNIX, SEQPACKET | FLAGS, 0n], "allow");
        expect(set, arch, "socket", [NETLINK, RAW | FLAGS, 0n], "allow");
        expect(set, arch, "socket", [INET, PACKET_TYPE, 0x300n], "deny 13"); // SOCK_PACKET
        expect(set, arch, "socket", [INET, RAW, 1n], "deny 13");
        expect(set, arch, "socket", [INET6, RAW | FLAGS, 58n], "deny 13");
        expect(set, arch, "socket", [PACKET, RAW, 0x300n], "deny 13");
        expect(set, arch, "socket", [INET, DGRAM, 1n], "deny 13"); // ICMP ping socket
        expect(set, arch, "socket", [INET6, DGRAM, 58n], "deny 13"); // ICMPv6 ping socket
        expect(set, arch, "socket", [INET, STREAM, 262n], "deny 13"); // MPTCP
        expect(set, arch, "socket", [INET, SEQPACKET, 0n], "deny 13"); // SCTP
        expect(set, arch, "socket", [NETLINK, RAW, 9n], "deny 13"); // NETLINK_AUDIT
        expect(set, arch, "socket", [ALG, 5n, 0n], "deny 13");
        expect(set, arch, "socket", [VSOCK, STREAM, 0n], "deny 13");
        expect(set, arch, "socketpair", [VSOCK, STREAM, 0n, 0n], "deny 13");
        expect(set, arch, "socketpair", [UNIX, STREAM, 0n, 0n], "allow");
      }
      // the kernel reads int arguments: high garbage neither hides nor forges a family
      expect(set, "x86_64", "socket", [HIGH | PACKET, RAW, 0n], "deny 13");
      expect(set, "x86_64", "socket", [HIGH | INET, HIGH | PACKET_TYPE, 0n], "deny 13");
      expect(set, "x86_64", "socket", [HIGH | INET, HIGH | STREAM, HIGH], "allow");
      // the multiplexer hides its arguments: ENOSYS
      expect(set, "i386", "socketcall", [1n, 0n], "deny 38");
    });
  }
});

Deno.test("a network section allows the families and types its endpoints need", {
  permissions: "none",
}, () => {
  const web = compileYaml(WEB); // tcp/443 only
  expect(web, "x86_64", "socket", [INET, STREAM, 0n], "allow");
  expect(web, "x86_64", "socket", [INET, DGRAM, 0n], "deny 13");
  expect(web, "x86_64", "socket", [INET6, DGRAM | FLAGS, 17n], "deny 13");
  const none = compileYaml(NO_ENDPOINTS);
  for (const family of [INET, INET6, NETLINK]) {
    expect(none, "x86_64", "socket", [family, STREAM, 0n], "deny 13");
    expect(none, "x86_64", "socket", [family, DGRAM, 0n], "deny 13");
  }
  expect(none, "x86_64", "socket", [UNIX, STREAM, 0n], "allow");
  expect(none, "i386", "socketcall", [1n, 0n], "deny 38");
  const udp = compileYaml(policy('  defaultAction: allow\n  network:\n    connect: ["udp/53"]\n'));
  expect(udp, "x86_64", "socket", [INET, DGRAM, 0n], "allow");
  expect(udp, "x86_64", "socket", [INET, STREAM, 0n], "deny 13");
  const any = compileYaml(
    policy('  defaultAction: allow\n  network:\n    bind: ["127.0.0.1:80"]\n'),
  );
  expect(any, "x86_64", "socket", [INET, DGRAM, 0n], "allow");
  expect(any, "x86_64", "socket", [INET6, STREAM, 0n], "allow");
  // without a network section and without baseline: nothing implied
  expect(compileYaml(ALLOW_ALL), "x86_64", "socket", [PACKET, RAW, 0n], "allow");
});

Deno.test("implied rules keep getppid cacheable and every program correct", {
  permissions: "none",
}, () => {
  for (const yaml of [BASELINE, WX, WEB, NO_ENDPOINTS, EXEC_LIMITED]) {
    const set = compileYaml(yaml);
    const layer = set.layers[0]!;
    const arches = layer.arches.map((a) => a.arch);
    const program = compileSeccomp(layer, arches);
    for (const arch of ["x86_64", "i386"] as const) {
      const run = runSeccomp(program, {
        nr: syscallNumber(arch, "getppid")!,
        arch: AUDIT_ARCH[arch] >>> 0,
        args: [],
      });
      if (run.loadsArguments || decodeAction(run.action).action !== "allow") {
        throw new Error(`getppid on ${arch} must load only nr and arch and be allowed`);
      }
    }
    assertAgrees(crossCheck(program, layer));
  }
});
