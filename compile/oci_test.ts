import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import type { Arch } from "../policies/types.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { AUDIT_ARCH, syscallName, syscallNumber } from "../policies/syscalls.ts";
import { compilePolicies } from "./compile.ts";
import type { FilterLayer } from "./filter_set.ts";
import {
  DOCKER_DEFAULT_CAPS,
  exportOciProfile,
  formatOciProfile,
  formatOciRuntimeSeccomp,
  formatSeccompProfileObject,
  importOciProfile,
  type OciImportOptions,
  type OciProfile,
  type OciProfileArg,
  OciProfileError,
  parseOciProfile,
  parseSeccompDocument,
  resolveOciProfile,
  SCMP_ARCH_NAMES,
  seccompProfileObject,
} from "./oci.ts";
import { compileSeccomp } from "./seccomp.ts";
import { runSeccomp } from "./bpf_interpreter.ts";
import { archOf, argProbes, expectedReturn, probeNumbers } from "./_seccomp_check.ts";
import {
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from "./sock_filter.ts";

const SHARED = new URL("../../shared/data/oci/", import.meta.url);
const docker = parseOciProfile(Deno.readTextFileSync(new URL("docker-default.json", SHARED)));
const podman = parseOciProfile(Deno.readTextFileSync(new URL("podman-default.json", SHARED)));
const X86_ARCHES: Arch[] = ["x86_64", "i386", "x32"];

/** YAML → parsed → resolved → compiled layer. */
function layerOf(yaml: string, arches: readonly Arch[] = X86_ARCHES): FilterLayer {
  const set = parsePolicies(yaml, "imported.yaml");
  return compilePolicies(resolvePolicies(set), { arches }).layers[0]!;
}

function imported(json: unknown, options: OciImportOptions = {}): FilterLayer {
  const result = importOciProfile(json, { minKernel: "6.1", ...options });
  return layerOf(result.yaml, result.arches);
}

function decide(layer: FilterLayer, arch: Arch, name: string, args: bigint[] = []): number {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`${name} is not on ${arch}`);
  return expectedReturn(layer, X86_ARCHES, { arch: AUDIT_ARCH[arch], nr, args }, {
    enosysUnknown: false,
  });
}

function assertThrowsOci(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof OciProfileError)) throw error;
    assertEquals(error.code, code);
    ok(pattern.test(error.message), error.message);
    return;
  }
  throw new Error("expected an OciProfileError");
}

Deno.test({
  name: "resolveOciProfile() applies moby's includes and excludes by caps, arches and minKernel",
  permissions: { env: true },
  fn() {
    const base = resolveOciProfile(docker, { minKernel: "6.1" });
    const kept = (p: typeof base) => new Set(p.syscalls.map((s) => s.index));
    ok(kept(base).has(1), "ptrace entry needs kernel 4.8: kept on 6.1");
    ok(!kept(resolveOciProfile(docker, { minKernel: "4.4" })).has(1), "dropped on 4.4");
    ok(kept(base).has(12) && kept(base).has(13), "arch_prctl and modify_ldt are for amd64");
    ok(!kept(base).has(11), "arm entries are dropped on amd64");
    ok(kept(resolveOciProfile(docker, { arch: "aarch64" })).has(11), "and kept on arm64");
    ok(kept(base).has(18) && kept(base).has(20), "clone/clone3 limits without CAP_SYS_ADMIN");
    ok(!kept(base).has(17), "CAP_SYS_ADMIN entry needs the cap");
    const admin = kept(
      resolveOciProfile(docker, { caps: [...DOCKER_DEFAULT_CAPS, "CAP_SYS_ADMIN"] }),
    );
    ok(admin.has(17) && !admin.has(18) && !admin.has(20), "CAP_SYS_ADMIN swaps them");
    assertEquals(base.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    assertEquals(
      resolveOciProfile(docker, { arch: "aarch64" }).architectures,
      ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
    );
    const reason = base.dropped.find((d) => d.index === 21)?.reason;
    assertEquals(reason, "needs CAP_SYS_BOOT, which the container lacks");
  },
});

Deno.test({
  name: "resolveOciProfile() refuses malformed profiles naming the offending key",
  permissions: { env: true },
  fn() {
    assertThrowsOci(() => resolveOciProfile([]), "invalid-profile", /must be a JSON object/);
    assertThrowsOci(
      () => resolveOciProfile({ defaultAction: "SCMP_ACT_NOPE" }),
      "invalid-profile",
      /^defaultAction: unknown action "SCMP_ACT_NOPE"/,
    );
    assertThrowsOci(
      () =>
        resolveOciProfile({
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{
            names: ["read"],
            action: "SCMP_ACT_ERRNO",
            args: [{ index: 7, value: 1, op: "SCMP_CMP_EQ" }],
          }],
        }),
      "invalid-profile",
      /^syscalls\[0\]\.args\[0\]\.index: must be 0-5/,
    );
    assertThrowsOci(
      () =>
        resolveOciProfile({
          defaultAction: "SCMP_ACT_ALLOW",
          architectures: ["SCMP_ARCH_X86_64"],
          archMap: [{ architecture: "SCMP_ARCH_X86_64" }],
        }),
      "invalid-profile",
      /both given/,
    );
    assertThrowsOci(() => resolveOciProfile(docker, { arch: "x32" }), "unsupported", /x32/);
    assertThrowsOci(() => parseOciProfile("{"), "invalid-profile", /not valid JSON/);
  },
});

Deno.test({
  name: "parseOciProfile() keeps 64-bit argument values exact",
  permissions: { env: true },
  fn() {
    const profile = parseOciProfile(
      // argument 2 of ioctl is an `unsigned long`: the kernel reads all 64 bits of it
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ERRNO",' +
        '"args":[{"index":2,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}',
    );
    const layer = imported(profile);
    const u64Max = (1n << 64n) - 1n;
    assertEquals(decide(layer, "x86_64", "ioctl", [0n, 0n, u64Max]), SECCOMP_RET_ERRNO | 1);
    assertEquals(decide(layer, "x86_64", "ioctl", [0n, 0n, u64Max - 1n]), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "x86_64", "ioctl", [0n, 0n, 0xffff_ffffn]), SECCOMP_RET_ALLOW);
    const text = formatOciProfile(exportOciProfile(layer));
    ok(text.includes('"value": 18446744073709551615'), text);
    const again = imported(parseOciProfile(text));
    assertEquals(decide(again, "x86_64", "ioctl", [0n, 0n, u64Max]), SECCOMP_RET_ERRNO | 1);
  },
});

