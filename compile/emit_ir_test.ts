import { compilePolicies } from "./compile.ts";
import { emitIr, IR_FORMAT, IR_VERSION } from "./emit_ir.ts";
import { syscallNumber, syscallTable, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import { policy, rule } from "./_test_policies.ts";

const set = compilePolicies([policy({
  defaultAction: "deny",
  defaultErrno: 13,
  target: { comms: ["nginx"] },
  rules: [
    rule({ id: "reads", syscalls: ["read", "readv"], action: "allow", line: 12 }),
    rule({
      id: "no-packet",
      syscalls: ["socket"],
      action: "kill",
      priority: 5,
      args: [{ index: 0, op: "masked_eq", value: 17n, mask: 0xffn }],
      line: 14,
    }),
    rule({ id: "future", syscalls: [3000], action: "log", line: 20 }),
  ],
})], { arches: ["x86_64", "x32"] });

Deno.test("emitIr() is byte-identical for the same set", { permissions: "none" }, () => {
  const again = compilePolicies([policy({ defaultAction: "deny" })], { arches: ["x86_64"] });
  if (emitIr(set) !== emitIr(set) || emitIr(again) !== emitIr(structuredClone(again))) {
    throw new Error("emitIr must be deterministic");
  }
});

Deno.test("emitIr() lists every syscall with an index into the layer's decisions", {
  permissions: "none",
}, () => {
  const ir = JSON.parse(emitIr(set));
  if (ir.format !== IR_FORMAT || ir.version !== IR_VERSION) throw new Error("format/version");
  const layer = ir.layers[0];
  if (layer.loc !== "test.yaml:1:9" || layer.target.comms[0] !== "nginx") {
    throw new Error("layer header");
  }
  const x86 = layer.arches.x86_64;
  const keys = Object.keys(x86.syscalls);
  if (keys.length !== syscallTable("x86_64").byNumber.size + 1) {
    throw new Error(`${keys.length} keys`);
  }
  const decision = (ref: number) => layer.decisions[ref];
  const read = decision(x86.syscalls[`read:${syscallNumber("x86_64", "read")}`]);
  if (read.action !== "allow" || read.ruleId !== "reads" || read.loc !== "test.yaml:12:3") {
    throw new Error(`read: ${JSON.stringify(read)}`);
  }
  const write = decision(x86.syscalls[`write:${syscallNumber("x86_64", "write")}`]);
  if (write.action !== "deny" || write.errno !== 13 || write.ruleId !== null) {
    throw new Error("write");
  }
  const unknown = decision(x86.unknown);
  if (unknown.errno !== 38) throw new Error("unknown is ENOSYS");
  if (decision(x86.syscalls[":3000"]).ruleId !== "future") throw new Error("unnamed 3000");
  const socket = x86.syscalls[`socket:${syscallNumber("x86_64", "socket")}`];
  const test = socket.cases[0].tests[0];
  if (
    socket.cases[0].priority !== 5 || test.arg !== 0 || test.op !== "masked_eq" ||
    test.value !== "0x11" || test.mask !== "0xff" ||
    decision(socket.cases[0].decision).action !== "kill" ||
    decision(socket.otherwise).errno !== 13
  ) throw new Error(`socket: ${JSON.stringify(socket)}`);
  if (!(`read:${X32_SYSCALL_BIT}` in layer.arches.x32.syscalls)) {
    throw new Error("x32 numbers carry the bit");
  }
  const ids = layer.decisions.map((d: { ruleId: string | null }) => d.ruleId);
  if (new Set(layer.decisions.map((d: unknown) => JSON.stringify(d))).size !== ids.length) {
    throw new Error("decisions must be listed once each");
  }
});
