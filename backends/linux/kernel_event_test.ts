import assert from "node:assert/strict";
import {
  CORDON_ABI,
  CORDON_ENFORCE,
  CORDON_EV,
  CORDON_NET_OP,
  CORDON_REASON,
  fieldOffset,
  type StructName,
  STRUCTS,
} from "../../bpf/structs.ts";
import {
  abiArch,
  countsByName,
  exitStatus,
  formatAddress,
  isCreate,
  netOp,
  readKernelEvent,
} from "./kernel_event.ts";

/** Boot 1,000,000 ms after the epoch; events at 2.5 ms after boot. */
const BOOT_MS = 1_000_000;
const TS_NS = 2_500_000n;
const TIME = 1_000_002.5;

type Value = number | bigint | string | Uint8Array;

/**
 * A ring-buffer record of `struct` laid out per `bpf/structs.ts`: the header (`ts_ns`, kind,
 * tgid 100, tid `tid`, policy 3, comm "worker"), then `fields` by C name, written with the
 * width the layout gives them.
 */
function record(
  struct: StructName,
  kind: number,
  fields: Readonly<Record<string, Value>>,
  tid = 100,
): { view: DataView; length: number } {
  const size = STRUCTS[struct].size;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const put = (s: StructName, name: string, value: Value) => {
    const at = fieldOffset(s, name);
    const width = STRUCTS[s].fields[name]!.size;
    if (typeof value === "string") {
      bytes.set(new TextEncoder().encode(value).subarray(0, width - 1), at);
    } else if (value instanceof Uint8Array) {
      bytes.set(value.subarray(0, width), at);
    } else if (width === 8) {
      view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
    } else if (width === 4) {
      view.setUint32(at, Number(value) >>> 0, true);
    } else if (width === 2) {
      view.setUint16(at, Number(value), true);
    } else {
      view.setUint8(at, Number(value));
    }
  };
  put("cordon_event_header", "ts_ns", TS_NS);
  put("cordon_event_header", "kind", kind);
  put("cordon_event_header", "tgid", 100);
  put("cordon_event_header", "tid", tid);
  put("cordon_event_header", "policy", 3);
  put("cordon_event_header", "comm", "worker");
  for (const [name, value] of Object.entries(fields)) put(struct, name, value);
  return { view, length: size };
}

function decode(r: { view: DataView; length: number }) {
  return readKernelEvent(r.view, 0, r.length, BOOT_MS);
}

Deno.test("readKernelEvent() decodes a syscall record into an event without a verdict", () => {
  const r = record("cordon_syscall_event", CORDON_EV.syscall, {
    nr: 102, // i386 socketcall
    abi: CORDON_ABI.compat,
    reason: CORDON_REASON.subscribed,
    args: new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
  }, 101);
  const decoded = decode(r);
  assert.equal(decoded.kind, "syscall");
  if (decoded.kind !== "syscall") return;
  assert.deepEqual(decoded.event, {
    kind: "syscall",
    time: TIME,
    pid: 100,
    tid: 101,
    comm: "worker",
    arch: "i386",
    nr: 102,
    name: "socketcall",
    args: [7n, 0xffffffffffffffffn, 0n, 0n, 0n, 0n],
  });
  assert.equal(decoded.raw.reason, CORDON_REASON.subscribed);
  assert.equal(decoded.raw.policy, 3);
});

Deno.test("readKernelEvent() names unknown syscall numbers null", () => {
  const decoded = decode(record("cordon_syscall_event", CORDON_EV.syscall, { nr: 511 }));
  assert.ok(decoded.kind === "syscall" && decoded.event.name === null);
  assert.ok(
    decoded.kind === "syscall" && !("tid" in decoded.event),
    "tid equal to pid is left out",
  );
});

Deno.test("readKernelEvent() decodes file records, O_CREAT as create", async (t) => {
  const cases = [
    { flags: 0o2, ret: 3n, op: "open", result: 3 },
    { flags: 0o101, ret: -13n, op: "create", result: -13 },
  ] as const;
  for (const c of cases) {
    await t.step(`flags ${c.flags.toString(8)} ret ${c.ret}`, () => {
      const decoded = decode(record("cordon_file_event", CORDON_EV.file, {
        nr: 257, // openat
        abi: CORDON_ABI.native,
        ret: c.ret,
        dfd: -100,
        flags: c.flags,
        path: "/etc/hosts",
      }));
      assert.equal(decoded.kind, "file");
      if (decoded.kind !== "file") return;
      assert.deepEqual(decoded.event, {
        kind: "file",
        op: c.op,
        time: TIME,
        pid: 100,
        comm: "worker",
        path: "/etc/hosts",
        flags: c.flags,
        syscall: "openat",
        result: c.result,
      });
      assert.equal(decoded.raw.dfd, -100);
    });
  }
});