Deno.test({
  name: "importOciProfile() turns the Docker default profile into an equivalent policy",
  permissions: { env: true },
  fn() {
    const result = importOciProfile(docker, {
      minKernel: "6.1",
      name: "docker-default",
      source: "docker-default.json",
    });
    ok(result.yaml.startsWith("# Imported by `cordon import oci` from docker-default.json"));
    ok(result.yaml.includes("# dropped syscalls[21]: needs CAP_SYS_BOOT"), "provenance comments");
    assertEquals(result.arches, X86_ARCHES);
    ok(result.warnings.some((w) => /Skipped syscalls no architecture knows/.test(w)));
    const layer = layerOf(result.yaml, result.arches);
    const EPERM = SECCOMP_RET_ERRNO | 1;
    assertEquals(decide(layer, "x86_64", "read"), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "i386", "chown32"), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "x86_64", "ptrace"), SECCOMP_RET_ALLOW, "minKernel 4.8 held");
    assertEquals(decide(layer, "x86_64", "reboot"), EPERM);
    assertEquals(decide(layer, "x86_64", "mount"), EPERM);
    assertEquals(decide(layer, "x86_64", "clone3"), SECCOMP_RET_ERRNO | 38, "errnoRet");
    assertEquals(decide(layer, "x86_64", "socket", [2n]), SECCOMP_RET_ALLOW, "AF_INET < 38");
    assertEquals(decide(layer, "x86_64", "socket", [38n]), EPERM);
    assertEquals(decide(layer, "x86_64", "socket", [39n]), SECCOMP_RET_ALLOW, "== 39");
    assertEquals(decide(layer, "x86_64", "socket", [40n]), EPERM, "AF_VSOCK");
    assertEquals(decide(layer, "x86_64", "socket", [41n]), SECCOMP_RET_ALLOW, "> 40");
    assertEquals(decide(layer, "x86_64", "personality", [0xffffffffn]), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "x86_64", "personality", [1n]), EPERM);
    assertEquals(decide(layer, "x86_64", "clone", [0x11n]), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "x86_64", "clone", [0x10000000n]), EPERM, "CLONE_NEWUSER");
    assertEquals(decide(layer, "x86_64", "arch_prctl"), SECCOMP_RET_ALLOW);
    assertEquals(decide(layer, "i386", "modify_ldt"), SECCOMP_RET_ALLOW);
    const admin = imported(docker, { caps: [...DOCKER_DEFAULT_CAPS, "CAP_SYS_ADMIN"] });
    assertEquals(decide(admin, "x86_64", "clone3"), SECCOMP_RET_ALLOW);
    assertEquals(decide(admin, "x86_64", "clone", [0x10000000n]), SECCOMP_RET_ALLOW);
    assertEquals(decide(admin, "x86_64", "mount"), SECCOMP_RET_ALLOW);
    const old = imported(docker, { minKernel: "4.4" });
    assertEquals(decide(old, "x86_64", "ptrace"), EPERM, "before 4.8 ptrace is denied");
  },
});

Deno.test({
  name: "importOciProfile() follows runc and libseccomp where entries overlap",
  permissions: { env: true },
  async fn(t) {
    await t.step("the first unconditional rule for a syscall wins (podman setns)", () => {
      const layer = imported(podman);
      assertEquals(decide(layer, "x86_64", "setns"), SECCOMP_RET_ALLOW);
      assertEquals(
        decide(layer, "x86_64", "acct"),
        SECCOMP_RET_ERRNO | 1,
      );
      assertEquals(decide(layer, "x86_64", "mount"), SECCOMP_RET_ALLOW);
      assertEquals(
        decide(layer, "x86_64", "socket", [16n, 0n, 9n]),
        SECCOMP_RET_ALLOW,
        "CAP_AUDIT_WRITE",
      );
      const noAudit = imported(podman, { caps: [] });
      assertEquals(decide(noAudit, "x86_64", "socket", [16n, 0n, 9n]), SECCOMP_RET_ERRNO | 22);
      assertEquals(decide(noAudit, "x86_64", "socket", [16n, 0n, 3n]), SECCOMP_RET_ALLOW);
      assertEquals(decide(noAudit, "x86_64", "socket", [2n, 0n, 9n]), SECCOMP_RET_ALLOW);
    });
    await t.step("an unconditional rule overrides earlier conditional ones", () => {
      const layer = imported({
        defaultAction: "SCMP_ACT_ERRNO",
        syscalls: [
          {
            names: ["ioctl"],
            action: "SCMP_ACT_KILL_PROCESS",
            args: [{ index: 1, value: 5, op: "SCMP_CMP_EQ" }],
          },
          { names: ["ioctl"], action: "SCMP_ACT_ALLOW" },
        ],
      });
      assertEquals(decide(layer, "x86_64", "ioctl", [0n, 5n]), SECCOMP_RET_ALLOW);
    });
    await t.step("entries with the default action are ignored, as runc does", () => {
      const layer = imported({
        defaultAction: "SCMP_ACT_ERRNO",
        syscalls: [
          {
            names: ["ioctl"],
            action: "SCMP_ACT_ALLOW",
            args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }],
          },
          { names: ["ioctl"], action: "SCMP_ACT_ERRNO" },
        ],
      });
      assertEquals(decide(layer, "x86_64", "ioctl", [1n]), SECCOMP_RET_ALLOW);
      assertEquals(decide(layer, "x86_64", "ioctl", [2n]), SECCOMP_RET_ERRNO | 1);
    });
    await t.step("several conditions on one argument are ORed, as runc does", () => {
      const layer = imported({
        defaultAction: "SCMP_ACT_LOG",
        syscalls: [{
          names: ["kill"],
          action: "SCMP_ACT_ERRNO",
          errnoRet: 13,
          args: [
            { index: 1, value: 9, op: "SCMP_CMP_EQ" },
            { index: 1, value: 19, op: "SCMP_CMP_EQ" },
          ],
        }],
      });
      assertEquals(decide(layer, "x86_64", "kill", [0n, 9n]), SECCOMP_RET_ERRNO | 13);
      assertEquals(decide(layer, "x86_64", "kill", [0n, 19n]), SECCOMP_RET_ERRNO | 13);
      assertEquals(decide(layer, "x86_64", "kill", [0n, 15n]), SECCOMP_RET_LOG);
    });
    await t.step("conditions on different arguments are ANDed", () => {
      const layer = imported({
        defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{
          names: ["socket"],
          action: "SCMP_ACT_KILL_PROCESS",
          args: [
            { index: 0, value: 17, op: "SCMP_CMP_EQ" },
            { index: 1, value: 3, op: "SCMP_CMP_EQ" },
          ],
        }],
      });
      assertEquals(decide(layer, "x86_64", "socket", [17n, 3n]), SECCOMP_RET_KILL_PROCESS);
      assertEquals(decide(layer, "x86_64", "socket", [17n, 2n]), SECCOMP_RET_ALLOW);
    });
  },
});

