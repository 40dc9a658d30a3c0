import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { compilePolicies, ENOSYS, sameEffect } from "./compile.ts";
import type { ArchFilter, Decision, FilterSet, SyscallDecision } from "./filter_set.ts";
import { evaluate } from "./evaluate.ts";
import { emitIr } from "./emit_ir.ts";
import { syscallNumber, syscallTable, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import { type Arch, ARCHES, type ArgOp, type ResolvedPolicy } from "../policies/types.ts";
import { at, generatedPolicy, policy, rule } from "./_test_policies.ts";

function filterOf(set: FilterSet, arch: Arch = "x86_64", layer = 0): ArchFilter {
  const filter = set.layers[layer]?.arches.find((f) => f.arch === arch);
  if (filter === undefined) throw new Error(`no ${arch} filter in layer ${layer}`);
  return filter;
}

function entry(set: FilterSet, name: string, arch: Arch = "x86_64", layer = 0): SyscallDecision {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`${name} is not a syscall on ${arch}`);
  const found = filterOf(set, arch, layer).syscalls.find((s) => s.nr === nr);
  if (found === undefined) throw new Error(`${name} (${nr}) not listed on ${arch}`);
  return found;
}

/** The action, errno, audited action and rule id of a decision, for compact comparisons. */
/** The decision's effect and rule, without the fields it does not have. */
function brief(d: Decision): Record<string, unknown> {
  return {
    action: d.action,
    ...(d.errno === undefined ? {} : { errno: d.errno }),
    ...(d.audited === undefined ? {} : { audited: d.audited }),
    ruleId: d.ruleId,
  };
}

interface ResolutionCase {
  readonly name: string;
  readonly policies: readonly ResolvedPolicy[];
  readonly syscall: string;
  readonly arch?: Arch;
  readonly args?: readonly bigint[];
  readonly expected: Record<string, unknown>;
}

