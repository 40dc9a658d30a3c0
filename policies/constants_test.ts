import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { oracleTest } from "../tests/_kernel.ts";
import { type Arch, ARCHES } from "./types.ts";
import {
  canonicalCapability,
  capabilityNames,
  capabilityNumber,
  constantNames,
  errnoName,
  errnoNumber,
  resolveConstant,
  signalNumber,
} from "./constants.ts";
import { CAPABILITIES, CONSTANTS, ERRNOS, SIGNALS } from "./_constants_data.ts";
import { defaultHeadersDir } from "./_generate_syscall_tables.ts";

/** The pinned UAPI headers (`_fetch_uapi_headers.sh`), when fetched. */
const PINNED_HEADERS = await defaultHeadersDir();

function which(tool: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      Deno.statSync(`${dir}/${tool}`);
      return `${dir}/${tool}`;
    } catch { /* not here */ }
  }
  return undefined;
}

Deno.test({
  name: "resolveConstant() gives the kernel's values on x86_64",
  permissions: "none",
  fn() {
    const cases: [string, bigint][] = [
      ["AF_UNIX", 1n],
      ["AF_INET", 2n],
      ["AF_INET6", 10n],
      ["AF_NETLINK", 16n],
      ["AF_PACKET", 17n],
      ["SOCK_STREAM", 1n],
      ["SOCK_RAW", 3n],
      ["SOCK_NONBLOCK", 0o4000n],
      ["SOCK_CLOEXEC", 0o2000000n],
      ["O_RDONLY", 0n],
      ["O_WRONLY", 1n],
      ["O_CREAT", 0o100n],
      ["O_DIRECTORY", 0o200000n],
      ["O_NOFOLLOW", 0o400000n],
      ["O_CLOEXEC", 0o2000000n],
      ["O_PATH", 0o10000000n],
      ["O_TMPFILE", 0o20200000n],
      ["AT_FDCWD", -100n],
      ["AT_EMPTY_PATH", 0x1000n],
      ["CLONE_NEWUSER", 0x10000000n],
      ["CLONE_NEWNET", 0x40000000n],
      ["CLONE_INTO_CGROUP", 0x200000000n],
      ["PROT_EXEC", 4n],
      ["MAP_SHARED", 1n],
      ["MAP_ANONYMOUS", 0x20n],
      ["MAP_32BIT", 0x40n],
      ["PR_SET_NO_NEW_PRIVS", 38n],
      ["PR_SET_PTRACER_ANY", -1n],
      ["IPPROTO_TCP", 6n],
      ["IPPROTO_UDP", 17n],
      ["EPERM", 1n],
      ["SIGKILL", 9n],
    ];
    for (const [name, value] of cases) assertEquals(resolveConstant(name), value, name);
    for (const name of ["", "AF_INTE", "SIGRTMIN", "SIGSTKSZ", "CLONE_ARGS_SIZE_VER0", "O_"]) {
      assertEquals(resolveConstant(name), undefined, name);
    }
  },
});

Deno.test({
  name: "resolveConstant() gives each architecture its own value where they differ",
  permissions: "none",
  fn() {
    const cases: [string, Arch, bigint | undefined][] = [
      ["O_DIRECTORY", "aarch64", 0o40000n],
      ["O_NOFOLLOW", "aarch64", 0o100000n],
      ["O_DIRECT", "aarch64", 0o200000n],
      ["O_LARGEFILE", "aarch64", 0o400000n],
      ["O_DIRECTORY", "i386", 0o200000n],
      ["O_DIRECTORY", "x32", 0o200000n],
      ["O_CLOEXEC", "aarch64", 0o2000000n],
      ["MAP_32BIT", "aarch64", undefined],
      ["PROT_BTI", "aarch64", 0x10n],
      ["PROT_BTI", "x86_64", undefined],
      ["PR_SET_PTRACER_ANY", "i386", 0xffffffffn],
      ["AF_PACKET", "aarch64", 17n],
      ["EPERM", "aarch64", 1n],
    ];
    for (const [name, arch, value] of cases) {
      assertEquals(resolveConstant(name, arch), value, `${arch} ${name}`);
    }
  },
});

Deno.test({
  name: "resolveConstant() rejects an unknown architecture with a TypeError",
  permissions: "none",
  fn() {
    try {
      resolveConstant("O_RDONLY", "sparc" as Arch);
    } catch (error) {
      if (error instanceof TypeError && error.message.includes('"sparc"')) return;
      throw error;
    }
    throw new Error("no error for sparc");
  },
});