/** Decisions of two layers agree on every number and every argument probe of either layer. */
function assertSameDecisions(a: FilterLayer, b: FilterLayer, arches: readonly Arch[]): number {
  let runs = 0;
  const pa = compileSeccomp(a, arches, { enosysUnknown: false });
  const pb = compileSeccomp(b, arches, { enosysUnknown: false });
  for (const arch of arches) {
    const fa = a.arches.find((f) => f.arch === arch)!;
    const fb = b.arches.find((f) => f.arch === arch)!;
    for (const nr of probeNumbers(fa)) {
      const probes = [
        ...argProbes(fa.syscalls.find((s) => s.nr === nr)),
        ...argProbes(fb.syscalls.find((s) => s.nr === nr)),
      ];
      for (const args of probes) {
        const data = { arch: AUDIT_ARCH[arch], nr, args };
        const ra = runSeccomp(pa, data).action;
        const rb = runSeccomp(pb, data).action;
        runs++;
        if (ra !== rb) {
          throw new Error(
            `${arch} nr ${nr} args ${args.join(",")}: 0x${ra.toString(16)} vs 0x${rb.toString(16)}`,
          );
        }
      }
    }
  }
  return runs;
}

Deno.test({
  name: "exportOciProfile() round-trips: import, compile, export, import gives the same decisions",
  permissions: { env: true },
  async fn(t) {
    for (const [name, json] of [["docker", docker], ["podman", podman]] as const) {
      for (const caps of [DOCKER_DEFAULT_CAPS, [] as string[]]) {
        await t.step(`${name} with ${caps.length} caps`, () => {
          const first = imported(json, { caps });
          const warnings: string[] = [];
          const profile = exportOciProfile(first, { onWarning: (w) => warnings.push(w) });
          const text = formatOciProfile(profile);
          const again = imported(parseOciProfile(text), { caps });
          ok(assertSameDecisions(first, again, X86_ARCHES) > 1000);
          assertEquals(profile.archMap, [{
            architecture: "SCMP_ARCH_X86_64",
            subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          }]);
        });
      }
    }
  },
});

Deno.test({
  name: "exportOciProfile() makes cases with different outcomes disjoint",
  permissions: { env: true },
  fn() {
    const yaml = [
      "apiVersion: cordon/v1",
      "kind: Policy",
      "metadata: { name: sockets }",
      "spec:",
      "  defaultAction: deny",
      "  rules:",
      "    - { id: no-packet, syscalls: [socket], action: kill, priority: 10, args: [{ index: 0, op: eq, value: 17 }] }",
      "    - { id: low, syscalls: [socket], action: allow, priority: 5, args: [{ index: 0, op: lt, value: 17 }] }",
      "    - { id: audit, syscalls: [socket], action: log, priority: 1 }",
    ].join("\n");
    const layer = layerOf(yaml);
    const profile = exportOciProfile(layer);
    const socket = profile.syscalls.filter((s) => s.names.includes("socket"));
    // kill a0 == 17; allow a0 < 17; log a0 >= 18 (on the low 32 bits: patterns on them)
    assertEquals([...new Set(socket.map((s) => s.action))].sort(), [
      "SCMP_ACT_ALLOW",
      "SCMP_ACT_KILL_PROCESS",
      "SCMP_ACT_LOG",
    ]);
    assertEquals(
      socket.filter((s) => s.action === "SCMP_ACT_KILL_PROCESS").map((s) => s.args),
      [[{ index: 0, value: 0xffffffff, valueTwo: 17, op: "SCMP_CMP_MASKED_EQ" }]],
    );
    const again = imported(parseOciProfile(formatOciProfile(profile)));
    assertSameDecisions(layer, again, X86_ARCHES);
    assertEquals(decide(again, "x86_64", "socket", [17n]), SECCOMP_RET_KILL_PROCESS);
    assertEquals(decide(again, "x86_64", "socket", [31n]), SECCOMP_RET_LOG);
    assertEquals(decide(again, "x86_64", "socket", [2n]), SECCOMP_RET_ALLOW);
  },
});

