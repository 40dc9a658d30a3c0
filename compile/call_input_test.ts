import assert from "node:assert/strict";
import { CallInputError, parseArgInput, parseSyscallInput } from "./call_input.ts";

const fails = (fn: () => unknown, code: string, message: string) =>
  assert.throws(fn, (e) => e instanceof CallInputError && e.code === code && e.message === message);

Deno.test("parseSyscallInput() reads names and numbers, and says what is wrong", () => {
  assert.deepEqual(parseSyscallInput("mkdir", "x86_64"), { nr: 83, name: "mkdir" });
  assert.deepEqual(parseSyscallInput("0x53", "x86_64"), { nr: 83, name: "mkdir" });
  assert.equal(parseSyscallInput("83", "x32").nr, 0x40000053, "x32 numbers get the x32 bit");
  fails(
    () => parseSyscallInput("99999999999", "x86_64"),
    "BAD_SYSCALL",
    "syscall number 99999999999 is out of range",
  );
  fails(
    () => parseSyscallInput("mkdri", "x86_64", { hint: true }),
    "BAD_SYSCALL",
    'unknown syscall "mkdri"; did you mean "mkdir"?',
  );
  fails(() => parseSyscallInput("mkdri", "x86_64"), "BAD_SYSCALL", 'unknown syscall "mkdri"');
  fails(
    () => parseSyscallInput("mkdir", "aarch64"),
    "BAD_SYSCALL",
    'syscall "mkdir" does not exist on aarch64 (it does on x86_64, i386, x32)',
  );
});

Deno.test("parseArgInput() reads numbers and constants joined with |, as 64 bits", () => {
  assert.equal(parseArgInput("-1", 0, "x86_64"), 0xffff_ffff_ffff_ffffn);
  assert.equal(parseArgInput("0b101 | 0o10", 0, "x86_64"), 0b1101n);
  assert.equal(parseArgInput("AF_INET", 0, "x86_64"), 2n);
  fails(() => parseArgInput("FOO", 2, "x86_64"), "BAD_ARGUMENT", 'unknown constant "FOO"');
  fails(
    () => parseArgInput("1.5", 2, "x86_64"),
    "BAD_ARGUMENT",
    'argument 2 "1.5" is not a number or constant',
  );
  fails(
    () => parseArgInput("0x1ffffffffffffffff", 1, "x86_64"),
    "BAD_ARGUMENT",
    'argument 1 "0x1ffffffffffffffff" does not fit in 64 bits',
  );
});