Deno.test({
  name: "errnoNumber() and errnoName() round-trip, naming the primary alias",
  permissions: "none",
  fn() {
    assertEquals(errnoNumber("EACCES"), 13, "EACCES");
    assertEquals(errnoNumber("ENOSYS"), 38, "ENOSYS");
    assertEquals(errnoNumber("EWOULDBLOCK"), 11, "EWOULDBLOCK");
    assertEquals(errnoNumber("ENOTSUP"), 95, "ENOTSUP");
    assertEquals(errnoName(11), "EAGAIN", "11");
    assertEquals(errnoName(35), "EDEADLK", "35");
    assertEquals(errnoName(95), "EOPNOTSUPP", "95");
    assertEquals(errnoNumber("SIGKILL"), undefined, "SIGKILL is no errno");
    assertEquals(errnoName(0), undefined, "0");
    assertEquals(errnoName(4096), undefined, "4096");
    // The kernel's errnos run from EPERM to EHWPOISON, except the never-assigned 41 and 58.
    for (let n = 1; n <= 133; n++) {
      const name = errnoName(n);
      if (n === 41 || n === 58) {
        assertEquals(name, undefined, `errno ${n}`);
        continue;
      }
      if (name === undefined) throw new Error(`no name for errno ${n}`);
      assertEquals(errnoNumber(name), n, name);
    }
    for (const [name, n] of ERRNOS) assertEquals(errnoNumber(errnoName(n)!), n, name);
  },
});

Deno.test({
  name: "signalNumber() knows the standard signals and their aliases",
  permissions: "none",
  fn() {
    const cases: [string, number | undefined][] = [
      ["SIGHUP", 1],
      ["SIGKILL", 9],
      ["SIGSEGV", 11],
      ["SIGTERM", 15],
      ["SIGCHLD", 17],
      ["SIGSTOP", 19],
      ["SIGSYS", 31],
      ["SIGIOT", 6],
      ["SIGPOLL", 29],
      ["SIGRTMIN", undefined],
      ["SIGSTKSZ", undefined],
      ["EPERM", undefined],
    ];
    for (const [name, n] of cases) assertEquals(signalNumber(name), n, name);
    for (let n = 1; n <= 31; n++) {
      if (!SIGNALS.some(([, v]) => v === n)) throw new Error(`no signal ${n}`);
    }
  },
});

Deno.test({
  name: "constantNames() is sorted, unique and every name resolves somewhere",
  permissions: "none",
  fn() {
    const names = constantNames();
    if (names.length < 400) throw new Error(`only ${names.length} names`);
    for (let i = 1; i < names.length; i++) {
      if (!(names[i - 1]! < names[i]!)) throw new Error(`not sorted at ${names[i]}`);
    }
    for (const name of names) {
      if (!ARCHES.some((a) => resolveConstant(name, a) !== undefined)) {
        throw new Error(`${name} resolves nowhere`);
      }
    }
    for (
      const prefix of ["AF_", "SOCK_", "O_", "AT_", "CLONE_", "PROT_", "MAP_", "PR_", "IPPROTO_"]
    ) {
      if (!names.some((n) => n.startsWith(prefix))) throw new Error(`no ${prefix} constants`);
    }
  },
});

/**
 * The differences expected between glibc's x86_64 headers and the kernel's UAPI values, which
 * `resolveConstant()` gives because seccomp sees what the kernel sees.
 */
const GLIBC_DIFFERS: Readonly<Record<string, string>> = {
  // glibc defines O_LARGEFILE as 0 on 64-bit (implied there); the kernel flag is 0100000.
  O_LARGEFILE: "implied on 64-bit",
};

