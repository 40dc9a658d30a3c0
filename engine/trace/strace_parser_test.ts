import assert from "node:assert/strict";
import { decodeStraceArg, splitStraceArgs, StraceParser } from "./strace_parser.ts";
import type { TraceCall, TraceItem, TraceProcess } from "./trace_item.ts";

function parse(lines: readonly string[]): TraceItem[] {
  const parser = new StraceParser();
  const out: TraceItem[] = [];
  lines.forEach((line, i) => parser.push(line, i + 1, out));
  parser.end(out);
  return out;
}

const calls = (items: TraceItem[]) => items.filter((i): i is TraceCall => i.kind === "call");
const procs = (items: TraceItem[]) => items.filter((i): i is TraceProcess => i.kind === "process");

Deno.test("strace parser: prefixes, timestamps, durations and -y decorations", async (t) => {
  const cases: [string, number, string][] = [
    ['openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3', 0, "plain"],
    ['12 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3', 12, "-o pid prefix"],
    ['[pid    12] openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3', 12, "[pid N]"],
    ['12 16:08:04 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3', 12, "-t"],
    [
      '12 16:08:04.173432 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3 <0.000005>',
      12,
      "-tt -T",
    ],
    [
      '[pid 12] 1795536493.279419 openat(AT_FDCWD</tmp>, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3</etc/hosts> <0.000005>',
      12,
      "-ttt -T -y",
    ],
  ];
  for (const [line, pid, name] of cases) {
    await t.step(name, () => {
      const [call, ...rest] = calls(parse([line]));
      assert.equal(rest.length, 0);
      assert.equal(call!.name, "openat");
      if (pid !== 0) assert.equal(call!.pid, pid);
      assert.equal(call!.ret, 3);
      assert.deepEqual(call!.args, [0xffffffffffffff9cn, undefined, 0x80000n]);
    });
  }
});

Deno.test("strace parser: unfinished/resumed pairs join, keep the start line and the full arguments", () => {
  const items = parse([
    "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>",
    "101 set_robust_list(0x7f, 24) = 0",
    "100 <... clone resumed>, child_tidptr=0x7f70058ffa10) = 101",
    "100 wait4(-1,  <unfinished ...>",
    "101 +++ exited with 3 +++",
    "100 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 101",
    "100 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_uid=0} ---",
    "100 exit_group(0)                     = ?",
    "100 +++ exited with 0 +++",
  ]);
  const c = calls(items);
  assert.deepEqual(c.map((x) => [x.name, x.line, x.pid]), [
    ["set_robust_list", 2, 101],
    ["clone", 1, 100],
    ["wait4", 4, 100],
    ["exit_group", 8, 100],
  ]);
  const clone = c[1]!;
  assert.equal(
    clone.args[0],
    0x200000n | 0x1000000n | 17n,
    "flags by name, in the kernel's argument order",
  );
  assert.equal(clone.args[3], 0x7f70058ffa10n);
  assert.equal(c[2]!.args[0], 0xffffffffffffffffn);
  assert.deepEqual(procs(items).map((p) => [p.op, p.pid, p.ppid ?? p.exitCode]), [
    ["fork", 101, 100],
    ["exit", 101, 3],
    ["exit", 100, 0],
  ]);
});

Deno.test("strace parser: threads map to their process; stderr traces learn the leader's pid", () => {
  const items = parse([
    'execve("/usr/bin/python3", ["python3"], 0x7ffe /* 35 vars */) = 0',
    "brk(NULL)               = 0x37845000",
    "set_tid_address(0x7fb0143c9a10) = 14491",
    "clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SETTLS, exit_signal=0}strace: Process 14492 attached",
    " <unfinished ...>",
    "[pid 14492] rseq(0x7fb013d38fe0, 0x20, 0, 0x53053053) = 0",
    "[pid 14491] <... clone3 resumed> => {parent_tid=[14492]}, 88) = 14492",
    "[pid 14492] +++ exited with 0 +++",
    "getppid() = 1",
    "+++ exited with 0 +++",
  ]);
  const c = calls(items);
  assert.deepEqual(c.map((x) => [x.name, x.pid, x.tid]), [
    ["execve", 14491, undefined],
    ["brk", 14491, undefined],
    ["set_tid_address", 14491, undefined],
    ["rseq", 14491, 14492],
    ["clone3", 14491, undefined],
    ["getppid", 14491, undefined],
  ]);
  assert.deepEqual(procs(items).map((p) => [p.op, p.pid, p.executable]), [
    ["exec", 14491, "/usr/bin/python3"],
    ["exit", 14491, undefined],
  ]);
});