Deno.test({
  name: "exportOciProfile() writes a masked_eq case followed by another outcome exactly",
  permissions: { env: true },
  fn() {
    const yaml = [
      "apiVersion: cordon/v1",
      "kind: Policy",
      "metadata: { name: masks }",
      "spec:",
      "  defaultAction: deny",
      "  rules:",
      "    - { syscalls: [clone], action: kill, priority: 2, args: [{ index: 0, op: masked_eq, mask: 0x30000000, value: 0x10000000 }] }",
      "    - { syscalls: [clone], action: allow, priority: 1 }",
    ].join("\n");
    const layer = layerOf(yaml);
    const warnings: string[] = [];
    const profile = exportOciProfile(layer, { onWarning: (w) => warnings.push(w) });
    assertEquals(warnings, []);
    // "not (flags & 0x30000000) == 0x10000000": the first differing bit of the two
    const allow = profile.syscalls.filter((s) =>
      s.names.includes("clone") && s.action === "SCMP_ACT_ALLOW"
    );
    assertEquals(allow.map((s) => s.args), [
      [{ index: 0, value: 0x20000000, valueTwo: 0x20000000, op: "SCMP_CMP_MASKED_EQ" }],
      [{ index: 0, value: 0x30000000, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }],
    ]);
    const again = imported(parseOciProfile(formatOciProfile(profile)));
    ok(assertSameDecisions(layer, again, X86_ARCHES) > 1000);
    assertEquals(decide(again, "x86_64", "clone", [0x10000011n]), SECCOMP_RET_KILL_PROCESS);
    assertEquals(decide(again, "x86_64", "clone", [0x30000011n]), SECCOMP_RET_ALLOW);
  },
});

Deno.test({
  name: "exportOciProfile() decides the upper bits of int arguments as the kernel reads them",
  permissions: { env: true },
  fn() {
    const yaml = [
      "apiVersion: cordon/v1",
      "kind: Policy",
      "metadata: { name: no-packet }",
      "spec:",
      "  defaultAction: allow",
      "  rules:",
      "    - { id: no-packet, syscalls: [socket], action: deny, errno: EXDEV, args: [{ index: 0, op: eq, value: AF_PACKET }] }",
      "    - { id: not-inet, syscalls: [socketpair], action: kill, args: [{ index: 0, op: ne, value: AF_UNIX }] }",
    ].join("\n");
    const layer = layerOf(yaml);
    const profile = exportOciProfile(layer);
    const again = imported(parseOciProfile(formatOciProfile(profile)));
    ok(assertSameDecisions(layer, again, X86_ARCHES) > 1000);
    // the kernel reads `int family` from the low 32 bits: 1 << 32 | AF_PACKET is AF_PACKET
    const EXDEV = SECCOMP_RET_ERRNO | 18;
    assertEquals(decide(again, "x86_64", "socket", [17n]), EXDEV);
    assertEquals(decide(again, "x86_64", "socket", [(1n << 32n) | 17n]), EXDEV);
    assertEquals(decide(again, "x86_64", "socket", [(1n << 32n) | 2n]), SECCOMP_RET_ALLOW);
    assertEquals(decide(again, "x86_64", "socketpair", [(1n << 32n) | 1n]), SECCOMP_RET_ALLOW);
    assertEquals(
      decide(again, "x86_64", "socketpair", [(1n << 32n) | 2n]),
      SECCOMP_RET_KILL_PROCESS,
    );
    // "!= AF_UNIX" on 32 bits: one pattern per bit that can differ
    const kills = profile.syscalls.filter((s) => s.action === "SCMP_ACT_KILL_PROCESS");
    assertEquals(kills.length, 32);
    ok(kills.every((s) => s.args?.[0]?.op === "SCMP_CMP_MASKED_EQ"));
  },
});

Deno.test({
  name: "importOciProfile() maps every OCI action and keeps the profile's errnos",
  permissions: { env: true },
  fn() {
    const actions = [
      ["SCMP_ACT_KILL_PROCESS", "kill"],
      ["SCMP_ACT_KILL_THREAD", "kill_thread"],
      ["SCMP_ACT_KILL", "kill_thread"],
      ["SCMP_ACT_TRAP", "trap"],
      ["SCMP_ACT_LOG", "log"],
      ["SCMP_ACT_NOTIFY", "notify"],
      ["SCMP_ACT_TRACE", "trace"],
    ];
    for (const [oci, cordon] of actions) {
      const { yaml } = importOciProfile({
        defaultAction: "SCMP_ACT_ERRNO",
        defaultErrnoRet: 38,
        syscalls: [{ names: ["ioctl"], action: oci }],
      });
      ok(yaml.includes(`action: ${cordon}\n`), `${oci}: ${yaml}`);
      ok(yaml.includes("defaultErrno: ENOSYS"), yaml);
      layerOf(yaml); // parses and compiles
    }
  },
});

