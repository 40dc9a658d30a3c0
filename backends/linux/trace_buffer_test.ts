import { TraceBuffer } from "./trace_buffer.ts";
import { decodeEvent } from "../../bpf/structs.ts";
import { eventFromJsonLine } from "../../engine/events.ts";
import { syscallName } from "../../policies/syscalls.ts";
import { ok as assert } from "node:assert/strict";

/** A `cordon_syscall_event` record. */
function record(fields: {
  ts: bigint;
  tgid: number;
  tid: number;
  nr: number;
  abi: number;
  args: bigint[];
}): DataView {
  const view = new DataView(new ArrayBuffer(104));
  view.setBigUint64(0, fields.ts, true);
  view.setUint32(8, 1, true);
  view.setUint32(12, fields.tgid, true);
  view.setUint32(16, fields.tid, true);
  view.setUint32(40, fields.nr, true);
  view.setUint8(44, fields.abi);
  fields.args.forEach((a, i) => view.setBigUint64(56 + 8 * i, a, true));
  return view;
}

Deno.test("TraceBuffer writes syscall records that read back as the decoded event", () => {
  const bootMs = 1_716_200_000_123.456;
  const cases = [
    { ts: 0n, tgid: 1, tid: 1, nr: 0, abi: 0, args: [0n, 1n, 0xffn, 0x100n, 0x1234n, 0xabcden] },
    {
      ts: 987_654_321_987n,
      tgid: 4_000_000,
      tid: 4_000_001,
      nr: 257,
      abi: 0,
      args: [0xffffff9cn, 0x7fd8d9418829n, 0xffffffffffffffffn, 0x100000000n, 0x1_0000_0001n, 9n],
    },
    { ts: 5n, tgid: 7, tid: 7, nr: 64, abi: 1, args: [0xffffffffn, 0n, 0n, 0n, 0n, 0n] },
    { ts: 5n, tgid: 7, tid: 7, nr: 511, abi: 0, args: [0n, 0n, 0n, 0n, 0n, 0n] },
  ];
  for (const c of cases) {
    let out = "";
    const buffer = new TraceBuffer((b) => out += new TextDecoder().decode(b), bootMs);
    const view = record(c);
    assert(buffer.syscall(view, 0), `refused ${JSON.stringify(c, (_, v) => String(v))}`);
    buffer.flush();
    assert(out.endsWith("\n") && out.indexOf("\n") === out.length - 1, `one line: ${out}`);
    const event = eventFromJsonLine(out.trimEnd());
    const raw = decodeEvent(view, 0, 104);
    assert(event.kind === "syscall" && raw.kind === "syscall", out);
    const arch = c.abi === 0 ? "x86_64" : "i386";
    assert(event.arch === arch && event.nr === c.nr, out);
    assert(event.name === (syscallName(arch, c.nr) ?? null), out);
    assert(event.pid === c.tgid && event.tid === (c.tid === c.tgid ? undefined : c.tid), out);
    assert(JSON.stringify(event.args?.map(String)) === JSON.stringify(raw.args.map(String)), out);
    const time = bootMs + Number(c.ts) / 1e6;
    assert(Math.abs(event.time - time) <= 0.001, `time ${event.time}, want ${time}`);
  }
});

Deno.test("TraceBuffer refuses x32 and out-of-table records, writing nothing", () => {
  let out = "";
  const buffer = new TraceBuffer((b) => out += new TextDecoder().decode(b), 0);
  assert(!buffer.syscall(record({ ts: 0n, tgid: 1, tid: 1, nr: 1, abi: 2, args: [] }), 0), "x32");
  assert(!buffer.syscall(record({ ts: 0n, tgid: 1, tid: 1, nr: 512, abi: 0, args: [] }), 0), "nr");
  buffer.flush();
  assert(out === "" && buffer.written === 0, out);
});

Deno.test("TraceBuffer flushes when full and keeps lines whole and in order", () => {
  const chunks: string[] = [];
  const buffer = new TraceBuffer((b) => chunks.push(new TextDecoder().decode(b)), 0, 600);
  const long = `{"path":"${"é".repeat(2000)}"}`;
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) {
    const line = i === 25 ? long : `{"i":${i}}`;
    lines.push(line);
    buffer.line(line);
    buffer.syscall(record({ ts: 0n, tgid: 1, tid: 1, nr: 39, abi: 0, args: [] }), 0);
  }
  buffer.flush();
  assert(chunks.length > 2, `${chunks.length} writes`);
  assert(chunks.every((c) => c.endsWith("\n")), "a write ended mid-line");
  const written = chunks.join("").split("\n").filter((l) => !l.includes('"syscall"'));
  assert(JSON.stringify(written.slice(0, -1)) === JSON.stringify(lines), "lines lost or reordered");
  assert(buffer.written === new TextEncoder().encode(chunks.join("")).length, "byte count");
});