const RESOLUTION: readonly ResolutionCase[] = [
  {
    name: "the higher priority rule wins over a stricter one",
    policies: [policy({
      rules: [
        rule({ id: "kill-read", syscalls: ["read"], action: "kill", priority: 1 }),
        rule({ id: "allow-read", syscalls: ["read"], action: "allow", priority: 5 }),
      ],
    })],
    syscall: "read",
    expected: { action: "allow", ruleId: "allow-read" },
  },
  {
    name: "at equal priority the strictest action wins",
    policies: [policy({
      rules: [
        rule({ id: "allow", syscalls: ["write"], action: "allow" }),
        rule({ id: "log", syscalls: ["write"], action: "log" }),
        rule({ id: "trap", syscalls: ["write"], action: "trap" }),
        rule({ id: "deny", syscalls: ["write"], action: "deny" }),
      ],
    })],
    syscall: "write",
    expected: { action: "trap", ruleId: "trap" },
  },
  {
    name: "at equal priority and action the rule written first wins",
    policies: [policy({
      rules: [
        rule({ id: "first", syscalls: ["write"], action: "deny", errno: 13 }),
        rule({ id: "second", syscalls: ["write"], action: "deny", errno: 22 }),
      ],
    })],
    syscall: "write",
    expected: { action: "deny", errno: 13, ruleId: "first" },
  },
  {
    name: "a syscall no rule names gets the default action",
    policies: [policy({
      defaultAction: "deny",
      defaultErrno: 13,
      rules: [rule({ id: "r", syscalls: ["read"], action: "allow" })],
    })],
    syscall: "write",
    expected: { action: "deny", errno: 13, ruleId: null },
  },
  {
    name: "deny without errno returns the policy's defaultErrno",
    policies: [policy({
      defaultErrno: 95,
      rules: [rule({ id: "r", syscalls: ["mount"], action: "deny" })],
    })],
    syscall: "mount",
    expected: { action: "deny", errno: 95, ruleId: "r" },
  },
  {
    name: "deny with its own errno keeps it",
    policies: [policy({
      rules: [rule({ id: "r", syscalls: ["mount"], action: "deny", errno: 1 })],
    })],
    syscall: "mount",
    expected: { action: "deny", errno: 1, ruleId: "r" },
  },
  {
    name: "audit mode compiles kill to log and keeps the would-be action",
    policies: [policy({
      mode: "audit",
      rules: [rule({ id: "r", syscalls: ["ptrace"], action: "kill" })],
    })],
    syscall: "ptrace",
    expected: { action: "log", audited: "kill", ruleId: "r" },
  },
  {
    name: "audit mode compiles deny to log with the errno it would return",
    policies: [policy({
      mode: "audit",
      defaultAction: "deny",
      defaultErrno: 13,
    })],
    syscall: "mount",
    expected: { action: "log", errno: 13, audited: "deny", ruleId: null },
  },
  {
    name: "audit mode leaves allow alone",
    policies: [policy({
      mode: "audit",
      defaultAction: "kill",
      rules: [rule({ id: "r", syscalls: ["read"], action: "allow" })],
    })],
    syscall: "read",
    expected: { action: "allow", ruleId: "r" },
  },
  {
    name: "a conditional rule of higher priority decides when its arguments match",
    policies: [policy({
      rules: [
        rule({
          id: "no-packet",
          syscalls: ["socket"],
          action: "deny",
          errno: 13,
          priority: 100,
          args: [{ index: 0, op: "eq", value: 17n }],
        }),
        rule({ id: "sockets", syscalls: ["socket"], action: "allow", priority: 1 }),
      ],
    })],
    syscall: "socket",
    args: [17n],
    expected: { action: "deny", errno: 13, ruleId: "no-packet" },
  },
  {
    name: "a conditional rule of higher priority does not decide when its arguments differ",
    policies: [policy({
      defaultAction: "kill",
      rules: [
        rule({
          id: "no-packet",
          syscalls: ["socket"],
          action: "deny",
          priority: 100,
          args: [{ index: 0, op: "eq", value: 17n }],
        }),
        rule({ id: "sockets", syscalls: ["socket"], action: "allow", priority: 1 }),
      ],
    })],
    syscall: "socket",
    args: [2n],
    expected: { action: "allow", ruleId: "sockets" },
  },
  {
    name: "a conditional rule of lower priority than an unconditional one never decides",
    policies: [policy({
      rules: [
        rule({
          id: "cond",
          syscalls: ["socket"],
          action: "kill",
          priority: 1,
          args: [{ index: 0, op: "eq", value: 17n }],
        }),
        rule({ id: "all", syscalls: ["socket"], action: "allow", priority: 2 }),
      ],
    })],
    syscall: "socket",
    args: [17n],
    expected: { action: "allow", ruleId: "all" },
  },
  {
    name: "masked_eq compares the masked argument",
    policies: [policy({
      rules: [rule({
        id: "no-newuser",
        syscalls: ["clone"],
        action: "deny",
        args: [{ index: 0, op: "masked_eq", value: 0x10000000n, mask: 0x10000000n }],
      })],
    })],
    syscall: "clone",
    args: [0x10000011n],
    expected: { action: "deny", errno: 1, ruleId: "no-newuser" },
  },
  {
    name: "arguments compare as unsigned 64-bit values",
    policies: [policy({
      rules: [rule({
        id: "big-fd",
        syscalls: ["close"],
        action: "deny",
        args: [{ index: 0, op: "gt", value: 1000n }],
      })],
    })],
    syscall: "close",
    args: [-1n],
    expected: { action: "deny", errno: 1, ruleId: "big-fd" },
  },
  {
    name: "a name missing on an architecture is skipped there",
    policies: [policy({
      rules: [rule({ id: "r", syscalls: ["open", "openat"], action: "kill" })],
    })],
    syscall: "openat",
    arch: "aarch64",
    expected: { action: "kill", ruleId: "r" },
  },
  {
    name: "the i386 name resolves through the i386 table",
    policies: [policy({
      rules: [rule({ id: "r", syscalls: ["socketcall"], action: "kill" })],
    })],
    syscall: "socketcall",
    arch: "i386",
    expected: { action: "kill", ruleId: "r" },
  },
  {
    name: "an x32 name resolves to the number with the x32 bit",
    policies: [policy({
      rules: [rule({ id: "r", syscalls: ["read"], action: "deny" })],
    })],
    syscall: "read",
    arch: "x32",
    expected: { action: "deny", errno: 1, ruleId: "r" },
  },
  {
    name: "across layers the strictest decision wins",
    policies: [
      policy({
        name: "a",
        rules: [rule({ id: "a", policy: "a", syscalls: ["read"], action: "log" })],
      }),
      policy({
        name: "b",
        rules: [rule({ id: "b", policy: "b", syscalls: ["read"], action: "deny" })],
      }),
      policy({
        name: "c",
        rules: [rule({ id: "c", policy: "c", syscalls: ["read"], action: "allow", priority: 9 })],
      }),
    ],
    syscall: "read",
    expected: { action: "deny", errno: 1, ruleId: "b" },
  },
  {
    name: "across layers a tie goes to the first layer",
    policies: [
      policy({
        name: "a",
        rules: [rule({ id: "a", policy: "a", syscalls: ["read"], action: "deny", errno: 2 })],
      }),
      policy({
        name: "b",
        rules: [rule({ id: "b", policy: "b", syscalls: ["read"], action: "deny", errno: 3 })],
      }),
    ],
    syscall: "read",
    expected: { action: "deny", errno: 2, ruleId: "a" },
  },
];