Deno.test({
  name:
    "parseOciProfile() and resolveOciProfile() refuse what moby would ignore, at its FILE:LINE:COL",
  permissions: "none",
  async fn(t) {
    /** A profile with one allowed syscall entry, `extra` merged into the entry or the profile. */
    const text = (profile: string, entry = "") =>
      `{\n  "defaultAction": "SCMP_ACT_ERRNO",${profile}\n  "syscalls": [\n    {\n` +
      `      "names": ["read"],\n      "action": "SCMP_ACT_ALLOW"${entry}\n    }\n  ]\n}\n`;
    const cases: [string, string, RegExp, number, number][] = [
      [
        "a misspelt top-level key",
        text("").replace('"syscalls"', '"sycalls"'),
        /sycalls: unknown key "sycalls"; did you mean "syscalls"\?/,
        3,
        3,
      ],
      [
        "a key in the wrong case",
        text("").replace('"defaultAction"', '"DefaultAction"'),
        /unknown key "DefaultAction"; did you mean "defaultAction"\?/,
        2,
        3,
      ],
      [
        "an unknown key in an entry",
        text("", ',\n      "errnoret": 1'),
        /syscalls\[0\]\.errnoret: unknown key "errnoret"; did you mean "errnoRet"\?/,
        7,
        7,
      ],
      [
        "an unknown action",
        text("").replace('"SCMP_ACT_ALLOW"', '"SCMP_ACT_ALOW"'),
        /syscalls\[0\]\.action: unknown action "SCMP_ACT_ALOW"; did you mean "SCMP_ACT_ALLOW"\?/,
        6,
        17,
      ],
      [
        "an unknown operator",
        text("", ',\n      "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQUAL"}]'),
        /syscalls\[0\]\.args\[0\]\.op: unknown operator "SCMP_CMP_EQUAL"/,
        7,
        47,
      ],
      [
        "an unknown architecture",
        text('\n  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AMD64"],'),
        /architectures\[1\]: unknown architecture "SCMP_ARCH_AMD64"/,
        3,
        41,
      ],
      [
        "an unknown sub-architecture",
        text('\n  "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["x86"]}],'),
        /archMap\[0\]\.subArchitectures\[0\]: unknown architecture "x86"/,
        3,
        73,
      ],
      [
        "an unknown includes architecture",
        text("", ',\n      "includes": {"arches": ["amd46"]}'),
        /syscalls\[0\]\.includes\.arches\[0\]: unknown architecture "amd46"; did you mean "amd64"\?/,
        7,
        31,
      ],
      [
        "an unknown capability",
        text("", ',\n      "includes": {"caps": ["CAP_FOO"]}'),
        /syscalls\[0\]\.includes\.caps\[0\]: unknown capability "CAP_FOO"/,
        7,
        29,
      ],
      [
        "a capability not written as the kernel names it",
        text("", ',\n      "excludes": {"caps": ["sys_admin"]}'),
        /unknown capability "sys_admin"; did you mean "CAP_SYS_ADMIN"\?/,
        7,
        29,
      ],
      [
        "an unknown flag",
        text('\n  "flags": ["SECCOMP_FILTER_FLAG_TSYNCH"],'),
        /flags\[0\]: unknown flag "SECCOMP_FILTER_FLAG_TSYNCH"/,
        3,
        13,
      ],
      [
        "an errno name that disagrees with errnoRet",
        text("", ',\n      "errnoRet": 1,\n      "errno": "ENOSYS"'),
        /syscalls\[0\]\.errno: "ENOSYS" \(38\) disagrees with errnoRet 1/,
        8,
        16,
      ],
      [
        "a key given twice",
        text('\n  "defaultAction": "SCMP_ACT_ALLOW",'),
        /key "defaultAction" is given twice/,
        3,
        3,
      ],
      ["a trailing comma", text("", ","), /not valid JSON: property name expected/, 7, 5],
      ["a comment", text("\n  // no"), /not valid JSON: invalid comment token/, 3, 3],
      ["nothing", "", /not valid JSON: value expected/, 1, 1],
      [
        "an action that is missing",
        text("").replace('"action": "SCMP_ACT_ALLOW"', '"comment": "x"'),
        /syscalls\[0\]\.action: must be one of SCMP_ACT_ALLOW/,
        4,
        5,
      ],
    ];
    for (const [what, json, message, line, column] of cases) {
      await t.step(what, () => {
        let error: unknown;
        try {
          resolveOciProfile(parseOciProfile(json, "p.json"));
        } catch (e) {
          error = e;
        }
        ok(error instanceof OciProfileError, `${what}: ${error}`);
        assertEquals(error.code, "invalid-profile");
        ok(message.test(error.message), error.message);
        ok(error.message.startsWith(`p.json:${line}:${column}: `), error.message);
        assertEquals(error.loc, { file: "p.json", line, column });
      });
    }
    await t.step("the same profile without the mistakes imports", () => {
      const clean = resolveOciProfile(parseOciProfile(text(""), "p.json"));
      assertEquals(clean.syscalls.map((e) => e.names), [["read"]]);
    });
    await t.step("Docker's and Podman's own profiles have none of them", () => {
      for (const profile of [docker, podman]) {
        ok(resolveOciProfile(profile).syscalls.length > 10);
      }
    });
    await t.step("an unknown capability in the options is a RangeError", () => {
      let error: unknown;
      try {
        resolveOciProfile(docker, { caps: ["CAP_FOO"] });
      } catch (e) {
        error = e;
      }
      ok(error instanceof RangeError && /"CAP_FOO"/.test(error.message), String(error));
    });
    await t.step("errnoRet 0 is refused at its location", () => {
      const json = text("", ',\n      "errnoRet": 0').replace("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO")
        .replace('"defaultAction": "SCMP_ACT_ERRNO"', '"defaultAction": "SCMP_ACT_ALLOW"');
      assertThrowsOci(
        () => importOciProfile(parseOciProfile(json, "p.json")),
        "unsupported",
        /^p\.json:7:19: syscalls\[0\]\.errnoRet: 0 makes denied calls look successful/,
      );
    });
  },
});

