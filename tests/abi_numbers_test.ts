/**
 * Every ABI number typed by hand in the sources agrees with the generated tables (issue 18):
 * the errno, signal and symbolic constants of `policies/constants.ts` (from the pinned UAPI
 * headers) and the syscall numbers of `policies/syscall_tables/`. Scanned: TypeScript
 * `const NAME = N` declarations (anywhere but the generated files and tests) and the C
 * `#define NAME N` lines of `bpf/`; a name the tables know must have their value (on x86_64,
 * the architecture the Linux backend runs on; `NR32_*` on i386).
 */

import assert from "node:assert/strict";
import { errnoNumber, resolveConstant, signalNumber } from "../policies/constants.ts";
import { syscallNumber } from "../policies/syscalls.ts";

const ROOT = new URL("../", import.meta.url);
const SKIP = /(_test|_bench)\.ts$|generated|_data\.ts$|syscall_tables\/|syscall_args\.ts$|\/dist\//;

async function* files(dir: URL, prefix: string, ext: RegExp): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      if (!/^(\.|node_modules|vmlinux)/.test(entry.name)) {
        yield* files(new URL(`${entry.name}/`, dir), `${path}/`, ext);
      }
    } else if (ext.test(entry.name) && !SKIP.test(path)) {
      yield path;
    }
  }
}

/** The tables' value of `name`, or undefined when they do not know it. */
function known(name: string): bigint | undefined {
  const nr = /^NR(32)?_([A-Z0-9_]+)$/.exec(name);
  if (nr) {
    const n = syscallNumber(nr[1] ? "i386" : "x86_64", nr[2]!.toLowerCase());
    return n === undefined ? undefined : BigInt(n);
  }
  const errno = errnoNumber(name);
  if (errno !== undefined) return BigInt(errno);
  const signal = /^SIG[A-Z0-9]+$/.test(name) ? signalNumber(name) : undefined;
  if (signal !== undefined) return BigInt(signal);
  return resolveConstant(name, "x86_64");
}

const TS_CONST =
  /^\s*(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*(?::\s*number\s*)?=\s*(-?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*))n?\s*;/;
const C_DEFINE =
  /^\s*#define\s+([A-Z][A-Z0-9_]*)\s+(-?(?:0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))[uUlL]*\s*(?:\/\*.*)?$/;

function literal(text: string, c: boolean): bigint {
  const t = text.replaceAll("_", "");
  const negative = t.startsWith("-");
  const body = negative ? t.slice(1) : t;
  const value = c && body.length > 1 && body.startsWith("0") && !/^0x/i.test(body)
    ? BigInt(`0o${body.slice(1)}`)
    : BigInt(body);
  return negative ? -value : value;
}

Deno.test("hand-typed ABI numbers agree with the generated tables", async () => {
  const checked: string[] = [];
  const wrong: string[] = [];
  const scan = async (ext: RegExp, pattern: RegExp, c: boolean, dir: string) => {
    for await (const path of files(new URL(dir, ROOT), dir, ext)) {
      const lines = (await Deno.readTextFile(new URL(path, ROOT))).split("\n");
      lines.forEach((line, i) => {
        const m = pattern.exec(line);
        if (!m) return;
        const expected = known(m[1]!);
        if (expected === undefined) return;
        const value = literal(m[2]!, c);
        const where = `${path}:${i + 1}: ${m[1]} = ${m[2]}`;
        checked.push(where);
        if (BigInt.asUintN(64, value) !== BigInt.asUintN(64, expected)) {
          wrong.push(`${where}, the tables say ${expected}`);
        }
      });
    }
  };
  for (const dir of ["policies/", "compile/", "engine/", "backends/", "cli/", "bpf/"]) {
    await scan(/\.ts$/, TS_CONST, false, dir);
  }
  await scan(/\.(c|h)$/, C_DEFINE, true, "bpf/");
  assert.deepEqual(wrong, []);
  // The scan finds what it is meant to (errnos in backends, syscall numbers in monitor.bpf.c).
  assert.ok(checked.some((w) => w.startsWith("bpf/monitor.bpf.c") && w.includes("NR32_OPENAT")));
  assert.ok(checked.some((w) => /backends\/linux\/features\.ts:\d+: EPERM = 1/.test(w)));
  assert.ok(checked.length > 40, `only ${checked.length} numbers checked:\n${checked.join("\n")}`);
});
