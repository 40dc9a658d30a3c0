import { deepStrictEqual as assertEquals } from "node:assert/strict";
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
import { NOT_IMPLEMENTED_SYSCALLS, UNTRACED_SYSCALL_ARGS } from "./syscall_args_untraced.ts";
import { syscallArgWidth } from "./syscall_arg_width.ts";
import { readSyscallArgs } from "./_generate_syscall_tables.ts";
import { kernelTest, oracleTest } from "../tests/_kernel.ts";

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

Deno.test({
  name:
    "every x86_64 and aarch64 syscall has known argument types, unless no kernel implements it (fchroot, new in 7.3, is the one left, and is listed)",
  permissions: "none",
  fn() {
    // A call whose argument types are unknown is compared on all 64 bits: the int-truncation
    // class (a condition on an int argument dodged by setting the bits the kernel drops).
    const unknown = new Set(["fchroot"]);
    for (const arch of ["x86_64", "aarch64"] as const) {
      const missing = [...syscallTable(arch).byName.keys()].filter((name) =>
        syscallArgKinds(name, arch) === undefined && !NOT_IMPLEMENTED_SYSCALLS.has(name) &&
        !unknown.has(name)
      );
      assertEquals(missing, [], `${arch}: no argument types for ${missing.join(", ")}`);
    }
    for (const name of [...Object.keys(UNTRACED_SYSCALL_ARGS), ...NOT_IMPLEMENTED_SYSCALLS]) {
      if (name in SYSCALL_ARGS) throw new Error(`${name} has a tracepoint: drop it from the list`);
      if (!isKnownSyscall(name)) throw new Error(`${name} is not a syscall`);
    }
    for (const name of unknown) {
      if (syscallArgKinds(name) !== undefined) throw new Error(`${name} is known now: unlist it`);
    }
    // What the widths give the module calls: finit_module's flags is an int, read as 32 bits.
    assertEquals(syscallArgWidth("finit_module", "x86_64", 2), 32, "finit_module flags");
    assertEquals(syscallArgWidth("kexec_file_load", "aarch64", 4), 64, "kexec_file_load flags");
    assertEquals(syscallArgWidth("delete_module", "x86_64", 1), 32, "delete_module flags");
  },
});

/** The repository root, for the header paths the generated tables record relative to it. */
const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The source header and `<package> <version>` a generated table's header records. */
function recordedSource(arch: Arch): { path: string; pkg: string } {
  const text = Deno.readTextFileSync(new URL(`./syscall_tables/${arch}.ts`, import.meta.url));
  const path = /^\/\/ Source: (\S+)$/m.exec(text)?.[1];
  const pkg = /^\/\/ \((\S+ \S+)\),$/m.exec(text)?.[1];
  if (path === undefined || pkg === undefined) throw new Error(`${arch}: no source recorded`);
  return { path: path.startsWith("/") ? path : `${ROOT}/${path}`, pkg };
}

/** GCC's preprocessor, resolved while the module loads (tests run without env access). */
const CPP = which("cpp");

/** The installed (system) header of each architecture's syscall numbers. */
const INSTALLED_HEADERS: Readonly<Record<Arch, string>> = {
  x86_64: "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
  i386: "/usr/include/x86_64-linux-gnu/asm/unistd_32.h",
  x32: "/usr/include/x86_64-linux-gnu/asm/unistd_x32.h",
  aarch64: "/usr/aarch64-linux-gnu/include/asm/unistd.h",
};

/**
 * The syscalls a header defines, read without the generator's clang: the x86 `unistd_*.h` files
 * are plain `#define __NR_<name> <number>` lists (x32: `(__X32_SYSCALL_BIT + n)`), parsed here;
 * aarch64's `<asm/unistd.h>` (asm-generic before Linux 6.11, a generated list since) goes
 * through GCC's preprocessor on the arm64 headers alone.
 */