Deno.test(
  "compilePolicies() resolves rules as the policy format says",
  { permissions: "none" },
  async (t) => {
    for (const c of RESOLUTION) {
      await t.step(c.name, () => {
        const arch = c.arch ?? "x86_64";
        const set = compilePolicies(c.policies);
        const nr = syscallNumber(arch, c.syscall);
        if (nr === undefined) throw new Error(`${c.syscall} is not a syscall on ${arch}`);
        const call = c.args === undefined ? { arch, nr } : { arch, nr, args: c.args };
        const verdict = evaluate(set, call);
        assertEquals(brief(verdict), c.expected, c.name);
      });
    }
  },
);

Deno.test("compilePolicies() lists every number of each table, sorted, on every architecture", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy()]);
  assertEquals(set.layers[0]!.arches.map((f) => f.arch), ARCHES, "arches");
  for (const filter of set.layers[0]!.arches) {
    const table = syscallTable(filter.arch);
    const numbers = filter.syscalls.map((s) => s.nr);
    assertEquals(numbers, [...table.byNumber.keys()].sort((a, b) => a - b), filter.arch);
    for (const s of filter.syscalls) {
      if (s.name !== table.byNumber.get(s.nr)) throw new Error(`${filter.arch} ${s.nr} misnamed`);
    }
  }
});

Deno.test("compilePolicies() takes only the architectures asked for, in ARCHES order", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy()], { arches: ["aarch64", "x86_64"] });
  assertEquals(set.layers[0]!.arches.map((f) => f.arch), ["x86_64", "aarch64"], "arches");
  let threw = false;
  try {
    compilePolicies([policy()], { arches: ["sparc" as Arch] });
  } catch (error) {
    threw = error instanceof RangeError && error.message.includes('"sparc"');
  }
  if (!threw) throw new Error("an unknown architecture must be a RangeError");
});

Deno.test("compilePolicies() skips a name on the architectures that lack it", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy({
    rules: [rule({ id: "r", syscalls: ["open"], action: "kill" })],
  })]);
  if (entry(set, "open").otherwise.ruleId !== "r") throw new Error("x86_64 has open");
  const aarch64 = filterOf(set, "aarch64");
  const fromRule = (
    s: {
      otherwise: { ruleId: string | null };
      cases: readonly { decision: { ruleId: string | null } }[];
    },
  ) => s.otherwise.ruleId === "r" || s.cases.some((c) => c.decision.ruleId === "r");
  if (aarch64.syscalls.some(fromRule)) {
    throw new Error("aarch64 has no open: the rule must not apply to any of its syscalls");
  }
});

