import { compilePolicies } from "./compile.ts";
import { evaluate, evaluateLayers, Evaluator, UNCONFINED, type Verdict } from "./evaluate.ts";
import { syscallNumber, syscallTable, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import { ARCHES } from "../policies/types.ts";
import { generatedPolicy, policy, random, rule } from "./_test_policies.ts";

function sameVerdict(a: Verdict, b: Verdict): boolean {
  return a.action === b.action && a.errno === b.errno && a.audited === b.audited &&
    a.ruleId === b.ruleId && a.policy === b.policy && a.layer === b.layer &&
    a.loc.file === b.loc.file && a.loc.line === b.loc.line && a.loc.column === b.loc.column;
}

const layered = compilePolicies([
  policy({
    name: "web",
    target: { comms: ["nginx"] },
    defaultAction: "allow",
    rules: [rule({ id: "web-no-mount", policy: "web", syscalls: ["mount"], action: "deny" })],
  }),
  policy({
    name: "all",
    defaultAction: "allow",
    rules: [
      rule({ id: "no-ptrace", policy: "all", syscalls: ["ptrace"], action: "kill" }),
      rule({ id: "mount-log", policy: "all", syscalls: ["mount"], action: "log" }),
    ],
  }),
]);
const mount = syscallNumber("x86_64", "mount")!;

Deno.test(
  "evaluate() applies only the layers that target the process",
  { permissions: "none" },
  () => {
    const nginx = evaluate(layered, { arch: "x86_64", nr: mount }, { pid: 1, comm: "nginx" });
    if (nginx.action !== "deny" || nginx.layer !== 0 || nginx.ruleId !== "web-no-mount") {
      throw new Error(`nginx: ${JSON.stringify(nginx)}`);
    }
    const bash = evaluate(layered, { arch: "x86_64", nr: mount }, { pid: 2, comm: "bash" });
    if (bash.action !== "log" || bash.layer !== 1) throw new Error(`bash: ${JSON.stringify(bash)}`);
  },
);

Deno.test("evaluate() without a process applies every layer", { permissions: "none" }, () => {
  const v = evaluate(layered, { arch: "x86_64", nr: mount });
  if (v.action !== "deny" || v.layer !== 0) throw new Error(JSON.stringify(v));
  const layers = evaluateLayers(layered, { arch: "x86_64", nr: mount });
  if (layers.map((l) => `${l.layer}:${l.action}`).join() !== "0:deny,1:log") {
    throw new Error(JSON.stringify(layers));
  }
});

Deno.test(
  "evaluate() allows, decided by nothing, when no layer applies",
  { permissions: "none" },
  () => {
    const targeted = compilePolicies([policy({ target: { pids: [5] }, defaultAction: "kill" })]);
    const v = evaluate(targeted, { arch: "x86_64", nr: 0 }, { pid: 6 });
    if (v !== UNCONFINED || v.layer !== null || v.ruleId !== null) {
      throw new Error(
        JSON.stringify(v),
      );
    }
    if (evaluate(targeted, { arch: "x86_64", nr: 0 }, { pid: 5 }).action !== "kill") {
      throw new Error("pid 5 is targeted");
    }
  },
);

Deno.test("evaluate() refuses an architecture the set was not compiled for", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy()], { arches: ["x86_64"] });
  for (
    const run of [
      () => evaluate(set, { arch: "aarch64", nr: 0 }),
      () => new Evaluator(set).decide("aarch64", 0),
    ]
  ) {
    let threw = false;
    try {
      run();
    } catch (error) {
      threw = error instanceof RangeError && error.message.includes("aarch64");
    }
    if (!threw) throw new Error("must throw a RangeError naming aarch64");
  }
});

Deno.test("Evaluator.decide() agrees with evaluate() on every number, with and without arguments", {
  permissions: "none",
}, () => {
  for (const seed of [11, 12, 13]) {
    const names = [...syscallTable("x86_64").byName.keys()].slice(0, 40);
    const set = compilePolicies([
      generatedPolicy(300, names, seed),
      policy({
        name: "second",
        defaultAction: "log",
        rules: [rule({ id: "s", syscalls: [0, 3000, 9_000_000], action: "trap" })],
      }),
      { ...generatedPolicy(100, names, seed + 100), mode: "audit" },
    ]);
    const evaluator = new Evaluator(set);
    const next = random(seed);
    for (const arch of ARCHES) {
      const offset = arch === "x32" ? X32_SYSCALL_BIT : 0;
      const numbers = [
        ...syscallTable(arch).byNumber.keys(),
        3000,
        9_000_000,
        -1,
        1.5,
        5000,
        offset + 3000,
        0,
      ];
      for (const nr of numbers) {
        for (let i = 0; i < 8; i++) {
          const args = i === 0
            ? undefined
            : Array.from({ length: 6 }, () => BigInt(Math.floor(next() * 18)));
          const call = args === undefined ? { arch, nr } : { arch, nr, args };
          const slow = evaluate(set, call);
          const fast = evaluator.decide(arch, nr, args);
          if (!sameVerdict(slow, fast)) {
            throw new Error(
              `${arch} ${nr} ${args}: ${JSON.stringify(slow)} vs ${JSON.stringify(fast)}`,
            );
          }
        }
      }
    }
  }
});