Deno.test("readKernelEvent() decodes socket calls: op, family, protocol, address", async (t) => {
  const v6 = new Uint8Array(16);
  v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
  const cases = [
    {
      nr: 42, // connect
      family: 2,
      protocol: 6,
      addr: new Uint8Array([10, 0, 0, 1]),
      ret: -115n,
      expect: { op: "connect", family: "inet", protocol: "tcp", address: "10.0.0.1", port: 443 },
    },
    {
      nr: 44, // sendto
      family: 10,
      protocol: 17,
      addr: v6,
      ret: 12n,
      expect: { op: "send", family: "inet6", protocol: "udp", address: "2001:db8::1", port: 443 },
    },
    {
      nr: 288, // accept4
      family: 1,
      protocol: 0,
      addr: new Uint8Array(16),
      ret: 5n,
      expect: { op: "accept", family: "unix", protocol: "other" },
    },
  ] as const;
  for (const c of cases) {
    await t.step(`${c.expect.op} ${c.expect.family}`, () => {
      const decoded = decode(record("cordon_net_event", CORDON_EV.net, {
        nr: c.nr,
        abi: CORDON_ABI.native,
        protocol: c.protocol,
        family: c.family,
        ret: c.ret,
        fd: 4,
        port: 443,
        addr: c.addr,
      }));
      assert.equal(decoded.kind, "network");
      if (decoded.kind !== "network") return;
      const { event } = decoded;
      assert.equal(event.op, c.expect.op);
      assert.equal(event.family, c.expect.family);
      assert.equal(event.protocol, c.expect.protocol);
      assert.equal(event.address, "address" in c.expect ? c.expect.address : undefined);
      assert.equal(event.port, "port" in c.expect ? c.expect.port : undefined);
      assert.equal(event.result, Number(c.ret));
      assert.equal(event.verdict, undefined);
    });
  }
});

Deno.test("readKernelEvent() decodes cgroup denials, audited ones without a result", async (t) => {
  const cases = [
    { nr: CORDON_NET_OP.connect4, ret: -1n, audited: false, op: "connect", syscall: "connect" },
    { nr: CORDON_NET_OP.bind6, ret: 0n, audited: true, op: "bind", syscall: "bind" },
    { nr: CORDON_NET_OP.sendmsg4, ret: -1n, audited: false, op: "send", syscall: "sendmsg" },
  ] as const;
  for (const c of cases) {
    await t.step(`${c.syscall} ret ${c.ret}`, () => {
      const decoded = decode(record("cordon_net_event", CORDON_EV.netDeny, {
        nr: c.nr,
        protocol: 6,
        family: c.nr === CORDON_NET_OP.bind6 ? 10 : 2,
        ret: c.ret,
        port: 80,
        addr: new Uint8Array([192, 0, 2, 1]),
      }));
      assert.equal(decoded.kind, "networkDenial");
      if (decoded.kind !== "networkDenial") return;
      assert.equal(decoded.audited, c.audited);
      assert.equal(decoded.event.op, c.op);
      assert.equal(decoded.event.syscall, c.syscall);
      assert.equal(decoded.event.result, c.audited ? undefined : -1);
    });
  }
});

Deno.test("readKernelEvent() decodes a fork as the child's event with its start time", () => {
  const decoded = decode(
    record("cordon_fork_event", CORDON_EV.fork, {
      child_tgid: 200,
      child_start_ns: 1_000_000n,
    }, 105),
  );
  assert.equal(decoded.kind, "fork");
  if (decoded.kind !== "fork") return;
  // The forking thread's tid (105) is no thread of the child: it is left out.
  assert.deepEqual(decoded.event, {
    kind: "process",
    op: "fork",
    time: TIME,
    pid: 200,
    start: BOOT_MS + 1,
    ppid: 100,
    comm: "worker",
  });
});

Deno.test("readKernelEvent() decodes an exec", () => {
  const decoded = decode(record("cordon_exec_event", CORDON_EV.exec, {
    old_tid: 100,
    ppid: 1,
    uid: 1000,
    filename: "/usr/bin/curl",
  }));
  assert.equal(decoded.kind, "exec");
  if (decoded.kind !== "exec") return;
  assert.deepEqual(decoded.event, {
    kind: "process",
    op: "exec",
    time: TIME,
    pid: 100,
    comm: "worker",
    ppid: 1,
    executable: "/usr/bin/curl",
  });
  assert.equal(decoded.raw.uid, 1000);
});

