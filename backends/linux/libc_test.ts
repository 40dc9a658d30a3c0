import { oracleTest } from "../../tests/_kernel.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { KernelError } from "./errors.ts";
import {
  errnoDetail,
  HOST_SYSCALLS,
  type HostSyscall,
  libc,
  toCString,
  toCStringArray,
  unwrap,
} from "./libc.ts";
import { checkProgramBytes, probeSeccomp } from "./seccomp_install.ts";
import { ok as assert } from "node:assert/strict";

const onLinux = Deno.build.os === "linux";

Deno.test("HOST_SYSCALLS agree with the generated syscall tables", () => {
  for (const arch of ["x86_64", "aarch64"] as const) {
    for (const [name, nr] of Object.entries(HOST_SYSCALLS[arch])) {
      const expected = syscallNumber(arch, name as HostSyscall);
      assert(expected === nr, `${arch} ${name}: libc.ts has ${nr}, the tables ${expected}`);
    }
  }
});

Deno.test("toCString() NUL-terminates UTF-8 and refuses embedded NULs", () => {
  const bytes = toCString("é/x");
  assert(bytes.length === 5 && bytes[4] === 0, `got ${bytes}`);
  let threw = false;
  try {
    toCString("a\0b");
  } catch (error) {
    threw = error instanceof TypeError;
  }
  assert(threw, "an embedded NUL must be a TypeError");
  const { array } = toCStringArray(["a", "b"]);
  assert(array.length === 3 && array[0] !== 0n && array[2] === 0n, "argv must end with NULL");
});

oracleTest(!onLinux && "needs Linux", {
  name: "unwrap() turns a failing libc call into a KernelError with errno, name and operation",
  permissions: { ffi: true, env: ["CORDON_LIBC"] },
  fn() {
    let caught: unknown;
    try {
      unwrap(libc().prctl(-1, 0n, 0n, 0n, 0n), "prctl with a bad option");
    } catch (error) {
      caught = error;
    }
    assert(caught instanceof KernelError, `expected KernelError, got ${caught}`);
    assert(caught.errno === 22 && caught.code === "EINVAL", `got ${caught.errno} ${caught.code}`);
    assert(caught.operation === "prctl with a bad option", caught.operation);
    assert(caught.message === "prctl with a bad option: Invalid argument (EINVAL)", caught.message);
    assert(errnoDetail(1).name === "EPERM", "errno 1 is EPERM");
    assert(unwrap(libc().getpid(), "getpid") === Deno.pid, "getpid must pass through");
  },
});

oracleTest(!onLinux && "needs Linux", {
  name: "libc() fails with NotSupportedError naming the library when CORDON_LIBC is wrong",
  async fn() {
    const code = `
      import { libc } from ${JSON.stringify(new URL("./libc.ts", import.meta.url).href)};
      try { libc(); console.log("loaded"); } catch (e) { console.log(e.code, e.message); }`;
    const { stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env: { CORDON_LIBC: "/nonexistent/libc.so" },
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert(
      text.startsWith('NOT_SUPPORTED libc FFI not supported: cannot load "/nonexistent/libc.so"'),
      text,
    );
  },
});

oracleTest(!onLinux && "needs Linux", {
  name: "probeSeccomp() finds seccomp filters on this Linux kernel",
  permissions: { ffi: true, env: ["CORDON_LIBC"] },
  fn() {
    // Every kernel Cordon supports (Linux >= 4.14) has seccomp filters: no answer but yes passes.
    probeSeccomp();
    probeSeccomp(); // the cached answer
  },
});

Deno.test("checkProgramBytes() accepts 1 to 4096 whole instructions only", () => {
  const cases: [number, boolean][] = [[0, false], [8, true], [12, false], [4096 * 8, true], [
    4097 * 8,
    false,
  ]];
  for (const [length, ok] of cases) {
    let threw = false;
    try {
      checkProgramBytes(new Uint8Array(length));
    } catch (error) {
      threw = error instanceof RangeError;
    }
    assert(threw !== ok, `${length} bytes: expected ${ok ? "accepted" : "RangeError"}`);
  }
});
