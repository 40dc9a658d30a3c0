import { type Arch, ARCHES } from "./types.ts";
import {
  AUDIT_ARCH,
  isKnownSyscall,
  syscallArgKinds,
  syscallName,
  syscallNames,
  syscallNumber,
  syscallPointerArgs,
  syscallTable,
  X32_SYSCALL_BIT,
} from "./syscalls.ts";
import { SYSCALL_ARGS } from "./syscall_args.ts";
import { parseTraceFormat } from "./_generate_syscall_tables.ts";

function assertEquals(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Why a file-dependent test cannot run here, or `undefined` if it can. */
function absent(path: string): string | undefined {
  try {
    Deno.statSync(path);
    return undefined;
  } catch (error) {
    return error instanceof Deno.errors.NotFound
      ? `${path} is absent`
      : `${path} is unreadable (${(error as Error).name})`;
  }
}

function which(tool: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    if (absent(`${dir}/${tool}`) === undefined) return `${dir}/${tool}`;
  }
  return undefined;
}

Deno.test({
  name: "syscallNumber() spot checks on every architecture",
  permissions: "none",
  fn() {
    const cases: [Arch, string, number | undefined][] = [
      ["x86_64", "read", 0],
      ["x86_64", "openat", 257],
      ["x86_64", "socketcall", undefined],
      ["i386", "socketcall", 102],
      ["i386", "read", 3],
      ["i386", "open", 5],
      ["x32", "read", 0x40000000],
      ["x32", "rt_sigaction", 0x40000000 + 512],
      ["x32", "openat", 0x40000000 + 257],
      ["aarch64", "openat", 56],
      ["aarch64", "open", undefined],
      ["aarch64", "fcntl", 25],
      ["aarch64", "fstat", 80],
      ["aarch64", "mmap", 222],
    ];
    for (const [arch, name, nr] of cases) {
      assertEquals(syscallNumber(arch, name), nr, `${arch} ${name}`);
    }
    assertEquals(syscallName("x86_64", 59), "execve", "x86_64 59");
    assertEquals(syscallName("x86_64", 100000), undefined, "x86_64 100000");
  },
});

Deno.test({
  name: "syscallTable() excludes macros that are not syscalls",
  permissions: "none",
  fn() {
    for (const arch of ARCHES) {
      for (const name of ["syscalls", "arch_specific_syscall", "X32_SYSCALL_BIT"]) {
        assertEquals(syscallNumber(arch, name), undefined, `${arch} ${name}`);
      }
    }
  },
});

Deno.test({
  name: "syscallTable() maps every name back and forth and knows its maximum",
  permissions: "none",
  fn() {
    for (const arch of ARCHES) {
      const table = syscallTable(arch);
      assertEquals(table.arch, arch, "arch");
      assertEquals(table.auditArch, AUDIT_ARCH[arch], `${arch} auditArch`);
      if (table.byName.size < 290) throw new Error(`${arch}: only ${table.byName.size} syscalls`);
      let max = -1;
      for (const [name, nr] of table.byName) {
        assertEquals(syscallNumber(arch, name), nr, `${arch} ${name}`);
        const back = syscallName(arch, nr);
        if (back === undefined || table.byName.get(back) !== nr) {
          throw new Error(`${arch} ${nr} maps back to ${back}`);
        }
        if (!isKnownSyscall(name)) throw new Error(`${name} not known`);
        max = Math.max(max, nr);
        const x32Bit = (nr & X32_SYSCALL_BIT) !== 0;
        if (x32Bit !== (arch === "x32")) throw new Error(`${arch} ${name} x32 bit is ${x32Bit}`);
      }
      for (const [nr, name] of table.byNumber) assertEquals(table.byName.get(name), nr, name);
      assertEquals(table.maxNr, max, `${arch} maxNr`);
      if (syscallTable(arch) !== table) throw new Error("table is rebuilt on every call");
    }
  },
});

Deno.test({
  name: "AUDIT_ARCH and X32_SYSCALL_BIT hold the kernel's values",
  permissions: "none",
  fn() {
    assertEquals(AUDIT_ARCH, {
      x86_64: 0xC000003E,
      i386: 0x40000003,
      x32: 0xC000003E,
      aarch64: 0xC00000B7,
    }, "AUDIT_ARCH");
    assertEquals(X32_SYSCALL_BIT, 0x40000000, "X32_SYSCALL_BIT");
  },
});

Deno.test({
  name: "syscallTable() rejects an unknown architecture with a TypeError",
  permissions: "none",
  fn() {
    try {
      syscallTable("mips" as Arch);
    } catch (error) {
      if (error instanceof TypeError && error.message.includes('"mips"')) return;
      throw error;
    }
    throw new Error("no error for mips");
  },
});