/** Strictness of a seccomp return value's action (the kernel's precedence). */
function rank(ret: number): number {
  const order = [
    SECCOMP_RET_ALLOW,
    SECCOMP_RET_LOG,
    SECCOMP_RET_TRACE,
    SECCOMP_RET_USER_NOTIF,
    SECCOMP_RET_ERRNO,
    SECCOMP_RET_TRAP,
    SECCOMP_RET_KILL_THREAD,
    SECCOMP_RET_KILL_PROCESS,
  ];
  return order.indexOf((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
}

/** `SCMP_ACT_*` (and errnoRet) as the kernel's return value, as runc maps them. */
function actionValue(action: string, errnoRet: number | undefined): number {
  switch (action) {
    case "SCMP_ACT_ALLOW":
      return SECCOMP_RET_ALLOW;
    case "SCMP_ACT_LOG":
      return SECCOMP_RET_LOG;
    case "SCMP_ACT_TRACE":
      return (SECCOMP_RET_TRACE | (errnoRet ?? 0)) >>> 0;
    case "SCMP_ACT_NOTIFY":
      return SECCOMP_RET_USER_NOTIF;
    case "SCMP_ACT_ERRNO":
      return (SECCOMP_RET_ERRNO | (errnoRet ?? 1)) >>> 0;
    case "SCMP_ACT_TRAP":
      return SECCOMP_RET_TRAP;
    case "SCMP_ACT_KILL_THREAD":
      return SECCOMP_RET_KILL_THREAD;
    case "SCMP_ACT_KILL_PROCESS":
      return SECCOMP_RET_KILL_PROCESS;
  }
  throw new Error(action);
}

/**
 * What a runtime decides with an exported profile, written plainly: the entry naming the syscall
 * whose conditions all hold (the export's entries are disjoint, and an unconditional one stands
 * alone), else the default; compared on 64 bits, and on the low 32 on i386 and x32 as libseccomp
 * does there.
 */
function profileDecides(profile: OciProfile, arch: Arch, nr: number, args: bigint[]): number {
  const name = syscallName(arch, nr);
  const low = arch === "i386" || arch === "x32" ? 0xffff_ffffn : (1n << 64n) - 1n;
  const holds = (a: OciProfileArg) => {
    const x = (args[a.index] ?? 0n) & low;
    const v = BigInt(a.value) & low;
    const v2 = BigInt(a.valueTwo ?? 0) & low;
    switch (a.op) {
      case "SCMP_CMP_EQ":
        return x === v;
      case "SCMP_CMP_NE":
        return x !== v;
      case "SCMP_CMP_LE":
        return x <= v;
      case "SCMP_CMP_GE":
        return x >= v;
      case "SCMP_CMP_LT":
        return x < v;
      case "SCMP_CMP_GT":
        return x > v;
      case "SCMP_CMP_MASKED_EQ":
        return (x & v) === v2;
    }
    throw new Error(a.op);
  };
  const hits = name === undefined
    ? []
    : profile.syscalls.filter((e) => e.names.includes(name) && (e.args ?? []).every(holds));
  const values = new Set(hits.map((e) => actionValue(e.action, e.errnoRet)));
  if (values.size > 1) throw new Error(`${arch} ${name}: entries with different actions overlap`);
  return hits[0] === undefined
    ? actionValue(profile.defaultAction, profile.defaultErrnoRet)
    : actionValue(hits[0].action, hits[0].errnoRet);
}

/**
 * The exported profile is never looser than `policy` on any number and argument probe; returns
 * the syscalls where they differ (by name or number) and how many probes ran.
 */
function assertNoLooser(
  policy: FilterLayer,
  profile: OciProfile,
  arches: readonly Arch[],
): { runs: number; differ: Set<string> } {
  const program = compileSeccomp(policy, arches, { enosysUnknown: false });
  const differ = new Set<string>();
  let runs = 0;
  for (const arch of arches) {
    const filter = policy.arches.find((f) => f.arch === arch)!;
    for (const nr of probeNumbers(filter)) {
      const decision = filter.syscalls.find((s) => s.nr === nr);
      // the ABI the kernel's (arch, nr) belongs to: x86_64 numbers with the x32 bit are x32's
      const abi = archOf(arches, AUDIT_ARCH[arch], nr);
      if (abi === undefined) continue;
      const listed = profile.archMap.some((a) =>
        [a.architecture, ...a.subArchitectures].includes(SCMP_ARCH_NAMES[abi])
      );
      if (!listed) {
        // libseccomp's bad-architecture action applies (a kill): not a decision of the entries
        differ.add(`arch:${abi}`);
        continue;
      }
      for (const args of argProbes(decision)) {
        const ra = runSeccomp(program, { arch: AUDIT_ARCH[arch], nr, args }).action >>> 0;
        const rb = profileDecides(profile, abi, nr, args);
        runs++;
        if (ra === rb) continue;
        const name = decision?.name ?? String(nr);
        if (rank(rb) < rank(ra)) {
          throw new Error(
            `${arch} ${name} args ${args.join(",")}: the export is looser: 0x${
              rb.toString(16)
            } where the policy returns 0x${ra.toString(16)}`,
          );
        }
        differ.add(name);
      }
    }
  }
  return { runs, differ };
}

const EXAMPLES = new URL("../examples/policies/", import.meta.url);

Deno.test({
  name: "exportOciProfile() exports every example and builtin, never looser than the policy",
  permissions: { read: true, env: true },
  async fn(t) {
    const files = [...Deno.readDirSync(EXAMPLES)].filter((e) => e.name.endsWith(".yaml"))
      .map((e) => e.name).sort();
    ok(files.length >= 7, files.join());
    const sources: [string, string][] = [
      ...files.map((f): [string, string] => [
        `examples/policies/${f}`,
        Deno.readTextFileSync(new URL(f, EXAMPLES)),
      ]),
      [
        "builtin:baseline",
        "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: base }\n" +
        "spec:\n  extends: [builtin:baseline]\n",
      ],
    ];
    for (const [file, yaml] of sources) {
      await t.step(file, () => {
        const set = parsePolicies(yaml, file, { baseDir: EXAMPLES.pathname });
        const layer = compilePolicies(resolvePolicies(set), { arches: X86_ARCHES }).layers[0]!;
        const warnings: { code: string; syscall?: string; message: string }[] = [];
        const profile = exportOciProfile(layer, {
          onWarning: (message, w) => warnings.push({ ...w, message }),
        });
        const { runs, differ } = assertNoLooser(layer, profile, X86_ARCHES);
        ok(runs > 1000, `${runs} probes`);
        // every difference is one the export reported, at a FILE:LINE:COL
        const warned = new Set(warnings.map((w) => w.syscall));
        for (const name of differ) ok(warned.has(name), `${name} differs without a warning`);
        for (const w of warnings.filter((w) => w.syscall !== undefined)) {
          ok(
            /^(builtin:baseline|examples\/policies\/[\w-]+\.yaml):\d+:\d+: /.test(w.message),
            w.message,
          );
        }
      });
    }
  },
});

Deno.test({
  name: "exportOciProfile() falls back to a stricter profile past the rule limit, and says where",
  permissions: { env: true },
  async fn(t) {
    const yaml = [
      "apiVersion: cordon/v1",
      "kind: Policy",
      "metadata: { name: tty }",
      "spec:",
      "  defaultAction: deny",
      "  rules:",
      "    - id: no-fionread",
      "      syscalls: [ioctl]",
      "      action: deny",
      "      errno: EACCES",
      "      priority: 2",
      "      args: [{ index: 1, op: eq, value: 0x541b }]",
      "    - id: ioctl",
      "      syscalls: [ioctl]",
      "      action: allow",
      "      priority: 1",
      "    - { id: only-sigkill, syscalls: [kill], action: kill, args: [{ index: 1, op: ne, value: 9 }] }",
    ].join("\n");
    const layer = layerOf(yaml);
    // ioctl's exact rules: the EACCES case (one) and the allowed rest (one per bit that can
    // differ from each denied command, builtin TIOCSTI and TIOCLINUX denials included)
    let exact = 0;
    await t.step("exact within the limit", () => {
      const warnings: string[] = [];
      const profile = exportOciProfile(layer, { onWarning: (w) => warnings.push(w) });
      assertEquals(warnings, []);
      assertSameDecisions(layer, imported(parseOciProfile(formatOciProfile(profile))), X86_ARCHES);
      exact = profile.syscalls.filter((s) => s.names.includes("ioctl")).length;
      ok(exact > 32, `${exact} rules`);
    });
    await t.step("an outcome as strict as the default becomes it (another errno)", () => {
      const warnings: string[] = [];
      const profile = exportOciProfile(layer, {
        maxRulesPerSyscall: exact - 1,
        onWarning: (w) => warnings.push(w),
      });
      const again = imported(parseOciProfile(formatOciProfile(profile)));
      const { differ } = assertNoLooser(layer, profile, X86_ARCHES);
      assertEquals([...differ], ["ioctl"]);
      ok(
        warnings.length === 1 && warnings[0]!.startsWith("imported.yaml:7:7: ioctl: "),
        warnings.join("\n"),
      );
      ok(
        /rule "no-fionread" \(deny \(errno 13\)\) decides get the default action deny \(errno 1\)/
          .test(warnings[0]!),
      );
      assertEquals(decide(again, "x86_64", "ioctl", [0n, 0x541bn]), SECCOMP_RET_ERRNO | 1);
      assertEquals(decide(again, "x86_64", "ioctl", [0n, 0x5413n]), SECCOMP_RET_ALLOW);
    });
    await t.step("then looser outcomes fall to the default; else the strictest for all", () => {
      const warnings: string[] = [];
      const profile = exportOciProfile(layer, {
        maxRulesPerSyscall: 8,
        onWarning: (w) => warnings.push(w),
      });
      const again = imported(parseOciProfile(formatOciProfile(profile)));
      const { differ } = assertNoLooser(layer, profile, X86_ARCHES);
      assertEquals([...differ].sort(), ["ioctl", "kill"]);
      assertEquals(decide(again, "x86_64", "ioctl", [0n, 0x5413n]), SECCOMP_RET_ERRNO | 1);
      // kill: killed unless the signal is 9 needs 32 rules; every kill(2) is killed (stricter)
      assertEquals(decide(again, "x86_64", "kill", [1n, 9n]), SECCOMP_RET_KILL_PROCESS);
      ok(warnings.some((w) => w.startsWith("imported.yaml:13:7: ioctl: ")), warnings.join("\n"));
      ok(
        warnings.some((w) =>
          /^imported\.yaml:\d+:\d+: kill: .*every kill call gets rule "only-sigkill"/.test(w)
        ),
        warnings.join("\n"),
      );
    });
  },
});

Deno.test({
  name: "exportOciProfile() applies the stricter decision where architectures differ by name",
  permissions: { env: true },
  fn() {
    // i386's 16-bit setresuid cannot take uid 0xffffffff, so the allow case exists on x86_64 only
    const layer = layerOf(
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: ids }\nspec:\n  extends: [builtin:baseline]\n",
    );
    const warnings: { code: string; syscall?: string }[] = [];
    const profile = exportOciProfile(layer, { onWarning: (_m, w) => warnings.push(w) });
    ok(warnings.some((w) => w.code === "arch-differs" && w.syscall === "setresuid"));
    const again = imported(parseOciProfile(formatOciProfile(profile)));
    assertNoLooser(layer, profile, X86_ARCHES);
    assertEquals(
      decide(again, "x86_64", "setresuid", [0xffffffffn, 0n, 0xffffffffn]),
      SECCOMP_RET_ERRNO | 1,
    );
    const x86only = layerOf(
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: ids }\nspec:\n  extends: [builtin:baseline]\n",
      ["x86_64"],
    );
    const exact = exportOciProfile(x86only, {
      onWarning: (m) => ok(!m.includes("setresuid"), m),
    });
    ok(exact.syscalls.some((s) => s.names.includes("setresuid") && s.action === "SCMP_ACT_ALLOW"));
  },
});