Deno.test(
  "Evaluator applies only the layers that target its process",
  { permissions: "none" },
  () => {
    const nginx = new Evaluator(layered, { pid: 1, comm: "nginx" });
    const bash = new Evaluator(layered, { pid: 1, comm: "bash" });
    if (nginx.decide("x86_64", mount).action !== "deny") throw new Error("nginx mount denied");
    if (bash.decide("x86_64", mount).action !== "log") throw new Error("bash mount logged");
    const none = new Evaluator(compilePolicies([policy({ target: { pids: [1] } })]), { pid: 2 });
    if (none.decide("aarch64", 1) !== UNCONFINED) throw new Error("no layer: unconfined");
  },
);

Deno.test("Evaluator.decide() returns the same frozen object for the same decision", {
  permissions: "none",
}, () => {
  const evaluator = new Evaluator(layered);
  const a = evaluator.decide("x86_64", syscallNumber("x86_64", "read")!);
  const b = evaluator.decide("x86_64", syscallNumber("x86_64", "write")!);
  if (a !== b || !Object.isFrozen(a)) throw new Error("verdicts must be prebuilt and shared");
});

Deno.test("Evaluator indexes x32 by number minus the x32 bit", { permissions: "none" }, () => {
  const set = compilePolicies([policy({
    defaultAction: "kill",
    rules: [rule({ id: "r", syscalls: ["read"], action: "allow" })],
  })]);
  const evaluator = new Evaluator(set);
  if (evaluator.decide("x32", X32_SYSCALL_BIT).action !== "allow") throw new Error("x32 read");
  const bare = evaluator.decide("x32", 0);
  if (bare.action !== "deny" || bare.errno !== 38) throw new Error("bare 0 is unknown on x32");
});

Deno.test(
  "evaluate() and Evaluator compare a 32-bit argument's low half and a 64-bit one whole",
  { permissions: "none" },
  () => {
    const U32 = 1n << 32n;
    const AF_INET6 = 10n;
    const set = compilePolicies([policy({
      defaultAction: "deny",
      rules: [
        rule({ id: "sockets", syscalls: ["socket"], action: "allow" }),
        rule({
          id: "no-inet6",
          syscalls: ["socket"],
          action: "deny",
          errno: 97,
          priority: 10,
          args: [{ index: 0, op: "eq", value: AF_INET6 }],
        }),
        rule({ id: "maps", syscalls: ["mmap"], action: "allow" }),
        rule({
          id: "no-4k-maps",
          syscalls: ["mmap"],
          action: "deny",
          errno: 12,
          priority: 10,
          args: [{ index: 1, op: "eq", value: 4096n }],
        }),
      ],
    })]);
    const evaluator = new Evaluator(set);
    const socket = syscallNumber("x86_64", "socket")!;
    const mmap = syscallNumber("x86_64", "mmap")!;
    const cases: [number, bigint[], string][] = [
      [socket, [AF_INET6, 1n, 0n], "no-inet6"],
      [socket, [AF_INET6 | U32, 1n, 0n], "no-inet6"],
      [socket, [AF_INET6 | 0xffff_ffff_0000_0000n, 1n, 0n], "no-inet6"],
      [socket, [AF_INET6 - U32, 1n, 0n], "no-inet6"], // negative: taken modulo 2^64
      [socket, [AF_INET6 + 1n, 1n, 0n], "sockets"],
      [mmap, [0n, 4096n], "no-4k-maps"],
      [mmap, [0n, 4096n | U32], "maps"],
    ];
    for (const [nr, args, expected] of cases) {
      const a = evaluate(set, { arch: "x86_64", nr, args });
      const b = evaluator.decide("x86_64", nr, args);
      if (a.ruleId !== expected || !sameVerdict(a, b)) {
        throw new Error(`${nr} [${args.join(", ")}]: ${a.ruleId} / ${b.ruleId}, want ${expected}`);
      }
    }
    // i386: every argument is 32 bits
    const i386Socket = syscallNumber("i386", "socket")!;
    const verdict = evaluate(set, { arch: "i386", nr: i386Socket, args: [AF_INET6 | U32] });
    if (verdict.ruleId !== "no-inet6") throw new Error(`i386: ${verdict.ruleId}`);
  },
);