Deno.test({
  name: "isKnownSyscall() and syscallNames() cover the union of all architectures",
  permissions: "none",
  fn() {
    for (const name of ["read", "socketcall", "open", "openat2", "rt_sigaction"]) {
      if (!isKnownSyscall(name)) throw new Error(`${name} unknown`);
    }
    for (const name of ["", "opne", "sys_read", "__NR_read", "toString", "constructor"]) {
      if (isKnownSyscall(name)) throw new Error(`${name} known`);
    }
    const names = syscallNames();
    const union = new Set(ARCHES.flatMap((a) => [...syscallTable(a).byName.keys()]));
    assertEquals(names, [...union].sort(), "syscallNames()");
  },
});

Deno.test({
  name: "syscallArgKinds() and syscallPointerArgs() tell pointers from values",
  permissions: "none",
  fn() {
    const openat = syscallArgKinds("openat");
    assertEquals(openat?.map((a) => a.name), ["dfd", "filename", "flags", "mode"], "openat names");
    assertEquals(openat?.[1]?.type, "const char *", "openat filename type");
    assertEquals(syscallPointerArgs("openat"), [1], "openat");
    assertEquals(syscallPointerArgs("socket"), [], "socket");
    assertEquals(syscallPointerArgs("execve"), [0, 1, 2], "execve");
    assertEquals(syscallPointerArgs("mmap", "x86_64"), [], "x86_64 mmap");
    assertEquals(syscallPointerArgs("mmap", "i386"), [0], "i386 old mmap");
    assertEquals(syscallPointerArgs("mmap"), [0], "mmap on any arch");
    assertEquals(syscallPointerArgs("clone", "x86_64"), [2, 3], "x86_64 clone");
    assertEquals(syscallPointerArgs("clone", "aarch64"), [2, 4], "aarch64 clone");
    assertEquals(syscallArgKinds("clone", "i386")?.[3]?.name, "tls", "i386 clone tls");
    assertEquals(syscallArgKinds("open", "aarch64"), undefined, "aarch64 has no open");
    assertEquals(syscallPointerArgs("open"), [0], "open on the arches that have it");
    assertEquals(syscallPointerArgs("no_such_call"), undefined, "unknown syscall");
    assertEquals(syscallArgKinds("getuid32", "i386"), [], "getuid32 takes nothing");
    assertEquals(syscallArgKinds("getuid32", "x86_64"), undefined, "x86_64 has no getuid32");
  },
});

Deno.test({
  name: "syscall_args.ts names only known syscalls, each argument with a name and a type",
  permissions: "none",
  fn() {
    const names = Object.keys(SYSCALL_ARGS);
    if (names.length < 300) throw new Error(`only ${names.length} syscalls have arguments`);
    for (const name of names) {
      if (!isKnownSyscall(name)) throw new Error(`${name} is not a syscall`);
      const arch = ARCHES.find((a) => syscallNumber(a, name) !== undefined)!;
      const args = syscallArgKinds(name, arch)!;
      if (args.length > 6) throw new Error(`${name} has ${args.length} arguments`);
      for (const arg of args) {
        if (!/^[A-Za-z_]\w*$/.test(arg.name) || arg.type === "") {
          throw new Error(`${name}: bad argument ${JSON.stringify(arg)}`);
        }
        assertEquals(arg.pointer, arg.type.includes("*"), `${name} ${arg.name}`);
      }
    }
  },
});