Deno.test({
  name: "exportOciProfile() refuses a nameless number decided more strictly than the default",
  permissions: "none",
  fn() {
    const loc = { file: "p.yaml", line: 9, column: 7 };
    const allow = { action: "allow", ruleId: null, policy: "p", loc } as const;
    const kill = { action: "kill", ruleId: "r", policy: "p", loc } as const;
    const layer: FilterLayer = {
      policy: "p",
      mode: "enforce",
      defaultAction: "allow",
      defaultErrno: 1,
      loc,
      arches: [{
        arch: "x86_64",
        unknown: allow,
        syscalls: [{ nr: 999, name: null, cases: [], otherwise: kill }],
      }],
    };
    assertThrowsOci(
      () => exportOciProfile(layer),
      "unsupported",
      /^p\.yaml:9:7: x86_64 syscall number 999 has no name/,
    );
  },
});

Deno.test({
  name: "the oci-runtime and SeccompProfile forms import back to the same decisions",
  permissions: { env: true },
  async fn(t) {
    const x86 = ["x86_64"] as const;
    const layer = layerOf(
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: web-tool }\nspec:\n  extends: [builtin:baseline]\n",
      x86,
    );
    const profile = exportOciProfile(layer);
    await t.step("runtime spec linux.seccomp", () => {
      const text = formatOciRuntimeSeccomp(profile);
      const json = JSON.parse(text);
      assertEquals(json.architectures, ["SCMP_ARCH_X86_64"]);
      ok(!("archMap" in json));
      const doc = parseSeccompDocument(text, "seccomp.json");
      assertEquals(doc.form, "profile");
      assertSameDecisions(layer, imported(doc.profile), x86);
    });
    await t.step("a bundle's config.json", () => {
      const config = `{"ociVersion": "1.0.2", "process": {"args": ["sh"]},\n"linux": {"seccomp": ${
        formatOciRuntimeSeccomp(profile)
      }}}`;
      const doc = parseSeccompDocument(config, "config.json");
      assertEquals(doc.form, "runtime-config");
      assertSameDecisions(layer, imported(doc.profile), x86);
      assertThrowsOci(
        () => parseSeccompDocument('{"ociVersion": "1.0.2", "linux": {}}', "config.json"),
        "invalid-profile",
        /^config\.json:1:34: linux\.seccomp: a runtime config\.json without linux\.seccomp/,
      );
    });
    await t.step("SeccompProfile YAML and JSON", () => {
      assertEquals(seccompProfileObject(profile, { name: "Web_Tool." }).metadata.name, "web-tool");
      const object = seccompProfileObject(profile, { name: layer.policy });
      assertEquals(object.apiVersion, "security-profiles-operator.x-k8s.io/v1beta1");
      for (const format of ["yaml", "json"] as const) {
        const text = formatSeccompProfileObject(object, format);
        const doc = parseSeccompDocument(text, `p.${format}`);
        assertEquals([doc.form, doc.name], ["seccomp-profile", "web-tool"]);
        assertSameDecisions(layer, imported(doc.profile), x86);
      }
    });
    await t.step("the one SeccompProfile of a multi-document stream", () => {
      const yaml = "apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n---\n" +
        formatSeccompProfileObject(seccompProfileObject(profile, { name: "p" }));
      assertEquals(parseSeccompDocument(yaml, "k.yaml").name, "p");
      assertThrowsOci(
        () => parseSeccompDocument(yaml + "---\n" + yaml.split("---\n")[1], "k.yaml"),
        "invalid-profile",
        /holds 2 SeccompProfile objects \(p, p\)/,
      );
    });
    await t.step("errors name FILE:LINE:COL in the YAML", () => {
      const yaml = [
        "apiVersion: security-profiles-operator.x-k8s.io/v1beta1",
        "kind: SeccompProfile",
        "metadata: { name: p }",
        "spec:",
        "  defaultAction: SCMP_ACT_ERRNO",
        "  syscalls:",
        "    - names: [read]",
        "      action: SCMP_ACT_ALOW",
      ].join("\n");
      assertThrowsOci(
        () => resolveOciProfile(parseOciProfile(yaml, "p.yaml")),
        "invalid-profile",
        /^p\.yaml:8:15: syscalls\[0\]\.action: unknown action "SCMP_ACT_ALOW"; did you mean "SCMP_ACT_ALLOW"\?/,
      );
      assertThrowsOci(
        () =>
          parseOciProfile(
            yaml.replace("metadata: { name: p }", "metadata: { name: p }\nkind: X"),
            "p.yaml",
          ),
        "invalid-profile",
        /^p\.yaml:4:1: the profile is not valid YAML: Map keys must be unique/,
      );
      assertThrowsOci(
        () =>
          parseOciProfile(
            yaml.replace("spec:\n", "spec:\n  baseProfileName: runc-v1.0.0\n"),
            "p.yaml",
          ),
        "unsupported",
        /^p\.yaml:5:20: spec\.baseProfileName: baseProfileName "runc-v1\.0\.0" is resolved by the operator/,
      );
    });
    await t.step("SPO has no defaultErrnoRet, nor values beyond int64", () => {
      const warnings: string[] = [];
      seccompProfileObject({ ...profile, defaultErrnoRet: 38 }, {
        name: "p",
        onWarning: (w) => warnings.push(w),
      });
      ok(/EPERM instead of errno 38/.test(warnings.join()), warnings.join());
      assertThrowsOci(
        () =>
          seccompProfileObject({
            defaultAction: "SCMP_ACT_ALLOW",
            archMap: [],
            syscalls: [{
              names: ["ioctl"],
              action: "SCMP_ACT_ERRNO",
              args: [{ index: 2, value: 1n << 63n, op: "SCMP_CMP_EQ" }],
            }],
          }, { name: "p" }),
        "unsupported",
        /beyond the int64 values a SeccompProfile holds/,
      );
    });
  },
});