Deno.test(
  "compilePolicies() gives x32 numbers below the x32 bit the bit",
  { permissions: "none" },
  () => {
    const set = compilePolicies([policy({
      rules: [rule({ id: "nr0", syscalls: [0], action: "kill" })],
    })]);
    const x32 = filterOf(set, "x32").syscalls.find((s) => s.nr === (X32_SYSCALL_BIT | 0));
    if (x32?.name !== "read" || x32.otherwise.ruleId !== "nr0") {
      throw new Error("number 0 on x32 must be read, 0x40000000");
    }
    if (entry(set, "read", "x86_64").otherwise.ruleId !== "nr0") {
      throw new Error(
        "0 is read on x86_64",
      );
    }
    if (filterOf(set, "x32").syscalls.some((s) => s.nr === 0)) throw new Error("no bare 0 on x32");
    const aarch64Nr0 = filterOf(set, "aarch64").syscalls.find((s) => s.nr === 0);
    if (aarch64Nr0?.otherwise.ruleId !== "nr0") throw new Error("numbers are per-architecture");
  },
);

Deno.test(
  "compilePolicies() lists a number the table lacks, unnamed",
  { permissions: "none" },
  () => {
    const set = compilePolicies([policy({
      defaultAction: "deny",
      rules: [rule({ id: "future", syscalls: [3000], action: "allow" })],
    })], { arches: ["x86_64"] });
    const listed = filterOf(set).syscalls.find((s) => s.nr === 3000);
    if (listed?.name !== null || listed.otherwise.ruleId !== "future") {
      throw new Error(`3000 must be listed with name null, got ${JSON.stringify(listed)}`);
    }
    if (evaluate(set, { arch: "x86_64", nr: 3000 }).action !== "allow") {
      throw new Error(
        "3000 allowed",
      );
    }
    if (evaluate(set, { arch: "x86_64", nr: 3001 }).errno !== ENOSYS) {
      throw new Error(
        "3001 ENOSYS",
      );
    }
  },
);

Deno.test("compilePolicies() decides unknown numbers by the default or ENOSYS", {
  permissions: "none",
}, async (t) => {
  const cases = [
    { defaultAction: "deny", option: undefined, expected: { action: "deny", errno: ENOSYS } },
    { defaultAction: "kill", option: "enosys", expected: { action: "deny", errno: ENOSYS } },
    { defaultAction: "trap", option: undefined, expected: { action: "deny", errno: ENOSYS } },
    { defaultAction: "kill", option: "default", expected: { action: "kill" } },
    { defaultAction: "deny", option: "default", expected: { action: "deny", errno: 1 } },
    { defaultAction: "allow", option: undefined, expected: { action: "allow" } },
    { defaultAction: "log", option: undefined, expected: { action: "log" } },
  ] as const;
  for (const c of cases) {
    await t.step(`default ${c.defaultAction}, unknownSyscalls ${c.option ?? "(enosys)"}`, () => {
      const options = c.option === undefined ? {} : { unknownSyscalls: c.option };
      const set = compilePolicies([policy({ defaultAction: c.defaultAction })], options);
      const unknown = filterOf(set).unknown;
      assertEquals(
        { action: unknown.action, errno: unknown.errno },
        { action: c.expected.action, errno: "errno" in c.expected ? c.expected.errno : undefined },
        "unknown",
      );
      if (unknown.ruleId !== null || unknown.loc !== set.layers[0]!.loc) {
        throw new Error("the unknown decision names no rule and the policy's location");
      }
    });
  }
  await t.step("audit mode logs instead of returning ENOSYS", () => {
    const set = compilePolicies([policy({ defaultAction: "kill", mode: "audit" })]);
    assertEquals(brief(filterOf(set).unknown), {
      action: "log",
      errno: ENOSYS,
      audited: "deny",
      ruleId: null,
    }, "unknown");
  });
});