Deno.test("readKernelEvent() decodes an exit's status and keeps its final counts", async (t) => {
  const cases = [
    { code: 7 << 8, status: { exitCode: 7 } },
    { code: 9, status: { signal: "SIGKILL" } },
    { code: 0x80 | 11, status: { signal: "SIGSEGV" } }, // core dumped
  ];
  for (const c of cases) {
    await t.step(`wait status ${c.code}`, () => {
      const counts = new Uint8Array(8 * 1024);
      new DataView(counts.buffer).setBigUint64(8 * 110, 4n, true); // getppid ×4
      const decoded = decode(record("cordon_exit_event", CORDON_EV.exit, {
        exit_code: c.code,
        start_ns: 5n,
        total: 6n,
        other: 2n,
        counts,
      }));
      assert.equal(decoded.kind, "exit");
      if (decoded.kind !== "exit") return;
      assert.deepEqual(decoded.event, {
        kind: "process",
        op: "exit",
        time: TIME,
        pid: 100,
        comm: "worker",
        ...c.status,
      });
      assert.equal(decoded.raw.total, 6n);
      assert.equal(decoded.raw.other, 2n);
      assert.deepEqual(countsByName(decoded.raw.counts), new Map([["getppid", 4]]));
    });
  }
});

Deno.test("readKernelEvent() decodes enforcement notices with their reason", () => {
  const decoded = decode(record("cordon_enforce_event", CORDON_EV.enforce, {
    reason: CORDON_ENFORCE.cgroup,
    target_tgid: 300,
    writer_killed: 1,
    cgroup_id: 77n,
  }));
  assert.equal(decoded.kind, "enforce");
  if (decoded.kind !== "enforce") return;
  assert.equal(decoded.reason, "cgroup-escape");
  assert.equal(decoded.time, TIME);
  assert.equal(decoded.raw.targetTgid, 300);
  assert.equal(decoded.raw.writerKilled, true);
  assert.equal(decoded.raw.cgroupId, 77n);
  const unknown = decode(
    record("cordon_enforce_event", CORDON_EV.enforce, { reason: 99, target_tgid: 1 }),
  );
  assert.ok(unknown.kind === "enforce" && unknown.reason === undefined);
});

Deno.test("readKernelEvent() decodes rate reports, and unknown or short records as unknown", () => {
  const rate = decode(record("cordon_rate_event", CORDON_EV.rate, {
    max_per_second: 10n,
    count: 11n,
  }));
  assert.ok(rate.kind === "rate" && rate.raw.count === 11n && rate.time === TIME);
  const strange = decode(record("cordon_rate_event", 42, {}));
  assert.ok(strange.kind === "unknown" && strange.raw.code === 42);
  const short = record("cordon_fork_event", CORDON_EV.exit, {}); // an exit too short for one
  assert.equal(decode(short).kind, "unknown");
});

Deno.test("abiArch() and isCreate() follow the call's ABI", () => {
  assert.equal(abiArch(CORDON_ABI.native), "x86_64");
  assert.equal(abiArch(CORDON_ABI.compat), "i386");
  assert.equal(abiArch(CORDON_ABI.other), "x32");
  assert.ok(isCreate(0o100, "i386") && isCreate(0o100, "aarch64") && !isCreate(0o200, "x86_64"));
});

Deno.test("exitStatus(), netOp() and formatAddress() decode what the kernel reports", () => {
  assert.deepEqual(exitStatus(0), { exitCode: 0 });
  assert.deepEqual(exitStatus(15), { signal: "SIGTERM" });
  assert.equal(netOp("sendmsg"), "send");
  assert.equal(netOp("bind"), "bind");
  assert.equal(netOp("connect"), "connect");
  assert.equal(formatAddress(10, new Uint8Array(16)), "::");
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff, mapped[11] = 0xff, mapped[12] = 127, mapped[15] = 1;
  assert.equal(formatAddress(10, mapped), "::ffff:7f00:1");
  assert.equal(formatAddress(1, new Uint8Array(16)), undefined);
});

Deno.test("countsByName() names i386 slots with a prefix and unknown numbers by number", () => {
  const names = countsByName(new Map([[0, 2n], [512 + 3, 1n], [511, 5n]]));
  assert.deepEqual(names, new Map([["read", 2], ["i386:read", 1], ["#511", 5]]));
});