Deno.test({
  name: "exportOciProfile() writes a 64-bit ne as one SCMP_CMP_NE, and leaves x32 out for it",
  permissions: { env: true },
  fn() {
    const yaml = [
      "apiVersion: cordon/v1",
      "kind: Policy",
      "metadata: { name: pages }",
      "spec:",
      "  defaultAction: allow",
      "  rules:",
      "    - { id: one-page, syscalls: [munmap], action: kill, args: [{ index: 1, op: ne, value: 4096 }] }",
    ].join("\n");
    const x86 = layerOf(yaml, ["x86_64"]);
    const profile = exportOciProfile(x86);
    assertEquals(
      profile.syscalls.filter((s) => s.names.includes("munmap")).map((s) => s.args),
      [[{ index: 1, value: 4096, op: "SCMP_CMP_NE" }]],
    );
    ok(
      assertSameDecisions(x86, imported(parseOciProfile(formatOciProfile(profile))), ["x86_64"]) >
        100,
    );
    // on x32 the length is a 64-bit register libseccomp would compare on 32 bits
    const warnings: { code: string; loc?: unknown }[] = [];
    const all = exportOciProfile(layerOf(yaml), { onWarning: (_m, w) => warnings.push(w) });
    assertEquals(all.archMap, [{
      architecture: "SCMP_ARCH_X86_64",
      subArchitectures: ["SCMP_ARCH_X86"],
    }]);
    assertEquals(warnings.map((w) => [w.code, w.loc]), [["arch-dropped", {
      file: "imported.yaml",
      line: 7,
      column: 7,
    }]]);
  },
});