Deno.test(
  "compilePolicies() locates default decisions at the policy",
  { permissions: "none" },
  () => {
    const p = policy({ defaultAction: "deny" });
    const d = entry(compilePolicies([p]), "read").otherwise;
    if (d.ruleId !== null || d.policy !== "p" || d.loc !== p.loc) {
      throw new Error(
        JSON.stringify(d),
      );
    }
  },
);

Deno.test(
  "compilePolicies() orders cases by priority, then strictness",
  { permissions: "none" },
  () => {
    const arg = (value: bigint) => [{ index: 0 as const, op: "eq" as const, value }];
    const set = compilePolicies([policy({
      rules: [
        rule({ id: "low", syscalls: ["socket"], action: "kill", priority: 1, args: arg(1n) }),
        rule({ id: "high-log", syscalls: ["socket"], action: "log", priority: 9, args: arg(2n) }),
        rule({ id: "high-trap", syscalls: ["socket"], action: "trap", priority: 9, args: arg(3n) }),
        rule({ id: "base", syscalls: ["socket"], action: "deny", priority: 0 }),
        rule({
          id: "after-base",
          syscalls: ["socket"],
          action: "kill",
          priority: -1,
          args: arg(4n),
        }),
      ],
    })]);
    const socket = entry(set, "socket");
    assertEquals(
      socket.cases.map((c) => c.decision.ruleId),
      ["high-trap", "high-log", "low"],
      "cases",
    );
    assertEquals(socket.cases.map((c) => c.priority), [9, 9, 1], "priorities");
    if (socket.otherwise.ruleId !== "base") throw new Error("the unconditional rule ends the list");
  },
);

Deno.test(
  "compilePolicies() drops cases that can never decide",
  { permissions: "none" },
  async (t) => {
    const socketCases = (args: Parameters<typeof rule>[0]["args"][]) => {
      const rules = args.map((a, i) =>
        rule({
          id: `r${i}`,
          syscalls: ["socket"],
          action: "deny",
          priority: 10 - i,
          ...(a ? { args: a } : {}),
        })
      );
      return entry(compilePolicies([policy({ rules })]), "socket");
    };
    await t.step("a case whose conditions include an earlier case's", () => {
      const s = socketCases([
        [{ index: 0, op: "eq", value: 2n }],
        [{ index: 1, op: "eq", value: 1n }, { index: 0, op: "eq", value: 2n }],
        [{ index: 0, op: "eq", value: 10n }],
      ]);
      assertEquals(s.cases.map((c) => c.decision.ruleId), ["r0", "r2"], "cases");
    });
    await t.step("a case with a condition no value meets", () => {
      const s = socketCases([
        [{ index: 0, op: "lt", value: 0n }],
        [{ index: 0, op: "masked_eq", value: 0x100n, mask: 0xffn }],
        [{ index: 0, op: "gt", value: 0xffff_ffff_ffff_ffffn }],
        [{ index: 0, op: "eq", value: 1n }],
      ]);
      assertEquals(s.cases.map((c) => c.decision.ruleId), ["r3"], "cases");
    });
    await t.step("a rule whose conditions always hold is unconditional", () => {
      const s = socketCases([
        [{ index: 0, op: "eq", value: 1n }],
        [{ index: 2, op: "ge", value: 0n }, { index: 3, op: "masked_eq", value: 0n, mask: 0n }],
        [{ index: 0, op: "eq", value: 2n }],
      ]);
      assertEquals(s.cases.map((c) => c.decision.ruleId), ["r0"], "cases");
      if (s.otherwise.ruleId !== "r1") throw new Error("r1 always holds: it is the otherwise");
    });
  },
);

