import { oracleTest } from "../../tests/_kernel.ts";
import assert from "node:assert/strict";
import {
  auxvEntry,
  bootEpochMs,
  cgroupOfProcFile,
  clockTicksPerSecond,
  elfArch,
  listPids,
  processArch,
  processStartTicks,
  processThreads,
  readProcess,
  statStartTicks,
  statusFields,
  ticksToEpochMs,
} from "./proc_facts.ts";

const linux = Deno.build.os === "linux";

/** The first 20 bytes of an ELF header: class, little-endian, machine. */
function elfHeader(elfClass: number, machine: number, magic = [0x7f, 0x45, 0x4c, 0x46]) {
  const header = new Uint8Array(20);
  header.set(magic);
  header[4] = elfClass;
  header[5] = 1; // ELFDATA2LSB
  header[18] = machine & 0xff;
  header[19] = machine >> 8;
  return header;
}

Deno.test("elfArch() tells the architecture from the ELF class and machine", async (t) => {
  const cases = [
    { name: "x86_64", header: elfHeader(2, 62), arch: "x86_64" },
    { name: "x32", header: elfHeader(1, 62), arch: "x32" },
    { name: "i386", header: elfHeader(1, 3), arch: "i386" },
    { name: "aarch64", header: elfHeader(2, 183), arch: "aarch64" },
    { name: "riscv64", header: elfHeader(2, 243), arch: undefined },
    { name: "not ELF", header: elfHeader(2, 62, [0x23, 0x21, 0x2f, 0x62]), arch: undefined },
    { name: "truncated", header: elfHeader(2, 62).subarray(0, 10), arch: undefined },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => assert.equal(elfArch(c.header), c.arch));
  }
  const bigEndian = elfHeader(2, 62);
  bigEndian[5] = 2;
  assert.equal(elfArch(bigEndian), undefined);
});

Deno.test("statStartTicks() reads field 22 after a command name with spaces and parentheses", () => {
  const rest = Array.from({ length: 18 }, (_, i) => String(i + 4)).join(" ");
  assert.equal(statStartTicks(`42 (a) (b c) S ${rest} 987654 0 0\n`), 987654n);
  assert.equal(statStartTicks("42 (short) S 1 2"), undefined);
});

Deno.test("auxvEntry(), cgroupOfProcFile() and statusFields() parse what /proc holds", () => {
  const auxv = new Uint8Array(48);
  const view = new DataView(auxv.buffer);
  view.setBigUint64(0, 6n, true), view.setBigUint64(8, 4096n, true); // AT_PAGESZ
  view.setBigUint64(16, 0n, true); // AT_NULL: the rest is not read
  view.setBigUint64(32, 17n, true), view.setBigUint64(40, 100n, true);
  assert.equal(auxvEntry(auxv, 6n), 4096n);
  assert.equal(auxvEntry(auxv, 17n), undefined);
  assert.equal(
    cgroupOfProcFile("12:pids:/a\n0::/system.slice/cron.service\n"),
    "/system.slice/cron.service",
  );
  assert.equal(cgroupOfProcFile("12:pids:/a\n"), undefined);
  const fields = statusFields("Name:\tmy prog \nUmask:\t0022\nPPid:\t1\n");
  assert.equal(fields.get("Name"), "my prog ");
  assert.equal(fields.get("PPid"), "1");
});

Deno.test("ticksToEpochMs() converts ticks at the given rate", () => {
  assert.equal(ticksToEpochMs(100n, 5000, 100), 6000);
  assert.equal(ticksToEpochMs(1024n, 0, 1024), 1000);
});

oracleTest(!linux && "needs Linux", {
  name: "clockTicksPerSecond() agrees with getconf CLK_TCK",
  permissions: { read: ["/proc"], run: ["getconf"] },
  fn() {
    const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).outputSync();
    assert.ok(out.success, "getconf failed");
    assert.equal(clockTicksPerSecond(), Number(new TextDecoder().decode(out.stdout).trim()));
  },
});

oracleTest(!linux && "needs Linux", {
  name: "readProcess() reads this process, and a child's architecture from its executable",
  // Reading some /proc files (uptime, other processes' exe) needs every permission in Deno.
  async fn() {
    const self = readProcess(Deno.pid);
    assert.ok(self, "this process is not in /proc");
    assert.equal(self.pid, Deno.pid);
    assert.equal(self.exited, false);
    assert.equal(self.executable, Deno.execPath());
    assert.equal(
      self.ppid,
      Number(Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ")[1]),
    );
    const expected = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
    assert.equal(self.arch, expected);
    assert.equal(processArch(Deno.pid), expected);
    const now = Date.now();
    assert.ok(self.start <= now && self.start >= bootEpochMs() - 1000, `start ${self.start}`);
    assert.ok(listPids().includes(Deno.pid));
    assert.ok(processThreads(Deno.pid)?.includes(Deno.pid));

    // cat echoing a line back has certainly exec'd: until then the child is a copy of Deno.
    const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
    const writer = child.stdin.getWriter();
    const reader = child.stdout.getReader();
    try {
      await writer.write(new TextEncoder().encode("x\n"));
      assert.equal((await reader.read()).value?.[0], 0x78);
      const proc = readProcess(child.pid);
      assert.ok(proc, "the child is not in /proc");
      assert.equal(proc.ppid, Deno.pid);
      assert.equal(proc.comm, "cat");
      assert.equal(proc.arch, expected);
      assert.ok(processStartTicks(child.pid)! >= processStartTicks(Deno.pid)!);
    } finally {
      child.kill("SIGKILL");
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel();
      await writer.close().catch(() => {});
    }
    assert.equal(readProcess(child.pid), undefined, "a reaped child must read as gone");
    assert.equal(processArch(child.pid), undefined);
    assert.equal(processStartTicks(child.pid), undefined);
  },
});