Deno.test("strace parser: malformed and truncated lines are reported with their line numbers", () => {
  const items = parse([
    "12 read(3, ",
    "hello from the program's own stderr",
    "12 frobnicate(1) = 0",
    "12 getpid() = 12",
    '12 <... read resumed>"x", 1) = 1',
  ]);
  const bad = items.filter((i) => i.kind === "malformed");
  assert.deepEqual(bad.map((b) => b.line), [1, 2, 3]);
  assert.match(bad[0]!.kind === "malformed" ? bad[0]!.reason : "", /no return value/);
  assert.match(bad[2]!.kind === "malformed" ? bad[2]!.reason : "", /unknown syscall "frobnicate"/);
  const c = calls(items);
  assert.deepEqual(c.map((x) => x.name), ["getpid", "read"]);
  assert.deepEqual(c[1]!.args, [], "a resume without its start has lost its arguments");
});

Deno.test("strace parser: 32-bit personality switches the architecture", () => {
  const c = calls(parse([
    '7 execve("./a32", ["./a32"], 0x7ffe /* 1 var */) = 0',
    "[ Process PID=7 runs in 32 bit mode. ]",
    '7 write(1, "hi", 2) = 2',
  ]));
  assert.equal(c[1]!.arch, "i386");
  assert.equal(c[1]!.nr, 4, "write is 4 on i386");
});

Deno.test("decodeStraceArg and splitStraceArgs decode what is knowable and nothing else", () => {
  assert.equal(decodeStraceArg("0x10"), 16n);
  assert.equal(decodeStraceArg("-1"), 0xffffffffffffffffn);
  assert.equal(decodeStraceArg("0700"), 0o700n);
  assert.equal(decodeStraceArg("SOCK_STREAM|SOCK_CLOEXEC"), 0x80001n);
  assert.equal(decodeStraceArg("SNDCTL_TMR_TIMEBASE or TCGETS"), 0x5401n);
  assert.equal(decodeStraceArg("0x7ffd433925f0 /* 35 vars */"), 0x7ffd433925f0n);
  assert.equal(decodeStraceArg("FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"), undefined);
  assert.equal(decodeStraceArg("{sa_family=AF_INET, sin_port=htons(9)}"), undefined);
  assert.equal(decodeStraceArg("[16]"), undefined);
  assert.deepEqual(
    splitStraceArgs('4<socket:[1]>, "x\\", y", 1, 0, {sa_family=AF_INET, sin_port=htons(9)}, 16'),
    ["4<socket:[1]>", '"x\\", y"', "1", "0", "{sa_family=AF_INET, sin_port=htons(9)}", "16"],
  );
});

Deno.test("every recorded real trace parses without malformed lines", async () => {
  const dir = new URL("../../tests/testdata/traces/", import.meta.url);
  let files = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".strace")) continue;
    files++;
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    const items = parse(text.split("\n").filter((l) => l !== ""));
    const bad = items.filter((i) => i.kind === "malformed");
    assert.deepEqual(bad, [], entry.name);
    const c = calls(items);
    assert.ok(c.length > 100, `${entry.name}: ${c.length} calls`);
    assert.ok(c.every((x) => x.pid > 0), `${entry.name}: every call has a real pid`);
    const execs = procs(items).filter((p) => p.op === "exec");
    assert.ok(execs.length >= 1, `${entry.name}: the traced program's execve`);
  }
  assert.ok(files >= 5);
});