/** `#define __NR_<name> <expr>` lines of a header, parsed without the C preprocessor. */
async function headerDefines(path: string): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(path);
  const defines = new Map<string, string>();
  for (const m of text.matchAll(/^#define __NR_(\w+)\s+(.+?)\s*$/gm)) defines.set(m[1]!, m[2]!);
  return defines;
}

const X86_HEADERS: [Arch, string][] = [
  ["x86_64", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"],
  ["i386", "/usr/include/x86_64-linux-gnu/asm/unistd_32.h"],
  ["x32", "/usr/include/x86_64-linux-gnu/asm/unistd_x32.h"],
];

for (const [arch, path] of X86_HEADERS) {
  const reason = absent(path);
  Deno.test({
    name: `syscallTable("${arch}") equals ${path}${reason ? ` (ignored: ${reason})` : ""}`,
    ignore: reason !== undefined,
    permissions: { read: [path] },
    async fn() {
      const expected = new Map<string, number>();
      for (const [name, expr] of await headerDefines(path)) {
        const m = /^(?:\d+|\(__X32_SYSCALL_BIT \+ (\d+)\))$/.exec(expr);
        if (!m) throw new Error(`${path}: unexpected __NR_${name} ${expr}`);
        expected.set(name, m[1] === undefined ? Number(expr) : X32_SYSCALL_BIT + Number(m[1]));
      }
      const actual = syscallTable(arch).byName;
      const sort = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => a < b ? -1 : 1);
      assertEquals(sort(actual), sort(expected), `${arch} table`);
    },
  });
}

{
  const header = "/usr/aarch64-linux-gnu/include/asm/unistd.h";
  const cpp = which("cpp");
  const reason = absent(header) ?? (cpp === undefined ? "cpp is not installed" : undefined);
  Deno.test({
    name: `syscallTable("aarch64") equals ${header} as cpp reads it${
      reason ? ` (ignored: ${reason})` : ""
    }`,
    ignore: reason !== undefined,
    permissions: { read: true, run: [cpp ?? "cpp"] },
    async fn() {
      // GCC's preprocessor, independent of the generator's clang, on the arm64 headers alone.
      const out = await new Deno.Command(cpp!, {
        args: ["-nostdinc", "-isystem", "/usr/aarch64-linux-gnu/include", "-dM", "-"],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const writer = out.stdin.getWriter();
      await writer.write(new TextEncoder().encode("#include <asm/unistd.h>\n"));
      await writer.close();
      const { stdout, success } = await out.output();
      if (!success) throw new Error("cpp failed");
      const macros = new Map<string, string>();
      for (const m of new TextDecoder().decode(stdout).matchAll(/^#define (\w+) (.*)$/gm)) {
        macros.set(m[1]!, m[2]!);
      }
      const expected = new Map<string, number>();
      for (const [macro, value] of macros) {
        if (!macro.startsWith("__NR_") || macro === "__NR_syscalls") continue;
        if (macro === "__NR_arch_specific_syscall") continue;
        const resolved = /^\d+$/.test(value) ? value : macros.get(value);
        if (resolved === undefined || !/^\d+$/.test(resolved)) {
          throw new Error(`${macro} is ${value}`);
        }
        expected.set(macro.slice(5), Number(resolved));
      }
      const sort = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => a < b ? -1 : 1);
      assertEquals(sort(syscallTable("aarch64").byName), sort(expected), "aarch64 table");
    },
  });
}

{
  const source = new URL("./syscall_args.ts", import.meta.url);
  const generatedOn = /^\/\/ of Linux (\S+) /m.exec(
    await Deno.readTextFile(source).catch(() => ""),
  )?.[1];
  const dir = "/sys/kernel/tracing/events/syscalls";
  const reason = absent(`${dir}/sys_enter_openat/format`) ??
    (generatedOn !== Deno.osRelease()
      ? `generated on Linux ${generatedOn}, running ${Deno.osRelease()}`
      : undefined);
  Deno.test({
    name: `syscall_args.ts matches this kernel's tracefs${reason ? ` (ignored: ${reason})` : ""}`,
    ignore: reason !== undefined,
    // Deno asks for all permissions to read /sys.
    permissions: "inherit",
    async fn() {
      let checked = 0;
      for await (const entry of Deno.readDir(dir)) {
        const name = /^sys_enter_(\w+)$/.exec(entry.name)?.[1];
        if (name === undefined || !Object.hasOwn(SYSCALL_ARGS, name)) continue;
        const decls = parseTraceFormat(await Deno.readTextFile(`${dir}/${entry.name}/format`));
        assertEquals(SYSCALL_ARGS[name], decls, name);
        checked++;
      }
      if (checked < 300) throw new Error(`only ${checked} tracepoints checked`);
    },
  });
}

{
  const clang = which("clang");
  const reason = clang === undefined ? "clang is not installed" : undefined;
  Deno.test({
    name: `gen:syscalls output is deterministic and matches the committed tables${
      reason ? ` (ignored: ${reason})` : ""
    }`,
    ignore: reason !== undefined,
    permissions: "inherit",
    async fn() {
      const script = new URL("./_generate_syscall_tables.ts", import.meta.url).pathname;
      const outputs: string[][] = [];
      for (let i = 0; i < 2; i++) {
        const dir = await Deno.makeTempDir({ prefix: "cordon-gen-syscalls-" });
        try {
          const run = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", script, "--out-dir", dir, "--no-args"],
            stdout: "piped",
            stderr: "piped",
          }).output();
          if (!run.success) throw new Error(new TextDecoder().decode(run.stderr));
          outputs.push(
            await Promise.all(
              ARCHES.map((a) => Deno.readTextFile(`${dir}/syscall_tables/${a}.ts`)),
            ),
          );
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
      assertEquals(outputs[0], outputs[1], "two runs");
      for (const [i, arch] of ARCHES.entries()) {
        const committed = await Deno.readTextFile(
          new URL(`./syscall_tables/${arch}.ts`, import.meta.url),
        );
        const fresh = outputs[0]![i]!;
        const header = (text: string) => text.split("\n").slice(0, 4).join("\n");
        // Other header versions legitimately give other tables; then only determinism counts.
        if (header(fresh) !== header(committed)) continue;
        if (fresh !== committed) throw new Error(`syscall_tables/${arch}.ts is out of date`);
      }
    },
  });
}
