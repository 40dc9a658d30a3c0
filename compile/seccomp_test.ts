import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import type { Action, Arch, ArgOp } from "../policies/types.ts";
import { AUDIT_ARCH, syscallNumber, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import type { ArchFilter, ArgCase, ArgTest, Decision, FilterLayer } from "./filter_set.ts";
import { compilePolicies } from "./compile.ts";
import { decodeAction, runSeccomp, validateSeccompProgram } from "./bpf_interpreter.ts";
import {
  compileSeccomp,
  SeccompCompileError,
  type SeccompOptions,
  type SeccompProgram,
} from "./seccomp.ts";
import {
  BPF_ABS,
  BPF_JA,
  BPF_JMP,
  BPF_LD,
  BPF_W,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from "./sock_filter.ts";
import { assertAgrees, crossCheck } from "./_seccomp_check.ts";
import { generatedPolicy, policy, random, rule } from "./_test_policies.ts";

const loc = { file: "test.yaml", line: 1, column: 1 };
const X86 = AUDIT_ARCH.x86_64;
const I386 = AUDIT_ARCH.i386;

function decision(action: Action, errno?: number, ruleId: string | null = "r"): Decision {
  return errno === undefined
    ? { action, ruleId, policy: "p", loc }
    : { action, errno, ruleId, policy: "p", loc };
}
const ALLOW = decision("allow");
const EPERM = decision("deny", 1, null);
const ENOSYS = decision("deny", 38, null);

interface Entry {
  readonly nr: number;
  readonly otherwise: Decision;
  readonly cases?: readonly ArgCase[];
}

function archFilter(arch: Arch, entries: readonly Entry[], unknown = ENOSYS): ArchFilter {
  const bit = arch === "x32" ? X32_SYSCALL_BIT : 0;
  return {
    arch,
    syscalls: entries.map((e) => ({
      nr: (e.nr | bit) >>> 0,
      name: `sys${e.nr}`,
      cases: e.cases ?? [],
      otherwise: e.otherwise,
    })).sort((a, b) => a.nr - b.nr),
    unknown,
  };
}

function layerOf(
  filters: readonly ArchFilter[],
  defaultAction: Action = "deny",
  mode: "enforce" | "audit" = "enforce",
): FilterLayer {
  return { policy: "p", mode, defaultAction, defaultErrno: 1, arches: filters, loc };
}

function compileChecked(
  layer: FilterLayer,
  arches: readonly Arch[],
  options: SeccompOptions = {},
): SeccompProgram {
  const program = compileSeccomp(layer, arches, options);
  validateSeccompProgram(program);
  const result = crossCheck(program, layer, options);
  assertAgrees(result);
  ok(result.runs > 0);
  return program;
}

function run(program: SeccompProgram, arch: number, nr: number, args: bigint[] = []) {
  return runSeccomp(program, { arch, nr, args });
}

function caseOf(tests: ArgTest[], d: Decision, priority = 0): ArgCase {
  return { tests, decision: d, priority };
}

/** An allow-list of `count` syscalls where every third is allowed. */
function stripes(arch: Arch, count: number): ArchFilter {
  return archFilter(
    arch,
    Array.from({ length: count }, (_, nr) => ({ nr, otherwise: nr % 3 === 0 ? ALLOW : EPERM })),
  );
}

Deno.test({
  name: "compileSeccomp() checks the architecture first and kills any architecture not admitted",
  permissions: "none",
  fn() {
    const layer = layerOf([stripes("x86_64", 20), stripes("i386", 20), stripes("aarch64", 20)]);
    const program = compileChecked(layer, ["x86_64"]);
    assertEquals(program.instructions[0], {
      code: BPF_LD | BPF_W | BPF_ABS,
      jt: 0,
      jf: 0,
      k: 4,
    });
    assertEquals(run(program, X86, 0).action, SECCOMP_RET_ALLOW);
    assertEquals(run(program, I386, 0).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(run(program, AUDIT_ARCH.aarch64, 0).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(run(program, 0, 0).action, SECCOMP_RET_KILL_PROCESS);
    const both = compileChecked(layer, ["x86_64", "i386", "aarch64"]);
    assertEquals(run(both, I386, 3).action, SECCOMP_RET_ALLOW);
    assertEquals(run(both, AUDIT_ARCH.aarch64, 4).action, SECCOMP_RET_ERRNO | 1);
  },
});

Deno.test({
  name: "compileSeccomp() keeps x86_64 and x32 apart by the 0x40000000 bit",
  permissions: "none",
  fn() {
    const x86 = archFilter("x86_64", [{ nr: 0, otherwise: ALLOW }, { nr: 1, otherwise: EPERM }]);
    const x32 = archFilter("x32", [{ nr: 0, otherwise: EPERM }, { nr: 1, otherwise: ALLOW }]);
    const layer = layerOf([x86, x32]);
    const all = compileChecked(layer, ["x86_64", "x32"]);
    assertEquals(run(all, X86, 0).action, SECCOMP_RET_ALLOW);
    assertEquals(run(all, X86, X32_SYSCALL_BIT | 0).action, SECCOMP_RET_ERRNO | 1);
    assertEquals(run(all, X86, X32_SYSCALL_BIT | 1).action, SECCOMP_RET_ALLOW);
    assertEquals(run(all, X86, X32_SYSCALL_BIT | 999).action, SECCOMP_RET_ERRNO | 38);
    const nativeOnly = compileChecked(layer, ["x86_64"]);
    assertEquals(run(nativeOnly, X86, X32_SYSCALL_BIT | 1).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(run(nativeOnly, X86, 0xffffffff).action, SECCOMP_RET_KILL_PROCESS);
    const x32Only = compileChecked(layer, ["x32"]);
    assertEquals(run(x32Only, X86, 0).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(run(x32Only, X86, X32_SYSCALL_BIT | 1).action, SECCOMP_RET_ALLOW);
  },
});

Deno.test({
  name: "compileSeccomp() returns every action with its data",
  permissions: "none",
  async fn(t) {
    const table: [string, Decision, number][] = [
      ["allow", decision("allow"), SECCOMP_RET_ALLOW],
      ["log", decision("log"), SECCOMP_RET_LOG],
      ["trace with data", decision("trace", 7), SECCOMP_RET_TRACE | 7],
      ["notify", decision("notify"), SECCOMP_RET_USER_NOTIF],
      ["errno", decision("deny", 13), SECCOMP_RET_ERRNO | 13],
      ["trap", decision("trap"), SECCOMP_RET_TRAP],
      ["kill_thread", decision("kill_thread"), SECCOMP_RET_KILL_THREAD],
      ["kill (process)", decision("kill"), SECCOMP_RET_KILL_PROCESS],
    ];
    for (const [name, d, expected] of table) {
      await t.step(name, () => {
        const layer = layerOf([archFilter("x86_64", [{ nr: 5, otherwise: d }])]);
        const program = compileChecked(layer, ["x86_64"]);
        assertEquals(run(program, X86, 5).action >>> 0, expected >>> 0);
      });
    }
    await t.step("an errno over 16 bits is refused", () => {
      const layer = layerOf([
        archFilter("x86_64", [{ nr: 5, otherwise: decision("deny", 70000) }]),
      ]);
      const error = assertThrows(() => compileSeccomp(layer, ["x86_64"]));
      assertEquals(error.code, "invalid-data");
    });
  },
});

Deno.test({
  name: "compileSeccomp() dispatches through a balanced tree of merged ranges",
  permissions: "none",
  fn() {
    // 300 numbers in 200 alternating ranges: a linear list would take hundreds of steps
    const layer = layerOf([stripes("x86_64", 300)]);
    const program = compileChecked(layer, ["x86_64"]);
    let max = 0;
    for (let nr = 0; nr < 320; nr++) max = Math.max(max, run(program, X86, nr).executed);
    // ld arch, jeq, ld nr, at most ceil(log2(ranges)) + 1 comparisons, a possible ja, ret
    ok(max <= 4 + Math.ceil(Math.log2(202)) + 2, `max ${max} instructions`);
    // one contiguous allowed block and one denied block become 3 ranges
    const blocks = layerOf([archFilter(
      "x86_64",
      Array.from({ length: 300 }, (_, nr) => ({ nr, otherwise: nr < 150 ? ALLOW : EPERM })),
    )]);
    const small = compileChecked(blocks, ["x86_64"]);
    ok(small.instructions.length <= 10, `${small.instructions.length} instructions`);
  },
});

const OPS: readonly ArgOp[] = ["eq", "ne", "lt", "le", "gt", "ge", "masked_eq"];
const VALUES: readonly bigint[] = [
  0n,
  1n,
  0x7fffffffn,
  0xffffffffn,
  0x100000000n,
  0x1_0000_0005n,
  0xffffffff_00000000n,
  0x8000000000000000n,
  0xffffffff_fffffffen,
  0xffffffff_ffffffffn,
];

Deno.test({
  name: "compileSeccomp() compares 64-bit arguments on both halves for every operator",
  permissions: "none",
  async fn(t) {
    for (const op of OPS) {
      await t.step(op, () => {
        const entries: Entry[] = VALUES.map((value, i) => {
          const test: ArgTest = op === "masked_eq"
            ? {
              index: (i % 6) as ArgTest["index"],
              op,
              value: value & 0xff0000_00ff00n,
              mask: 0xff0000_00ff00n,
            }
            : { index: (i % 6) as ArgTest["index"], op, value };
          return {
            nr: i,
            otherwise: EPERM,
            cases: [caseOf([test], decision("allow", undefined, `r${i}`))],
          };
        });
        const layer = layerOf([archFilter("x86_64", entries), archFilter("i386", entries)]);
        compileChecked(layer, ["x86_64", "i386"]);
      });
    }
    await t.step("a difference in the high half alone changes the outcome", () => {
      const entries: Entry[] = [{
        nr: 9,
        otherwise: EPERM,
        cases: [caseOf([{ index: 2, op: "eq", value: 0x1_0000_0007n }], ALLOW)],
      }];
      const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
      assertEquals(run(program, X86, 9, [0n, 0n, 0x1_0000_0007n]).action, SECCOMP_RET_ALLOW);
      assertEquals(run(program, X86, 9, [0n, 0n, 0x7n]).action, SECCOMP_RET_ERRNO | 1);
      assertEquals(run(program, X86, 9, [0n, 0n, 0x2_0000_0007n]).action, SECCOMP_RET_ERRNO | 1);
    });
    await t.step("masked_eq with bits outside the mask never matches", () => {
      const entries: Entry[] = [{
        nr: 9,
        otherwise: EPERM,
        cases: [caseOf([{ index: 0, op: "masked_eq", value: 0x3n, mask: 0x1n }], ALLOW)],
      }];
      const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
      assertEquals(run(program, X86, 9, [0x3n]).action, SECCOMP_RET_ERRNO | 1);
    });
  },
});

Deno.test({
  name: "compileSeccomp() compares only the low bits of a 32- or 16-bit argument",
  permissions: "none",
  async fn(t) {
    const narrowValues = [...VALUES, 0xffffn, 0x1_0000n, 0x8000_0000n, 0xffff_ff9cn];
    for (const width of [32, 16] as const) {
      for (const op of OPS) {
        await t.step(`${op}, width ${width}`, () => {
          // values wider than the argument included: the program must decide them as the IR does
          const entries: Entry[] = narrowValues.map((value, i) => {
            const index = (i % 6) as ArgTest["index"];
            const test: ArgTest = op === "masked_eq"
              ? { index, op, value: value & 0xff00ffn, mask: 0xff00ffn, width }
              : { index, op, value, width };
            return {
              nr: i,
              otherwise: EPERM,
              cases: [caseOf([test], decision("allow", undefined, `r${i}`))],
            };
          });
          const layer = layerOf([archFilter("x86_64", entries), archFilter("i386", entries)]);
          compileChecked(layer, ["x86_64", "i386"]);
        });
      }
    }
    await t.step("the high half is never loaded, and set high bits still match", () => {
      const AF_INET6 = 10n;
      const entries: Entry[] = [{
        nr: 41,
        otherwise: ALLOW,
        cases: [caseOf([{ index: 0, op: "eq", value: AF_INET6, width: 32 }], decision("deny", 97))],
      }];
      const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
      const highLoads = program.instructions.filter((i) =>
        i.code === (BPF_LD | BPF_W | BPF_ABS) && i.k === 16 + 4
      );
      assertEquals(highLoads.length, 0);
      for (const family of [AF_INET6, AF_INET6 | 1n << 32n, AF_INET6 | 0xffffffff_00000000n]) {
        assertEquals(run(program, X86, 41, [family]).action, SECCOMP_RET_ERRNO | 97);
      }
      assertEquals(run(program, X86, 41, [AF_INET6 + 1n]).action, SECCOMP_RET_ALLOW);
    });
    await t.step("a 64-bit argument is still compared on both halves", () => {
      const entries: Entry[] = [{
        nr: 9,
        otherwise: ALLOW,
        cases: [caseOf([{ index: 1, op: "eq", value: 0x1000n }], decision("deny", 12))],
      }];
      const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
      assertEquals(run(program, X86, 9, [0n, 0x1000n]).action, SECCOMP_RET_ERRNO | 12);
      assertEquals(run(program, X86, 9, [0n, 0x1_0000_1000n]).action, SECCOMP_RET_ALLOW);
    });
    await t.step("a 16-bit test masks the low half", () => {
      const entries: Entry[] = [{
        nr: 90,
        otherwise: ALLOW,
        cases: [caseOf([{ index: 1, op: "eq", value: 0o4755n, width: 16 }], decision("deny", 1))],
      }];
      const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
      assertEquals(run(program, X86, 90, [0n, 0o4755n | 0x1_0000n]).action, SECCOMP_RET_ERRNO | 1);
      assertEquals(run(program, X86, 90, [0n, 0o755n]).action, SECCOMP_RET_ALLOW);
    });
  },
});

Deno.test({
  name: "compileSeccomp() tries cases in order and ANDs the tests of a case",
  permissions: "none",
  fn() {
    const entries: Entry[] = [{
      nr: 41,
      otherwise: decision("allow", undefined, "socket-default"),
      cases: [
        caseOf(
          [
            { index: 0, op: "eq", value: 16n },
            { index: 2, op: "eq", value: 9n },
          ],
          decision("deny", 22, "audit-netlink"),
          10,
        ),
        caseOf([{ index: 0, op: "eq", value: 17n }], decision("kill", undefined, "packet"), 5),
        caseOf([{ index: 0, op: "ge", value: 16n }], decision("log", undefined, "high"), 1),
      ],
    }];
    const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
    assertEquals(run(program, X86, 41, [16n, 0n, 9n]).action, SECCOMP_RET_ERRNO | 22);
    assertEquals(run(program, X86, 41, [16n, 0n, 8n]).action, SECCOMP_RET_LOG);
    assertEquals(run(program, X86, 41, [17n]).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(run(program, X86, 41, [2n]).action, SECCOMP_RET_ALLOW);
  },
});

Deno.test({
  name: "compileSeccomp() gives unknown numbers ENOSYS, or the default with enosysUnknown: false",
  permissions: "none",
  fn() {
    const layer = layerOf([stripes("x86_64", 10)]);
    const ir = compileChecked(layer, ["x86_64"]);
    assertEquals(run(ir, X86, 10).action, SECCOMP_RET_ERRNO | 38);
    assertEquals(run(ir, X86, 0x3fffffff).action, SECCOMP_RET_ERRNO | 38);
    const off = compileChecked(layer, ["x86_64"], { enosysUnknown: false });
    assertEquals(run(off, X86, 10).action, SECCOMP_RET_ERRNO | 1);
    // the IR compiled with unknownSyscalls: "default"; the option turns ENOSYS back on
    const plain = layerOf([archFilter("x86_64", [{ nr: 0, otherwise: ALLOW }], EPERM)]);
    const on = compileChecked(plain, ["x86_64"], { enosysUnknown: true });
    assertEquals(run(on, X86, 500).action, SECCOMP_RET_ERRNO | 38);
    // a default of allow keeps allowing unknown numbers either way
    const open = layerOf([archFilter("x86_64", [{ nr: 0, otherwise: EPERM }], ALLOW)], "allow");
    assertEquals(
      run(compileChecked(open, ["x86_64"], { enosysUnknown: true }), X86, 500).action,
      SECCOMP_RET_ALLOW,
    );
    // audit mode logs instead of denying
    const audit = layerOf([stripes("x86_64", 4)], "deny", "audit");
    assertEquals(
      run(compileChecked(audit, ["x86_64"], { enosysUnknown: true }), X86, 500).action,
      SECCOMP_RET_LOG,
    );
  },
});

Deno.test({
  name: "compileSeccomp() loads nothing but arch and nr on the path of an always-allowed syscall",
  permissions: "none",
  fn() {
    const entries: Entry[] = Array.from({ length: 200 }, (_, nr) =>
      nr % 10 === 0
        ? {
          nr,
          otherwise: EPERM,
          cases: [caseOf([{ index: 0, op: "eq", value: BigInt(nr) }], ALLOW)],
        }
        : { nr, otherwise: nr % 4 === 0 ? EPERM : ALLOW });
    const program = compileChecked(layerOf([archFilter("x86_64", entries)]), ["x86_64"]);
    for (let nr = 0; nr < 200; nr++) {
      const result = run(program, X86, nr);
      assertEquals(result.loadsArguments, nr % 10 === 0, `nr ${nr}`);
    }
  },
});

Deno.test({
  name: "compileSeccomp() reaches far targets through ja trampolines",
  permissions: "none",
  fn() {
    // many syscalls with argument cases make a program much longer than 255 instructions
    const entries: Entry[] = Array.from({ length: 400 }, (_, nr) =>
      nr % 2 === 0
        ? {
          nr,
          otherwise: nr % 4 === 0 ? ALLOW : EPERM,
          cases: [
            caseOf([{ index: 1, op: "gt", value: BigInt(nr) << 20n }], decision("deny", 13)),
            caseOf([{ index: 0, op: "masked_eq", value: 0x10n, mask: 0x1_0000_0010n }], ALLOW),
          ],
        }
        : { nr, otherwise: nr % 3 === 0 ? ALLOW : EPERM });
    const layer = layerOf([archFilter("x86_64", entries), archFilter("i386", entries)]);
    const program = compileChecked(layer, ["x86_64", "i386"]);
    ok(program.instructions.length > 1000, `${program.instructions.length} instructions`);
    ok(
      program.instructions.some((i) => i.code === (BPF_JMP | BPF_JA)),
      "a long jump was needed",
    );
  },
});

Deno.test({
  name: "compileSeccomp() refuses programs over 4096 instructions with program-too-large",
  permissions: "none",
  fn() {
    const entries: Entry[] = Array.from({ length: 400 }, (_, nr) => ({
      nr,
      otherwise: EPERM,
      cases: Array.from(
        { length: 4 },
        (_, i) => caseOf([{ index: 0, op: "eq", value: BigInt(nr * 10 + i) }], ALLOW),
      ),
    }));
    const error = assertThrows(() =>
      compileSeccomp(layerOf([archFilter("x86_64", entries)]), ["x86_64"])
    );
    assertEquals(error.code, "program-too-large");
    ok(/4096/.test(error.message) && /"p"/.test(error.message), error.message);
  },
});

Deno.test({
  name: "compileSeccomp() refuses an architecture the layer was not compiled for",
  permissions: "none",
  fn() {
    const layer = layerOf([stripes("x86_64", 3)]);
    assertEquals(assertThrows(() => compileSeccomp(layer, ["aarch64"])).code, "arch-not-compiled");
    assertEquals(assertThrows(() => compileSeccomp(layer, [])).code, "invalid-arches");
    assertEquals(
      assertThrows(() => compileSeccomp(layer, ["x86_64", "x86_64"])).code,
      "invalid-arches",
    );
  },
});

Deno.test({
  name: "compileSeccomp() is deterministic and bytes() is the little-endian sock_filter array",
  permissions: "none",
  fn() {
    const set = compilePolicies([generatedPolicy(60, ["read", "write", "openat", "socket"], 7)], {
      arches: ["x86_64", "i386", "x32"],
    });
    const a = compileSeccomp(set.layers[0]!, ["x86_64", "i386", "x32"]);
    const b = compileSeccomp(set.layers[0]!, ["x86_64", "i386", "x32"]);
    assertEquals(a.bytes(), b.bytes());
    const bytes = a.bytes();
    assertEquals(bytes.length, a.instructions.length * 8);
    const view = new DataView(bytes.buffer);
    a.instructions.forEach((insn, i) => {
      assertEquals(view.getUint16(i * 8, true), insn.code);
      assertEquals(view.getUint32(i * 8 + 4, true), insn.k);
    });
  },
});

Deno.test({
  name: "compileSeccomp() agrees with the IR on real syscall tables for generated policies",
  permissions: "none",
  fn() {
    const names = [
      "read",
      "write",
      "openat",
      "open",
      "socket",
      "clone",
      "mmap",
      "ioctl",
      "personality",
      "ptrace",
      "execve",
      "kill",
    ];
    const arches: Arch[] = ["x86_64", "i386", "x32", "aarch64"];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const set = compilePolicies([generatedPolicy(40, names, seed)], { arches });
      const layer = set.layers[0]!;
      for (const admitted of [["x86_64", "i386", "x32"], ["aarch64"], ["i386"]] as Arch[][]) {
        compileChecked(layer, admitted);
        compileChecked(layer, admitted, { enosysUnknown: false });
      }
    }
  },
});

Deno.test({
  name:
    "compileSeccomp() agrees with the IR on random layers with random 64-, 32- and 16-bit cases",
  permissions: "none",
  fn() {
    const actions: Action[] = ["allow", "deny", "kill", "log", "trap", "trace", "notify"];
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed * 7919);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
      const value = (): bigint =>
        pick([
          0n,
          1n,
          BigInt(Math.floor(next() * 0xffffffff)),
          BigInt(Math.floor(next() * 0xffffffff)) << 32n,
          (BigInt(Math.floor(next() * 0xffffffff)) << 32n) | BigInt(Math.floor(next() * 64)),
          0xffffffff_ffffffffn,
        ]);
      const randomDecision = (): Decision => {
        const action = pick(actions);
        return action === "deny" || action === "trace"
          ? decision(action, Math.floor(next() * 200))
          : decision(action);
      };
      const filters = (["x86_64", "i386", "x32"] as Arch[]).map((arch) => {
        const count = 40 + Math.floor(next() * 200);
        const entries: Entry[] = [];
        for (let nr = 0; nr < count; nr++) {
          if (next() < 0.1) continue; // a hole in the table
          const cases: ArgCase[] = next() < 0.15
            ? Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
              caseOf(
                Array.from({ length: 1 + Math.floor(next() * 2) }, (): ArgTest => {
                  const op = pick(OPS);
                  const index = Math.floor(next() * 6) as ArgTest["index"];
                  const width = pick([undefined, undefined, 32, 16] as const);
                  const test: ArgTest = op !== "masked_eq"
                    ? { index, op, value: value() }
                    : (() => {
                      const mask = value();
                      return { index, op, value: value() & mask, mask };
                    })();
                  return width === undefined ? test : { ...test, width };
                }),
                randomDecision(),
              ))
            : [];
          entries.push({ nr, otherwise: next() < 0.5 ? ALLOW : randomDecision(), cases });
        }
        return archFilter(arch, entries, next() < 0.5 ? ENOSYS : EPERM);
      });
      const layer = layerOf(filters);
      compileChecked(layer, ["x86_64", "i386", "x32"]);
      compileChecked(layer, ["i386", "x32"], { enosysUnknown: false });
    }
  },
});

Deno.test({
  name: "compileSeccomp() output loads nr only after the architecture check for real policies",
  permissions: "none",
  fn() {
    const set = compilePolicies([policy({
      defaultAction: "kill",
      rules: [
        rule({ id: "basic", syscalls: ["read", "write", "exit_group"], action: "allow" }),
        rule({
          id: "no-raw",
          syscalls: ["socket"],
          action: "deny",
          errno: 13,
          args: [{ index: 1, op: "eq", value: 3n }],
        }),
      ],
    })], { arches: ["x86_64", "i386", "x32"] });
    const program = compileChecked(set.layers[0]!, ["x86_64", "i386", "x32"]);
    const nr = (arch: Arch, name: string) => syscallNumber(arch, name)!;
    assertEquals(run(program, X86, nr("x86_64", "read")).action, SECCOMP_RET_ALLOW);
    assertEquals(run(program, I386, nr("i386", "write")).action, SECCOMP_RET_ALLOW);
    assertEquals(run(program, X86, nr("x32", "read")).action, SECCOMP_RET_ALLOW);
    assertEquals(run(program, X86, nr("x86_64", "openat")).action, SECCOMP_RET_KILL_PROCESS);
    assertEquals(
      run(program, X86, nr("x86_64", "socket"), [2n, 3n]).action,
      SECCOMP_RET_ERRNO | 13,
    );
    assertEquals(
      decodeAction(run(program, X86, nr("x86_64", "socket"), [2n, 1n]).action).action,
      "kill_process",
    );
    assertEquals(run(program, I386, 5000).action, SECCOMP_RET_ERRNO | 38);
  },
});

function assertThrows(fn: () => unknown): SeccompCompileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SeccompCompileError) return error;
    throw error;
  }
  throw new Error("expected a SeccompCompileError");
}
