import { emitBpfMaps, layerEntries, layerMaps, netRule, parseAddress } from "./bpf_maps.ts";
import { compilePolicies } from "./compile.ts";
import type { ResolvedPolicy } from "../policies/types.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { CORDON_ACT, CORDON_DECISION, CORDON_SLOT_UNKNOWN } from "../bpf/structs.ts";

const loc = { file: "p.yaml", line: 1, column: 1 };

function policy(extra: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    name: "p",
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    loc,
    target: { comms: ["curl"] },
    rules: [
      {
        id: "kill-ptrace",
        policy: "p",
        origin: "rule",
        action: "kill",
        priority: 0,
        args: [],
        loc,
        syscalls: [{ kind: "name", name: "ptrace", loc }],
      },
      {
        id: "deny-mkdir",
        policy: "p",
        origin: "rule",
        action: "deny",
        errno: 13,
        priority: 0,
        args: [],
        loc,
        syscalls: [{ kind: "name", name: "mkdir", loc }],
      },
      {
        id: "socket-args",
        policy: "p",
        origin: "rule",
        action: "kill",
        priority: 0,
        args: [{ index: 0, op: "eq", value: 17n, loc }],
        loc,
        syscalls: [{ kind: "name", name: "socket", loc }],
      },
    ],
    ...extra,
  };
}

Deno.test("layerMaps() gives the kernel action per syscall slot, native and i386", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy()], { arches: ["x86_64", "i386"] });
  const [maps] = layerMaps(set);
  const ptrace = maps!.decisions.get(syscallNumber("x86_64", "ptrace")!);
  if (ptrace?.action !== CORDON_ACT.kill || ptrace.ruleId !== "kill-ptrace") {
    throw new Error("ptrace must be killed");
  }
  const mkdir32 = maps!.decisions.get(512 + syscallNumber("i386", "mkdir")!);
  if (mkdir32?.action !== CORDON_ACT.deny || mkdir32.errno !== 13) {
    throw new Error("i386 mkdir must be denied");
  }
  const socket = maps!.decisions.get(syscallNumber("x86_64", "socket")!);
  if (!socket || !(socket.flags & CORDON_DECISION.args)) {
    throw new Error("socket must be decided by arguments");
  }
  if (maps!.decisions.has(syscallNumber("x86_64", "read")!)) {
    throw new Error("allowed calls need no entry");
  }
  if (maps!.decisions.has(CORDON_SLOT_UNKNOWN)) {
    throw new Error("the default allows unknown numbers");
  }
  if (maps!.comms.join() !== "curl") throw new Error("a comms-only target goes to comm_targets");
});

Deno.test("layerMaps() flags audit mode and kills calls of an architecture the layer lacks", {
  permissions: "none",
}, () => {
  const set = compilePolicies([policy({ mode: "audit" })], { arches: ["x86_64"] });
  const [maps] = layerMaps(set);
  const ptrace = maps!.decisions.get(syscallNumber("x86_64", "ptrace")!);
  if (!ptrace || !(ptrace.flags & CORDON_DECISION.audit) || ptrace.policyAction !== "kill") {
    throw new Error("audit");
  }
  const i386 = maps!.decisions.get(512 + 20);
  if (i386?.action !== CORDON_ACT.kill) {
    throw new Error("i386 calls of an x86_64-only layer must be killed");
  }
});

Deno.test("emitBpfMaps() is deterministic and byte-exact", { permissions: "none" }, () => {
  const net = {
    connect: [{
      text: "127.0.0.1:5432",
      protocol: "tcp" as const,
      address: "127.0.0.1",
      ports: [5432, 5432] as const,
      loc,
    }],
    bind: [],
    loc,
  };
  const set = compilePolicies([policy({ network: net })], { arches: ["x86_64"] });
  const a = emitBpfMaps(set);
  if (a !== emitBpfMaps(compilePolicies([policy({ network: net })], { arches: ["x86_64"] }))) {
    throw new Error("not deterministic");
  }
  const entries = layerEntries(layerMaps(set)[0]!);
  const key = entries.decisions!.find((e) =>
    new DataView(e.key.buffer).getUint32(4, true) === 101
  )!;
  // struct cordon_decision_key { policy = 1, slot = 101 (ptrace) } → { action KILL, flags 0, errno 0, rule 1 }
  if ([...key.key].join() !== "1,0,0,0,101,0,0,0") throw new Error(`key ${key.key}`);
  if (key.value[0] !== CORDON_ACT.kill) throw new Error(`value ${key.value}`);
  const rule = entries.net_rules![0]!.value;
  if (rule[10] !== 0xff || rule[15] !== 1 || rule[20] !== 128 || rule[21] !== 6 || rule[22] !== 1) {
    throw new Error(`net rule ${rule}`);
  }
  const parsed = JSON.parse(a);
  if (parsed.layers[0].networkRules.join() !== "connect 127.0.0.1:5432") {
    throw new Error(a.slice(0, 400));
  }
});

Deno.test("parseAddress() and netRule() handle IPv6, prefixes and bad input", {
  permissions: "none",
}, () => {
  const v6 = parseAddress("2001:db8::1")!;
  if (v6.bytes[0] !== 0x20 || v6.bytes[1] !== 0x01 || v6.bytes[15] !== 1 || v6.v4) {
    throw new Error("2001:db8::1");
  }
  const mapped = parseAddress("::ffff:10.1.2.3")!;
  if (mapped.bytes[10] !== 0xff || mapped.bytes[12] !== 10 || mapped.bytes[15] !== 3) {
    throw new Error("mapped");
  }
  for (const bad of ["1::2::3", "300.1.1.1", "g::1", "1:2:3:4:5:6:7:8:9"]) {
    if (parseAddress(bad) !== undefined) throw new Error(`accepted ${bad}`);
  }
  const r = netRule({ text: "10.0.0.0/8", protocol: "any", address: "10.0.0.0/8", loc }, 1);
  if (r.prefixLen !== 104 || r.portLo !== 0 || r.portHi !== 65535) throw new Error("10.0.0.0/8");
});