async function headerSyscalls(arch: Arch, path: string): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  if (arch !== "aarch64") {
    const text = await Deno.readTextFile(path);
    for (const m of text.matchAll(/^#define __NR_(\w+)\s+(.+?)\s*$/gm)) {
      const [, name, expr] = m;
      const v = /^(?:\d+|\(__X32_SYSCALL_BIT \+ (\d+)\))$/.exec(expr!);
      if (!v) throw new Error(`${path}: unexpected __NR_${name} ${expr}`);
      expected.set(name!, v[1] === undefined ? Number(expr) : X32_SYSCALL_BIT + Number(v[1]));
    }
    return expected;
  }
  // .../include/aarch64-linux-gnu/asm/x.h (multiarch) or .../include/asm[-generic]/x.h (cross)
  const multiarch = /^(.*)\/aarch64-linux-gnu\/asm\/[^/]+$/.exec(path)?.[1];
  const includes = multiarch !== undefined
    ? [`${multiarch}/aarch64-linux-gnu`, multiarch]
    : [path.replace(/\/asm(?:-generic)?\/[^/]+$/, "")];
  const child = new Deno.Command(CPP!, {
    args: ["-nostdinc", ...includes.flatMap((dir) => ["-isystem", dir]), "-dM", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("#include <asm/unistd.h>\n"));
  await writer.close();
  const { stdout, success } = await child.output();
  if (!success) throw new Error("cpp failed");
  const macros = new Map<string, string>();
  for (const m of new TextDecoder().decode(stdout).matchAll(/^#define (\w+) (.*)$/gm)) {
    macros.set(m[1]!, m[2]!);
  }
  for (const [macro, value] of macros) {
    if (!macro.startsWith("__NR_") || macro === "__NR_syscalls") continue;
    if (macro === "__NR_arch_specific_syscall") continue;
    const resolved = /^\d+$/.test(value) ? value : macros.get(value);
    if (resolved === undefined || !/^\d+$/.test(resolved)) throw new Error(`${macro} is ${value}`);
    expected.set(macro.slice(5), Number(resolved));
  }
  return expected;
}

/** Why reading `arch`'s header at `path` cannot work here, or `undefined` if it can. */
function unreadable(arch: Arch, path: string): string | undefined {
  return absent(path) ??
    (arch === "aarch64" && CPP === undefined ? "cpp is not installed" : undefined);
}

const sortedEntries = (m: ReadonlyMap<string, number>) =>
  [...m].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);

/**
 * Fails unless `table` has every syscall of `headers` with the same number, and gives its other
 * (newer) syscalls numbers no syscall of `headers` has.
 */
function assertExtends(
  table: ReadonlyMap<string, number>,
  headers: ReadonlyMap<string, number>,
  what: string,
): void {
  if (headers.size < 290) throw new Error(`${what}: only ${headers.size} syscalls in the headers`);
  const wrong = [...headers].filter(([name, nr]) => table.get(name) !== nr)
    .map(([name, nr]) => `${name}=${nr} (table: ${table.get(name) ?? "missing"})`);
  if (wrong.length > 0) throw new Error(`${what}: ${wrong.join(", ")}`);
  const taken = new Set(headers.values());
  const clashes = [...table].filter(([name, nr]) => !headers.has(name) && taken.has(nr))
    .map(([name, nr]) => `${name}=${nr}`);
  if (clashes.length > 0) throw new Error(`${what}: newer syscalls reuse numbers: ${clashes}`);
}

// The installed headers may be older than the ones the tables were generated from (CI has
// Debian 12's Linux 6.1 headers; the tables come from a newer linux-libc-dev): every syscall they
// define must be in the table with the same number, and anything newer must not reuse a number.
for (const arch of ARCHES) {
  const path = INSTALLED_HEADERS[arch];
  const reason = unreadable(arch, path);
  oracleTest(reason, {
    name: `syscallTable("${arch}") has every syscall of the installed ${path}${
      reason ? ` (ignored: ${reason})` : ""
    }`,
    permissions: { read: true, run: [CPP ?? "cpp"] },
    async fn() {
      assertExtends(syscallTable(arch).byName, await headerSyscalls(arch, path), arch);
    },
  });
}

// Where the headers the tables record are at hand (the installed ones, or the cache
// policies/_fetch_uapi_headers.sh fills), the tables must equal them exactly.
for (const arch of ARCHES) {
  const { path, pkg } = recordedSource(arch);
  const reason = unreadable(arch, path);
  oracleTest(reason, {
    name: `syscallTable("${arch}") equals the headers it was generated from (${pkg})${
      reason ? ` (ignored: ${reason}; bash policies/_fetch_uapi_headers.sh fetches them)` : ""
    }`,
    permissions: { read: true, run: [CPP ?? "cpp"] },
    async fn() {
      const expected = await headerSyscalls(arch, path);
      if (expected.size < 290) throw new Error(`${path}: only ${expected.size} syscalls`);
      assertEquals(sortedEntries(syscallTable(arch).byName), sortedEntries(expected), arch);
    },
  });
}

/** A declaration's type, without the argument's name: `"const char * filename"` → `"const char *"`. */
function declType(decl: string): string {
  return decl.replace(/\s*\b[A-Za-z_][A-Za-z0-9_]*$/, "");
}

{
  // syscall_args.ts is generated from the tracefs of one kernel build. Argument types are what
  // the dry run decodes arguments by (pointer or value, width): they must match on any kernel.
  // Argument names and the set of syscalls with a tracepoint may differ between builds: on the
  // build the file was generated on they must match exactly, elsewhere they are reported.
  const source = new URL("./syscall_args.ts", import.meta.url);
  const generatedOn = /^\/\/ of Linux (\S+) /m.exec(
    await Deno.readTextFile(source).catch(() => ""),
  )?.[1];
  const dir = "/sys/kernel/tracing/events/syscalls";
  const sameBuild = generatedOn === Deno.osRelease();
  const reason = absent(`${dir}/sys_enter_openat/format`) === undefined
    ? null
    : `needs tracefs at /sys/kernel/tracing (scripts/setup.sh mounts it)`;
  kernelTest(
    `syscall_args.ts has this kernel's tracefs argument types (depends on the host kernel build: ` +
      `names and the set of tracepoints are checked only on Linux ${generatedOn}, where it was ` +
      `generated${sameBuild ? ", this kernel" : `; this is ${Deno.osRelease()}`})`,
    reason,
    async () => {
      // The same tracepoint names as the generator (stat is sys_newstat, getuid32 sys_getuid).
      const { args, missing } = await readSyscallArgs(Object.keys(SYSCALL_ARGS));
      let checked = 0;
      const typeDiffs: string[] = [];
      const nameDiffs: string[] = [];
      for (const [name, decls] of args) {
        const known = SYSCALL_ARGS[name]!;
        const types = decls.map(declType);
        const knownTypes = known.map(declType);
        if (JSON.stringify(types) !== JSON.stringify(knownTypes)) {
          typeDiffs.push(`${name}: (${knownTypes.join(", ")}) here (${types.join(", ")})`);
        } else if (JSON.stringify(decls) !== JSON.stringify(known)) {
          nameDiffs.push(`${name}: (${known.join(", ")}) here (${decls.join(", ")})`);
        }
        checked++;
      }
      if (checked < 300) throw new Error(`only ${checked} tracepoints checked`);
      if (typeDiffs.length > 0) {
        throw new Error(
          `argument types differ from tracefs for ${typeDiffs.length} syscalls (regenerate with ` +
            `deno task gen:syscalls, and check the dry run's decoding):\n${typeDiffs.join("\n")}`,
        );
      }
      const others = [
        ...nameDiffs.map((d) => `argument names differ: ${d}`),
        ...(missing.length ? [`syscalls without a tracepoint here: ${missing.join(", ")}`] : []),
      ];
      if (sameBuild) {
        if (others.length > 0) {
          throw new Error(
            `this is the build syscall_args.ts was generated on:\n${others.join("\n")}`,
          );
        }
      } else if (others.length > 0) {
        console.log(
          `syscall_args.ts (Linux ${generatedOn}) vs this kernel (${Deno.osRelease()}): ` +
            `${checked} syscalls have the same argument types; not compared here:\n  ` +
            others.join("\n  "),
        );
      }
    },
  );
}

{
  const clang = which("clang");
  const reason = clang === undefined ? "clang is not installed" : undefined;
  // The recorded headers' include root: the cache directory, when the tables came from it.
  const recorded = /^(.*\/usr\/include)\/x86_64-linux-gnu\/asm\/unistd_64\.h$/.exec(
    recordedSource("x86_64").path,
  )?.[1];
  const cached = recorded !== undefined && recorded.startsWith(`${ROOT}/.cache/`) &&
    absent(`${recorded}/../../package`) === undefined;
  oracleTest(reason, {
    name: `gen:syscalls output is deterministic and ${
      cached
        ? "equals the committed tables"
        : "contains the installed headers' syscalls, as the committed tables do"
    }${reason ? ` (ignored: ${reason})` : ""}`,
    permissions: "inherit",
    async fn() {
      const script = new URL("./_generate_syscall_tables.ts", import.meta.url).pathname;
      const headers = cached ? ["--headers", recorded!] : ["--system-headers"];
      const outputs: string[][] = [];
      for (let i = 0; i < 2; i++) {
        const dir = await Deno.makeTempDir({ prefix: "cordon-gen-syscalls-" });
        try {
          const run = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", script, ...headers, "--out-dir", dir, "--no-args"],
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
        const fresh = outputs[0]![i]!;
        if (cached) {
          const committed = await Deno.readTextFile(
            new URL(`./syscall_tables/${arch}.ts`, import.meta.url),
          );
          if (fresh !== committed) throw new Error(`syscall_tables/${arch}.ts is out of date`);
          continue;
        }
        // Older installed headers: the generator's table of them is part of ours.
        const table = new Map<string, number>();
        for (const m of fresh.matchAll(/^ {2}\["(\w+)", (0x[0-9a-f]+|\d+)\],$/gm)) {
          table.set(m[1]!, Number(m[2]));
        }
        assertExtends(syscallTable(arch).byName, table, `${arch} (generated from system headers)`);
      }
    },
  });
}