Deno.test("compilePolicies() shares one decision object per rule", { permissions: "none" }, () => {
  const set = compilePolicies([policy({
    rules: [rule({ id: "r", syscalls: ["read", "write", 1000], action: "deny" })],
  })]);
  const x86 = filterOf(set);
  const x32 = filterOf(set, "x32");
  const decisions = new Set([
    entry(set, "read").otherwise,
    entry(set, "write").otherwise,
    x86.syscalls.find((s) => s.nr === 1000)!.otherwise,
    entry(set, "read", "x32").otherwise,
  ]);
  if (decisions.size !== 1 || x32.unknown !== x86.unknown) throw new Error("decisions not shared");
});

Deno.test(
  "compilePolicies() copies the layer's target and sections",
  { permissions: "none" },
  () => {
    const target = { comms: ["nginx"] };
    const set = compilePolicies([policy({ target }), policy({ name: "q" })]);
    if (set.layers[0]!.target !== target || "target" in set.layers[1]!) throw new Error("target");
    assertEquals(set.layers.map((l) => l.policy), ["p", "q"], "layer order");
  },
);

Deno.test(
  "compilePolicies() is deterministic: the IR does not depend on the order of a rule's syscalls or of the architectures asked for",
  { permissions: "none" },
  () => {
    const names = [...syscallTable("x86_64").byName.keys()];
    const policy = generatedPolicy(500, names, 7);
    const reordered = {
      ...policy,
      rules: policy.rules.map((r) => ({ ...r, syscalls: [...r.syscalls].reverse() })),
    };
    const a = emitIr(compilePolicies([policy], { arches: ["x86_64", "i386", "aarch64"] }));
    const b = emitIr(compilePolicies([reordered], { arches: ["aarch64", "x86_64", "i386"] }));
    if (a !== b) throw new Error("the IR depends on input order");
  },
);

Deno.test("compilePolicies() agrees with a rule-by-rule reference on generated policies", {
  permissions: "none",
}, () => {
  // The reference: every rule that matches, highest priority first, then strictest, then first written.
  const names = ["read", "write", "socket", "openat", "close", "mmap"];
  const strict = ["allow", "log", "trace", "notify", "deny", "trap", "kill_thread", "kill"];
  for (const seed of [1, 2, 3, 4, 5]) {
    const p = generatedPolicy(60, names, seed);
    const set = compilePolicies([p], { arches: ["x86_64"] });
    for (const name of names) {
      const nr = syscallNumber("x86_64", name)!;
      for (let a = 0n; a < 18n; a++) {
        const args = [a, a, a, a, a, a];
        const matching = p.rules
          .map((r, index) => ({ r, index }))
          .filter(({ r }) =>
            r.syscalls.some((s) => s.kind === "name" && s.name === name) &&
            r.args.every((c) => {
              const v = args[c.index]!;
              switch (c.op) {
                case "eq":
                  return v === c.value;
                case "ne":
                  return v !== c.value;
                case "lt":
                  return v < c.value;
                case "le":
                  return v <= c.value;
                case "gt":
                  return v > c.value;
                case "ge":
                  return v >= c.value;
                case "masked_eq":
                  return (v & c.mask!) === c.value;
              }
            })
          )
          .sort((x, y) =>
            y.r.priority - x.r.priority ||
            strict.indexOf(y.r.action) - strict.indexOf(x.r.action) || x.index - y.index
          );
        const winner = matching[0]?.r;
        const expected = winner === undefined ? { action: "deny", errno: 1, ruleId: null } : {
          action: winner.action,
          ...(winner.action === "deny" ? { errno: winner.errno } : {}),
          ruleId: winner.id,
        };
        assertEquals(
          brief(evaluate(set, { arch: "x86_64", nr, args })),
          expected,
          `seed ${seed} ${name}(${a})`,
        );
      }
    }
  }
});

Deno.test(
  "sameEffect() compares action, errno and audited action only",
  { permissions: "none" },
  () => {
    const base = { action: "deny", errno: 1, ruleId: "a", policy: "p", loc: at(1) } as const;
    if (!sameEffect(base, { ...base, ruleId: "b", loc: at(2) })) throw new Error("same effect");
    if (sameEffect(base, { ...base, errno: 2 })) throw new Error("errno differs");
    if (sameEffect(base, { ...base, action: "log", audited: "deny" })) {
      throw new Error(
        "action differs",
      );
    }
  },
);