{
  const gcc = which("gcc");
  const reason = gcc === undefined ? "gcc is not installed" : undefined;
  oracleTest(reason, {
    name: `resolveConstant() agrees with a gcc-built program using glibc's headers${
      reason ? ` (ignored: ${reason})` : ""
    }`,
    permissions: "inherit",
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "cordon-constants-" });
      try {
        const names = [...CONSTANTS.map(([n]) => n), ...ERRNOS.map(([n]) => n)]
          .concat(SIGNALS.map(([n]) => n));
        const program = [
          "#define _GNU_SOURCE",
          ...[
            "stdio.h",
            "errno.h",
            "signal.h",
            "fcntl.h",
            "sched.h",
            "sys/mman.h",
            "sys/prctl.h",
            "sys/socket.h",
            "netinet/in.h",
          ].map((h) => `#include <${h}>`),
          "int main(void) {",
          ...names.map((n) => `#ifdef ${n}\n  printf("${n} %lld\\n", (long long)(${n}));\n#endif`),
          "  return 0;",
          "}",
        ].join("\n");
        await Deno.writeTextFile(`${dir}/c.c`, program);
        const build = await new Deno.Command(gcc!, {
          args: ["-w", "-o", `${dir}/c`, `${dir}/c.c`],
          stderr: "piped",
        }).output();
        if (!build.success) throw new Error(new TextDecoder().decode(build.stderr));
        const run = await new Deno.Command(`${dir}/c`, { stdout: "piped" }).output();
        let compared = 0;
        for (const line of new TextDecoder().decode(run.stdout).trim().split("\n")) {
          const [name, value] = line.split(" ") as [string, string];
          if (Object.hasOwn(GLIBC_DIFFERS, name)) continue;
          assertEquals(resolveConstant(name, "x86_64"), BigInt(value), name);
          compared++;
        }
        if (compared < 300) throw new Error(`only ${compared} constants compared`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

{
  const header = "/usr/aarch64-linux-gnu/include/asm/fcntl.h";
  let text: string | undefined;
  try {
    text = Deno.readTextFileSync(header);
  } catch { /* absent */ }
  oracleTest(text === undefined && "header absent", {
    name: `resolveConstant(…, "aarch64") has arm64's O_* flags from ${header}${
      text === undefined ? " (ignored: header absent)" : ""
    }`,
    permissions: "none",
    fn() {
      const defines = [...text!.matchAll(/^#define (O_[A-Z]+)\s+(0[0-7]*)\b/gm)];
      if (defines.length < 4) throw new Error(`only ${defines.length} O_ flags in ${header}`);
      for (const [, name, octal] of defines) {
        assertEquals(resolveConstant(name!, "aarch64"), BigInt(`0o${octal!.slice(1)}`), name!);
      }
    },
  });
}

{
  const clang = which("clang");
  const reason = clang === undefined
    ? "clang is not installed"
    : PINNED_HEADERS === undefined
    ? "the pinned UAPI headers are not fetched; bash policies/_fetch_uapi_headers.sh fetches them"
    : undefined;
  oracleTest(reason, {
    name: `_generate_constants.ts reproduces _constants_data.ts${
      reason ? ` (ignored: ${reason})` : ""
    }`,
    permissions: "inherit",
    async fn() {
      const script = new URL("./_generate_constants.ts", import.meta.url).pathname;
      const committed = await Deno.readTextFile(new URL("./_constants_data.ts", import.meta.url));
      const generate = async () => {
        const dir = await Deno.makeTempDir({ prefix: "cordon-gen-constants-" });
        try {
          const run = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", script, "--out", `${dir}/out.ts`],
            stderr: "piped",
          }).output();
          if (!run.success) throw new Error(new TextDecoder().decode(run.stderr));
          return await Deno.readTextFile(`${dir}/out.ts`);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      };
      const fresh = await generate();
      const header = (t: string) => t.split("\n").slice(0, 6).join("\n");
      if (header(fresh) === header(committed)) {
        // Same header versions: the committed file is an earlier run and must be identical.
        if (fresh !== committed) throw new Error("_constants_data.ts is out of date");
      } else {
        assertEquals(await generate(), fresh, "two runs");
      }
    },
  });
}

Deno.test({
  name: "canonicalCapability() accepts any case, with or without CAP_, and only real names",
  permissions: "none",
  fn() {
    assertEquals(canonicalCapability("net_bind_service"), "CAP_NET_BIND_SERVICE", "short");
    assertEquals(canonicalCapability("Cap_Sys_Admin"), "CAP_SYS_ADMIN", "mixed case");
    assertEquals(canonicalCapability("CAP_BPF"), "CAP_BPF", "canonical");
    for (const bad of ["CAP_FOO", "", "CAP_", "cap_cap_chown", "LAST_CAP", "CAP_LAST_CAP"]) {
      assertEquals(canonicalCapability(bad), undefined, bad);
    }
    assertEquals(capabilityNumber("CAP_CHOWN"), 0, "CAP_CHOWN");
    assertEquals(capabilityNumber("CAP_CHECKPOINT_RESTORE"), 40, "the last of Linux 7.3");
    assertEquals(capabilityNames().length, CAPABILITIES.length, "one name per number");
    capabilityNames().forEach((name, i) => assertEquals(capabilityNumber(name), i, name));
  },
});

{
  const header = PINNED_HEADERS === undefined ? undefined : `${PINNED_HEADERS}/linux/capability.h`;
  let text: string | undefined;
  try {
    if (header !== undefined) text = Deno.readTextFileSync(header);
  } catch { /* absent */ }
  oracleTest(text === undefined && "header absent", {
    name: `CAPABILITIES is every CAP_* number of the pinned linux/capability.h${
      text === undefined
        ? " (ignored: the pinned UAPI headers are not fetched; bash policies/_fetch_uapi_headers.sh)"
        : ""
    }`,
    permissions: { read: true },
    fn() {
      const defined = [...text!.matchAll(/^#define (CAP_[A-Z_]+)\s+(\d+)\s*$/gm)]
        .map(([, name, n]) => [name!, Number(n)] as const);
      if (defined.length < 41) throw new Error(`only ${defined.length} capabilities in ${header}`);
      assertEquals(CAPABILITIES, defined, "capabilities");
    },
  });
}