Deno.test({
  name: "compilePolicies() narrows tests on 32- and 16-bit arguments to the bits the kernel reads",
  permissions: "none",
  fn() {
    const U32 = 1n << 32n;
    const set = compilePolicies([policy({
      rules: [
        rule({
          id: "no-inet6",
          syscalls: ["socket"],
          action: "deny",
          priority: 10,
          args: [{ index: 0, op: "eq", value: 10n | U32 * 7n }], // high bits the kernel drops
        }),
        rule({
          id: "cwd-only",
          syscalls: ["openat"],
          action: "deny",
          args: [{ index: 0, op: "ne", value: -100n }], // AT_FDCWD, an int
        }),
        rule({
          id: "no-setuid-mode",
          syscalls: ["chmod"],
          action: "deny",
          args: [{ index: 1, op: "masked_eq", value: 0o4000n, mask: 0xffff_ffff_ffff_f800n }],
        }),
        rule({
          id: "huge-maps",
          syscalls: ["mmap"],
          action: "deny",
          args: [{ index: 1, op: "gt", value: U32 }], // size_t: all 64 bits
        }),
      ],
    })], { arches: ["x86_64", "i386"] });
    // a value with high bits set is not what the kernel can read: the eq never holds
    assertEquals(entry(set, "socket").cases, [], "socket eq with high bits never holds");
    assertEquals(entry(set, "openat").cases[0]?.tests, [
      { index: 0, op: "ne", value: 0xffff_ff9cn, width: 32 },
    ], "openat dfd");
    assertEquals(entry(set, "chmod").cases[0]?.tests, [
      { index: 1, op: "masked_eq", value: 0o4000n, mask: 0xf800n, width: 16 },
    ], "chmod mode");
    assertEquals(entry(set, "mmap").cases[0]?.tests, [
      { index: 1, op: "gt", value: U32 },
    ], "mmap length");
    // on i386 every argument is a 32-bit register: a length above 2^32 cannot be asked for
    assertEquals(entry(set, "mmap2", "i386").cases, [], "i386 mmap2 length");
    assertEquals(entry(set, "openat", "i386").cases[0]?.tests, [
      { index: 0, op: "ne", value: 0xffff_ff9cn, width: 32 },
    ], "i386 openat dfd");
  },
});

Deno.test({
  name: "compilePolicies() decides values wider than a 32-bit argument by what it can hold",
  permissions: "none",
  async fn(t) {
    const wide = 0x1_0000_0002n;
    const cases: [ArgOp, "never" | "always"][] = [
      ["eq", "never"],
      ["masked_eq", "never"],
      ["gt", "never"],
      ["ge", "never"],
      ["ne", "always"],
      ["lt", "always"],
      ["le", "always"],
    ];
    for (const [op, expected] of cases) {
      await t.step(`${op} 0x${wide.toString(16)} on an int ${expected} holds`, () => {
        const args = [
          op === "masked_eq" ? { index: 0 as const, op, value: wide, mask: wide } : {
            index: 0 as const,
            op,
            value: wide,
          },
        ];
        const set = compilePolicies([policy({
          rules: [rule({ id: "r", syscalls: ["socket"], action: "deny", errno: 5, args })],
        })], { arches: ["x86_64"] });
        const socket = entry(set, "socket");
        assertEquals(socket.cases, [], `${op}: no case left`);
        assertEquals(socket.otherwise.ruleId, expected === "always" ? "r" : null, op);
        // and on a 64-bit argument the same condition is a real test
        const mmap = compilePolicies([policy({
          rules: [rule({ id: "r", syscalls: ["mmap"], action: "deny", errno: 5, args })],
        })], { arches: ["x86_64"] });
        assertEquals(entry(mmap, "mmap").cases.length, 1, `${op} on mmap addr`);
      });
    }
  },
});
