/**
 * A streaming parser for `strace -f` output, as written with `-o FILE` (`PID ` prefixes) or to
 * stderr (`[pid N] ` prefixes, none for the only live process), with or without `-t`/`-tt`/
 * `-ttt`/`-r` timestamps, `-T` durations and `-y`/`-yy` fd decorations. It joins
 * `<unfinished ...>`/`<... NAME resumed>` pairs, skips signal lines (`--- SIGCHLD {…} ---`) and
 * `strace:` messages (also when they interrupt a line), turns `clone`/`fork`/`vfork` results,
 * successful `execve`s and `+++ exited with N +++`/`+++ killed by SIG +++` into process steps,
 * maps threads (`CLONE_THREAD`) to their process, and follows `[ Process PID=N runs in 32 bit
 * mode. ]` architecture changes.
 *
 * Arguments are decoded lazily, only when asked for: numbers (decimal, `0x` hex, `0`-prefixed
 * octal), `NULL`, fds with `-y` decorations (`3</etc/passwd>`), symbolic constants and flag sets
 * (`O_RDONLY|O_CLOEXEC`, `AT_FDCWD`) through {@linkcode resolveConstant}. Strings, structs, arrays
 * and symbols Cordon does not know decode to `undefined`: never to a guessed value.
 *
 * @module
 */

import { parseFlagExpression } from "../../policies/flag_expression.ts";
import type { Arch } from "../../policies/types.ts";
import { resolveConstant } from "../../policies/constants.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { TraceCall, TraceItem, TraceProcess } from "./trace_item.ts";

/** Options of {@linkcode StraceParser}. */
export interface StraceParserOptions {
  /** The architecture of the traced processes (default `x86_64`). */
  readonly arch?: Arch;
}

/** Slots of the parser's table of known syscall names (a power of two). */
const NAME_SLOTS = 1024;
/** Names kept in that table, at most: it stays at most three-quarters full. */
const MAX_KNOWN_NAMES = 768;

/** A sentinel pid for the traced command's leader before its pid is known. */
const LEADER = -1;
/** Items held back while the leader's pid is unknown, at most. */
const MAX_HELD = 4096;

const PID_BRACKET = /^\[pid +(\d+)\] +/;
/** Sticky: matched at `lastIndex`, in place. */
const TIMESTAMP = /(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+) +/y;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>(.*)$/;
const EXITED = /^\+\+\+ exited with (\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (SIG[A-Z0-9]+)(?: \(core dumped\))? \+\+\+$/;
const PERSONALITY = /^\[ Process PID=(\d+) runs in (32|64|x32) bit mode\. \]$/;
const ATTACHED = /strace: Process (\d+) attached/;
const UNFINISHED = " <unfinished ...>";
const UNKNOWN_SYSCALL = /^syscall_(0x[0-9a-f]+|\d+)$/;

/** x86_64 `clone` argument order, for strace's `name=value` display. */
const CLONE_ARG_INDEX: Readonly<Record<Arch, Readonly<Record<string, number>>>> = {
  x86_64: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, child_tidptr: 3, tls: 4 },
  x32: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, child_tidptr: 3, tls: 4 },
  i386: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, tls: 3, child_tidptr: 4 },
  aarch64: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, tls: 3, child_tidptr: 4 },
};

/**
 * Splits an strace argument list at top-level commas, respecting quotes, brackets, braces,
 * parentheses, `-y` decorations (`3</a,b>`) and comments.
 *
 * @example
 * ```ts
 * import { splitStraceArgs } from "@cordon/cordon";
 * const parts = splitStraceArgs('AT_FDCWD, "/a,b", {st_mode=S_IFREG|0644, st_size=3}, 3</x,y>');
 * if (parts.length !== 4 || parts[3] !== "3</x,y>") throw new Error(JSON.stringify(parts));
 * ```
 */
export function splitStraceArgs(text: string): string[] {
  return splitArgs(text, Infinity);
}

/** {@linkcode splitStraceArgs}, stopping once `count` arguments are split off. */
function splitArgs(text: string, count: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      depth++;
    } else if (c === 41 || c === 93 || c === 125) {
      depth--;
    } else if (c === 60 /* < */ && i > 0 && isWordChar(text.charCodeAt(i - 1))) {
      const close = text.indexOf(">", i + 1);
      if (close !== -1) i = close;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? n : close + 1;
    } else if (c === 44 /* , */ && depth === 0) {
      out.push(text.slice(start, i).trim());
      if (out.length >= count) return out;
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last.length > 0 || out.length > 0) out.push(last);
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Digits, capitals and `_`: what an fd (`3</x>`) or `AT_FDCWD</x>` ends with before a `-y` path. */
function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || c === 95;
}

/**
 * Symbols strace prints that are not policy constants (ioctl requests, fcntl commands, …), with
 * their values on the architectures Cordon supports (x86 and the generic asm ioctl numbers agree).
 */
const STRACE_SYMBOLS: ReadonlyMap<string, bigint> = new Map([
  ["TCGETS", 0x5401n],
  ["TCSETS", 0x5402n],
  ["TCSETSW", 0x5403n],
  ["TCSETSF", 0x5404n],
  ["TIOCSCTTY", 0x540en],
  ["TIOCGPGRP", 0x540fn],
  ["TIOCSPGRP", 0x5410n],
  ["TIOCOUTQ", 0x5411n],
  ["TIOCSTI", 0x5412n],
  ["TIOCGWINSZ", 0x5413n],
  ["TIOCSWINSZ", 0x5414n],
  ["FIONREAD", 0x541bn],
  ["TIOCLINUX", 0x541cn],
  ["FIONBIO", 0x5421n],
  ["TIOCNOTTY", 0x5422n],
  ["FIONCLEX", 0x5450n],
  ["FIOCLEX", 0x5451n],
  ["FIOASYNC", 0x5452n],
  ["F_DUPFD", 0n],
  ["F_GETFD", 1n],
  ["F_SETFD", 2n],
  ["F_GETFL", 3n],
  ["F_SETFL", 4n],
  ["F_GETLK", 5n],
  ["F_SETLK", 6n],
  ["F_SETLKW", 7n],
  ["F_DUPFD_CLOEXEC", 1030n],
  ["FD_CLOEXEC", 1n],
  ["SEEK_SET", 0n],
  ["SEEK_CUR", 1n],
  ["SEEK_END", 2n],
  ["SIG_BLOCK", 0n],
  ["SIG_UNBLOCK", 1n],
  ["SIG_SETMASK", 2n],
  ["F_OK", 0n],
  ["X_OK", 1n],
  ["W_OK", 2n],
  ["R_OK", 4n],
]);

const NUMBER = /^-?(?:0x[0-9a-f]+|\d+)$/i;
const SYMBOLS = /^[A-Z_][A-Z0-9_]*(?:\|(?:[A-Z_][A-Z0-9_]*|0x[0-9a-f]+|\d+))*$/;

function parseNumber(text: string): bigint {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  let value: bigint;
  if (/^0x/i.test(body)) value = BigInt(body);
  else if (body.length > 1 && body.startsWith("0")) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  return BigInt.asUintN(64, negative ? -value : value);
}

/**
 * Decodes one argument as strace prints it to the value the kernel saw, or `undefined` when
 * the text does not give it (strings, structs, arrays, unknown symbols).
 *
 * @example
 * ```ts
 * import { decodeStraceArg } from "@cordon/cordon";
 * if (decodeStraceArg("O_RDONLY|O_CLOEXEC") !== 0x80000n) throw new Error("flags");
 * if (decodeStraceArg("AT_FDCWD") !== 0xffffffffffffff9cn) throw new Error("AT_FDCWD");
 * if (decodeStraceArg("3</etc/passwd>") !== 3n || decodeStraceArg("0644") !== 420n) throw new Error();
 * if (decodeStraceArg('"/etc/passwd"') !== undefined) throw new Error("strings are pointers");
 * ```
 */
export function decodeStraceArg(text: string, arch: Arch = "x86_64"): bigint | undefined {
  let t = text;
  const comment = t.indexOf(" /*");
  if (comment !== -1) t = t.slice(0, comment);
  const decoration = t.indexOf("<");
  if (decoration > 0 && isWordChar(t.charCodeAt(decoration - 1))) t = t.slice(0, decoration);
  t = t.trim();
  // Ambiguous ioctl requests are printed as "A or B": both have the same value.
  const or = t.lastIndexOf(" or ");
  if (or !== -1) t = t.slice(or + 4);
  if (t === "NULL") return 0n;
  if (NUMBER.test(t)) return parseNumber(t);
  if (!SYMBOLS.test(t)) return undefined;
  const resolve = (name: string) =>
    resolveConstant(name, arch) ?? STRACE_SYMBOLS.get(name) ?? "unknown";
  return parseFlagExpression(t, resolve, "c").value;
}

/** A parsed call; argument text and values are computed on first use. */
class StraceCall implements TraceCall {
  readonly kind = "call" as const;
  readonly line: number;
  pid: number;
  readonly tid?: number;
  readonly arch: Arch;
  readonly nr: number;
  readonly name: string | null;
  readonly ret?: number;
  readonly errno?: string;
  readonly retFdPath?: string;
  readonly #raw: string;
  #text: string[] | undefined;
  #args: (bigint | undefined)[] | undefined;

  constructor(
    line: number,
    pid: number,
    tid: number | undefined,
    arch: Arch,
    nr: number,
    name: string | null,
    raw: string,
    ret: number | undefined,
    errno: string | undefined,
    retFdPath: string | undefined,
  ) {
    this.line = line;
    this.pid = pid;
    if (tid !== undefined) this.tid = tid;
    this.arch = arch;
    this.nr = nr;
    this.name = name;
    this.#raw = raw;
    if (ret !== undefined) this.ret = ret;
    if (errno !== undefined) this.errno = errno;
    if (retFdPath !== undefined) this.retFdPath = retFdPath;
  }

  get rawArgs(): string {
    return this.#raw;
  }

  get argText(): readonly string[] {
    return this.#text ??= splitStraceArgs(this.#raw);
  }

  get args(): readonly (bigint | undefined)[] {
    if (this.#args !== undefined) return this.#args;
    const text = this.argText;
    const named = this.name === "clone" ? CLONE_ARG_INDEX[this.arch] : undefined;
    const out: (bigint | undefined)[] = [];
    for (let i = 0; i < text.length; i++) {
      const part = text[i]!;
      let index = i;
      let value = part;
      // `name=value` (strace shows some arguments by name): `[a-z_]+=`, scanned by hand.
      let eq = 0;
      for (let c = part.charCodeAt(0); (c >= 97 && c <= 122) || c === 95;) {
        c = part.charCodeAt(++eq);
      }
      if (eq > 0 && part.charCodeAt(eq) === 61 /* = */) {
        value = part.slice(eq + 1);
        if (named !== undefined) {
          const mapped = named[part.slice(0, eq)];
          if (mapped === undefined) continue;
          index = mapped;
        }
      }
      if (index < 6) out[index] = decodeArg(value, this.arch);
    }
    for (let i = 0; i < out.length; i++) if (!(i in out)) out[i] = undefined;
    return this.#args = out;
  }
}

/**
 * The value of a plain decimal (`3`, no leading zero: that is octal) or `0x` hexadecimal number
 * of at most 64 bits, as {@linkcode decodeStraceArg} decodes it; `undefined` for any other text.
 */
function plainNumber(text: string): bigint | undefined {
  const n = text.length;
  if (n > 2 && text.charCodeAt(0) === 48 && text.charCodeAt(1) === 120 /* 0x */) {
    if (n > 18) return undefined;
    for (let i = 2; i < n; i++) {
      const d = text.charCodeAt(i);
      if (!(isDigit(d) || (d >= 97 && d <= 102))) return undefined;
    }
    return BigInt(text);
  }
  if (n > 15 || (n > 1 && text.charCodeAt(0) === 48)) return undefined;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i);
    if (!isDigit(d)) return undefined;
    value = value * 10 + d - 48;
  }
  return BigInt(value);
}

/** Decoded symbolic arguments (`TCGETS`, `O_RDONLY|O_CLOEXEC`) by architecture. Bounded. */
const symbolCache = new Map<Arch, Map<string, bigint | undefined>>();
const SYMBOL_CACHE_LIMIT = 1024;

/**
 * {@linkcode decodeStraceArg}, with symbolic values cached: the same few recur throughout a
 * trace, and each costs a constant-table lookup per flag.
 */
function decodeArg(text: string, arch: Arch): bigint | undefined {
  const c = text.charCodeAt(0);
  if (isDigit(c)) {
    const plain = plainNumber(text);
    return plain !== undefined ? plain : decodeStraceArg(text, arch);
  }
  if (!((c >= 65 && c <= 90) || c === 95) || text.length > 64) return decodeStraceArg(text, arch);
  let cache = symbolCache.get(arch);
  if (cache === undefined) symbolCache.set(arch, cache = new Map());
  const cached = cache.get(text);
  if (cached !== undefined || cache.has(text)) return cached;
  const value = decodeStraceArg(text, arch);
  if (cache.size >= SYMBOL_CACHE_LIMIT) cache.clear();
  // A copy: a cache must not keep the trace's chunk (which `text` is cut from) alive.
  cache.set(JSON.parse(JSON.stringify(text)), value);
  return value;
}

interface Pending {
  readonly line: number;
  readonly name: string;
  readonly text: string;
}

/**
 * The parser: feed it lines in order with {@linkcode StraceParser.push}, then call
 * {@linkcode StraceParser.end}. Items come out in trace order (a call whose exit was
 * interrupted comes out when it resumes, with the line it started on). Memory is bounded by
 * the number of live processes.
 *
 * @example
 * ```ts
 * import { StraceParser } from "@cordon/cordon";
 * import type { TraceItem } from "@cordon/cordon";
 * const items: TraceItem[] = [];
 * const parser = new StraceParser();
 * const lines = [
 *   '100 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3',
 *   "100 read(3,  <unfinished ...>",
 *   "101 +++ exited with 0 +++",
 *   '100 <... read resumed>"x", 4096) = 1',
 * ];
 * lines.forEach((line, i) => parser.push(line, i + 1, items));
 * parser.end(items);
 * const calls = items.filter((i) => i.kind === "call");
 * if (calls.length !== 2 || calls[1]!.name !== "read" || calls[1]!.line !== 2) throw new Error();
 * if (calls[0]!.args[2] !== 0x80000n) throw new Error("flags decoded");
 * ```
 */
export class StraceParser {
  readonly #defaultArch: Arch;
  /** Syscall numbers by name on the default architecture (a cache of the table lookup). */
  readonly #numbers = new Map<string, { readonly name: string; readonly nr: number }>();
  /**
   * The same names by {@linkcode callNameHash}, open addressing: a line's name is found without
   * cutting it out of the line. At most {@linkcode MAX_KNOWN_NAMES} (a syscall table's size).
   */
  readonly #nameSlots: (string | undefined)[] = new Array(NAME_SLOTS).fill(undefined);
  readonly #nameHashes = new Int32Array(NAME_SLOTS);
  #knownNames = 0;
  readonly #arch = new Map<number, Arch>();
  readonly #pending = new Map<number, Pending>();
  /** Thread id → process id, for threads. */
  readonly #tgid = new Map<number, number>();
  /** Traced tasks believed alive (processes and threads). */
  readonly #live = new Set<number>();
  /** Tasks announced by `strace: Process N attached` or a clone result. */
  readonly #known = new Set<number>();
  /** Tasks that have had a line (or were created by a clone result). */
  readonly #seen = new Set<number>();
  /** Children whose fork step was already emitted (before their parent's clone returned). */
  readonly #forked = new Set<number>();
  #leader: number | undefined;
  #lastTid: number | undefined;
  #lastPid = 0;
  #lastArch: Arch = "x86_64";
  #held: (StraceCall | TraceProcess)[] = [];
  #join: { text: string; line: number } | undefined;
  #sawLine = false;

  /**
   * Creates a parser.
   *
   * @param options the default architecture */
  constructor(options: StraceParserOptions = {}) {
    this.#defaultArch = options.arch ?? "x86_64";
  }

  #setLeader(pid: number, out: TraceItem[]): void {
    if (this.#leader !== undefined) return;
    this.#invalidate();
    this.#leader = pid;
    this.#live.delete(LEADER);
    this.#live.add(pid);
    const archOfLeader = this.#arch.get(LEADER);
    if (archOfLeader !== undefined) this.#arch.set(pid, archOfLeader);
    const pending = this.#pending.get(LEADER);
    if (pending !== undefined) {
      this.#pending.delete(LEADER);
      this.#pending.set(pid, pending);
    }
    this.#flushHeld(pid, out);
  }

  #flushHeld(pid: number, out: TraceItem[]): void {
    for (const item of this.#held) {
      if (item.kind === "call") {
        if (item.pid === LEADER) item.pid = pid;
        out.push(item);
      } else {
        out.push({
          ...item,
          ...(item.pid === LEADER ? { pid } : {}),
          ...(item.ppid === LEADER ? { ppid: pid } : {}),
        });
      }
    }
    this.#held = [];
  }

  #emit(item: StraceCall | TraceProcess, out: TraceItem[]): void {
    const involvesLeader = item.pid === LEADER || (item.kind === "process" && item.ppid === LEADER);
    if (involvesLeader || this.#held.length > 0) {
      this.#held.push(item);
      if (this.#held.length >= MAX_HELD) this.#flushHeld(0, out);
      return;
    }
    out.push(item);
  }

  /** The known name written in `line` from `from` to `to` (its hash `hash`), if any. */
  #knownName(line: string, from: number, to: number, hash: number): string | undefined {
    for (let slot = hash & (NAME_SLOTS - 1);; slot = (slot + 1) & (NAME_SLOTS - 1)) {
      const name = this.#nameSlots[slot];
      if (name === undefined) return undefined;
      if (
        this.#nameHashes[slot] === hash && name.length === to - from && line.startsWith(name, from)
      ) {
        return name;
      }
    }
  }

  #addKnownName(name: string): void {
    if (this.#knownNames >= MAX_KNOWN_NAMES) return;
    const hash = callNameHash(name, 0, name.length);
    if (hash === -1) return;
    let slot = hash & (NAME_SLOTS - 1);
    while (this.#nameSlots[slot] !== undefined) slot = (slot + 1) & (NAME_SLOTS - 1);
    this.#nameSlots[slot] = name;
    this.#nameHashes[slot] = hash;
    this.#knownNames++;
  }

  #processOf(tid: number): number {
    return this.#tgid.get(tid) ?? tid;
  }

  /**
   * Parses one line (1-based `lineNo`) and appends what it produced to `out`.
   */
  push(rawLine: string, lineNo: number, out: TraceItem[]): void {
    let line = rawLine;
    if (this.#join !== undefined) {
      line = this.#join.text + line;
      lineNo = this.#join.line;
      this.#join = undefined;
    }
    // `strace: ` contains `: `, which trace lines rarely do: a cheaper search first.
    const colon = line.indexOf(": ");
    const attached = colon === -1 ? -1 : line.indexOf("strace: ", colon < 6 ? 0 : colon - 6);
    if (attached !== -1) {
      const m = ATTACHED.exec(line);
      if (m !== null) {
        const pid = Number(m[1]);
        this.#known.add(pid);
        this.#live.add(pid);
      }
      if (attached === 0) return;
      // A message that interrupted a line: the line continues on the next one.
      this.#join = { text: line.slice(0, attached), line: lineNo };
      return;
    }
    const first = this.#sawLine === false;
    this.#sawLine = true;
    // The line is read in place, between `at` and `end`: no per-line copies of its parts.
    let text = line;
    let c = text.charCodeAt(0);
    // Printable ASCII is never whitespace: trim only when the line may start with some.
    if (!(c > 32 && c < 127)) {
      text = line.trimStart();
      if (text.length === 0) return;
      c = text.charCodeAt(0);
    }
    let tid: number | undefined;
    // A leading number followed by a space is a pid (`-o` style); followed by `.` or `:` it is a
    // timestamp. Scanned by hand: this runs for every line.
    let at = 0;
    if (c === 91 /* [ */ && text.startsWith("[pid ")) {
      const m = PID_BRACKET.exec(text);
      if (m !== null) {
        tid = Number(m[1]);
        at = m[0].length;
      }
    } else if (isDigit(c)) {
      let value = c - 48;
      let i = 1;
      for (let d = text.charCodeAt(i); isDigit(d); d = text.charCodeAt(++i)) {
        value = value * 10 + d - 48;
      }
      if (text.charCodeAt(i) === 32) {
        // Up to 15 digits the sum is exact; longer numbers are left to `Number`.
        tid = i <= 15 ? value : Number(text.slice(0, i));
        while (text.charCodeAt(i) === 32) i++;
        at = i;
      }
    }
    if (isDigit(text.charCodeAt(at))) {
      TIMESTAMP.lastIndex = at;
      const ts = TIMESTAMP.exec(text);
      if (ts !== null) at += ts[0].length;
    }
    const end = text.charCodeAt(text.length - 1) === 62 /* > */
      ? durationStart(text, at)
      : text.length;

    // Whose line is it? Consecutive lines of one task are the common case.
    if (tid !== undefined && tid === this.#lastTid && this.#leader !== undefined) {
      this.#dispatch(text, at, end, rawLine, lineNo, tid, this.#lastPid, this.#lastArch, out);
      return;
    }
    if (tid === undefined) {
      if (this.#live.size === 0) this.#live.add(this.#leader ?? LEADER);
      tid = this.#live.size === 1 ? this.#live.values().next().value! : (this.#leader ?? LEADER);
    } else if (this.#leader === undefined) {
      if (first || !this.#known.has(tid)) this.#setLeader(tid, out);
    }
    if (!this.#live.has(tid) && tid !== LEADER) this.#live.add(tid);
    if (!this.#seen.has(tid)) {
      this.#seen.add(tid);
      if (tid !== this.#leader && tid !== LEADER) this.#adopt(tid, lineNo, out);
    }
    const pid = tid === LEADER ? LEADER : this.#processOf(tid);
    const arch = this.#arch.get(pid) ?? this.#defaultArch;
    this.#lastTid = tid;
    this.#lastPid = pid;
    this.#lastArch = arch;
    this.#dispatch(text, at, end, rawLine, lineNo, tid, pid, arch, out);
  }

  /** Forgets the cached identity of the last line's task (its process or architecture changed). */
  #invalidate(): void {
    this.#lastTid = undefined;
  }

  /** One line's text from `at` to `end` (the rest of `line` is its prefix and `-T` duration). */
  #dispatch(
    line: string,
    at: number,
    end: number,
    rawLine: string,
    lineNo: number,
    tid: number,
    pid: number,
    arch: Arch,
    out: TraceItem[],
  ): void {
    const c0 = at < end ? line.charCodeAt(at) : NaN;
    if (c0 === 43 /* + */ || c0 === 45 /* - */ || c0 === 91 /* [ */ || c0 === 60 /* < */) {
      this.#dispatchOther(line.slice(at, end), rawLine, lineNo, tid, pid, arch, out);
      return;
    }
    // A call: `name(args) = ret`, or `name(args <unfinished ...>`.
    const open = line.indexOf("(", at);
    const hash = open === -1 || open >= end ? -1 : callNameHash(line, at, open);
    if (hash === -1) {
      out.push(malformed(lineNo, "not an strace line", rawLine));
      return;
    }
    const name = (arch === this.#defaultArch ? this.#knownName(line, at, open, hash) : undefined) ??
      line.slice(at, open);
    const threadId = tid !== pid ? tid : undefined;
    const bodyStart = open + 1;
    const unfinished = end - UNFINISHED.length;
    if (unfinished >= bodyStart && line.startsWith(UNFINISHED, unfinished)) {
      this.#pending.set(tid, { line: lineNo, name, text: line.slice(bodyStart, unfinished) });
      return;
    }
    this.#finishCall(lineNo, pid, threadId, arch, name, line, bodyStart, end, rawLine, out);
  }

  /** Lines that are not calls: `+++ … +++`, `--- SIG… ---`, `[ Process … ]`, `<... resumed>`. */
  #dispatchOther(
    text: string,
    rawLine: string,
    lineNo: number,
    tid: number,
    pid: number,
    arch: Arch,
    out: TraceItem[],
  ): void {
    const threadId = tid !== pid ? tid : undefined;
    const c0 = text.charCodeAt(0);
    if (c0 === 43 /* + */) {
      const exited = EXITED.exec(text);
      const killed = exited === null ? KILLED.exec(text) : null;
      if (exited === null && killed === null) {
        out.push(malformed(lineNo, "unrecognised +++ line", rawLine));
        return;
      }
      this.#live.delete(tid);
      this.#invalidate();
      const unfinished = this.#pending.get(tid);
      if (unfinished !== undefined) {
        this.#pending.delete(tid);
        this.#emitCall(
          unfinished.line,
          pid,
          threadId,
          arch,
          unfinished.name,
          unfinished.text,
          "?",
          out,
        );
      }
      this.#seen.delete(tid);
      this.#known.delete(tid);
      if (threadId !== undefined) {
        this.#tgid.delete(tid);
        return;
      }
      this.#emit({
        kind: "process",
        line: lineNo,
        op: "exit",
        pid,
        ...(exited !== null ? { exitCode: Number(exited[1]) } : { signal: killed![1]! }),
      }, out);
      return;
    }
    if (c0 === 45 /* - */) {
      if (text.startsWith("--- ")) return; // a signal delivery
      out.push(malformed(lineNo, "not an strace line", rawLine));
      return;
    }
    if (c0 === 91 /* [ */) {
      const p = PERSONALITY.exec(text);
      if (p === null) {
        out.push(malformed(lineNo, "unrecognised [ ] line", rawLine));
        return;
      }
      this.#invalidate();
      const mode = p[2];
      const who = this.#processOf(Number(p[1]));
      this.#arch.set(
        who === this.#leader || this.#leader === undefined ? pid : who,
        mode === "32" ? "i386" : mode === "x32" ? "x32" : "x86_64",
      );
      return;
    }
    if (c0 === 60 /* < */) {
      const r = RESUMED.exec(text);
      if (r === null) {
        out.push(malformed(lineNo, "unrecognised <...> line", rawLine));
        return;
      }
      const pending = this.#pending.get(tid);
      const rest = r[2]!;
      if (pending === undefined || pending.name !== r[1]) {
        // The trace began (or the process was attached) during the call: its arguments are lost.
        const eq = returnSeparator(rest, 0, rest.length);
        this.#emitCall(
          lineNo,
          pid,
          threadId,
          arch,
          r[1]!,
          "",
          eq === -1 ? "?" : rest.slice(eq + 3),
          out,
          true,
        );
        return;
      }
      this.#pending.delete(tid);
      const body = pending.text + rest;
      this.#finishCall(
        pending.line,
        pid,
        threadId,
        arch,
        pending.name,
        body,
        0,
        body.length,
        rawLine,
        out,
      );
      return;
    }
  }

  /**
   * A task's first line came before its parent's clone returned: find the parent among the
   * tasks with an unfinished clone, so the new task is placed in the right process at once.
   */
  #adopt(tid: number, lineNo: number, out: TraceItem[]): void {
    this.#invalidate();
    for (const [parentTid, pending] of this.#pending) {
      const { name, text } = pending;
      if (name !== "clone" && name !== "clone3" && name !== "fork" && name !== "vfork") continue;
      const parent = parentTid === LEADER ? LEADER : this.#processOf(parentTid);
      if ((name === "clone" || name === "clone3") && text.includes("CLONE_THREAD")) {
        this.#tgid.set(tid, parent);
        return;
      }
      const parentArch = this.#arch.get(parent);
      if (parentArch !== undefined) this.#arch.set(tid, parentArch);
      this.#forked.add(tid);
      this.#emit({ kind: "process", line: lineNo, op: "fork", pid: tid, ppid: parent }, out);
      return;
    }
  }

  #finishCall(
    lineNo: number,
    pid: number,
    tid: number | undefined,
    arch: Arch,
    name: string,
    text: string,
    from: number,
    to: number,
    rawLine: string,
    out: TraceItem[],
  ): void {
    // The body is `text` from `from` to `to`: `args) = ret`.
    const eq = returnSeparator(text, from, to);
    if (eq === -1) {
      out.push(malformed(lineNo, `call "${name}" has no return value (truncated line?)`, rawLine));
      return;
    }
    this.#emitCall(
      lineNo,
      pid,
      tid,
      arch,
      name,
      text.slice(from, argumentsEnd(text, from, eq)),
      text.slice(eq + 3, to),
      out,
    );
  }

  #emitCall(
    lineNo: number,
    pid: number,
    tid: number | undefined,
    arch: Arch,
    name: string,
    argsText: string,
    retText: string,
    out: TraceItem[],
    argsLost = false,
  ): void {
    let nr: number | undefined;
    if (arch === this.#defaultArch) {
      // One string per name: later lookups by name (access calls, rules) hash it only once.
      const known = this.#numbers.get(name);
      if (known !== undefined) {
        name = known.name;
        nr = known.nr;
      } else {
        nr = syscallNumber(arch, name);
        if (nr !== undefined) {
          this.#numbers.set(name, { name, nr });
          this.#addKnownName(name);
        }
      }
    } else {
      nr = syscallNumber(arch, name);
    }
    let resolvedName: string | null = name;
    if (nr === undefined) {
      const unknown = UNKNOWN_SYSCALL.exec(name);
      if (unknown === null) {
        out.push(malformed(lineNo, `unknown syscall "${name}" on ${arch}`, `${name}(${argsText}`));
        return;
      }
      nr = Number(unknown[1]);
      resolvedName = null;
    }
    // The return value: `-?\d+` (or `?`: unknown), then an optional `-y` decoration (`<…>`), then
    // for failures the errno name (` ENOENT (No such file or directory)`). Scanned by hand.
    let ret: number | undefined;
    let errno: string | undefined;
    let retFdPath: string | undefined;
    const n = retText.length;
    const negative = retText.charCodeAt(0) === 45; /* - */
    let k = negative ? 1 : 0;
    let value = 0;
    for (let d = retText.charCodeAt(k); isDigit(d); d = retText.charCodeAt(++k)) {
      value = value * 10 + d - 48;
    }
    const digits = k - (negative ? 1 : 0);
    if (digits > 0) {
      // Up to 15 digits the sum is exact; longer numbers are left to `Number`.
      ret = digits <= 15 ? (negative ? -value : value) : Number(retText.slice(0, k));
      if (k < n) {
        if (ret < 0) {
          if (retText.charCodeAt(k) === 60 /* < */) {
            const close = retText.indexOf(">", k + 1);
            if (close !== -1) k = close + 1;
          }
          if (retText.charCodeAt(k) === 32 && isUpper(retText.charCodeAt(k + 1))) {
            const start = k + 1;
            k += 2;
            for (let d = retText.charCodeAt(k); isUpper(d) || isDigit(d) || d === 95;) {
              d = retText.charCodeAt(++k);
            }
            errno = retText.slice(start, k);
          }
        } else {
          // `-y`: `3</path>` names what the returned fd is.
          const lt = retText.indexOf("</");
          if (lt > 0 && retText.charCodeAt(n - 1) === 62 /* > */) {
            retFdPath = retText.slice(lt + 1, -1);
          }
        }
      }
    }
    const item = new StraceCall(
      lineNo,
      pid,
      tid,
      arch,
      nr,
      resolvedName,
      argsLost ? "" : argsText,
      ret,
      errno,
      retFdPath,
    );
    this.#emit(item, out);
    if (ret === undefined || ret < 0) return;
    // Learn the leader's pid from calls that return the caller's own id.
    if (pid === LEADER && (name === "set_tid_address" || name === "getpid" || name === "gettid")) {
      this.#setLeader(ret, out);
      return;
    }
    if (name === "clone" || name === "clone3" || name === "fork" || name === "vfork") {
      if (ret === 0) return;
      const child = ret;
      this.#known.add(child);
      this.#live.add(child);
      this.#seen.add(child);
      if (this.#forked.delete(child)) return;
      const thread = (name === "clone" || name === "clone3") && argsText.includes("CLONE_THREAD");
      this.#invalidate();
      if (thread) {
        this.#tgid.set(child, pid);
        return;
      }
      const parentArch = this.#arch.get(pid);
      if (parentArch !== undefined) this.#arch.set(child, parentArch);
      this.#emit({ kind: "process", line: lineNo, op: "fork", pid: child, ppid: pid }, out);
      return;
    }
    if ((name === "execve" || name === "execveat") && ret === 0) {
      const executable = firstString(argsText, name === "execveat" ? 1 : 0);
      this.#emit({
        kind: "process",
        line: lineNo,
        op: "exec",
        pid,
        ...(executable === undefined ? {} : { executable }),
      }, out);
    }
  }

  /** Flushes what is left: calls that never resumed, and items waiting for the leader's pid. */
  end(out: TraceItem[]): void {
    if (this.#join !== undefined) {
      out.push(
        malformed(
          this.#join.line,
          "line interrupted by an strace message never continued",
          this.#join.text,
        ),
      );
      this.#join = undefined;
    }
    for (const [tid, pending] of this.#pending) {
      const pid = tid === LEADER ? LEADER : this.#processOf(tid);
      this.#emitCall(
        pending.line,
        pid,
        tid !== pid ? tid : undefined,
        this.#arch.get(pid) ?? this.#defaultArch,
        pending.name,
        pending.text,
        "?",
        out,
      );
    }
    this.#pending.clear();
    if (this.#held.length > 0) this.#flushHeld(this.#leader ?? 0, out);
  }
}

/**
 * Where a call's return value starts in `text` from `from` to `to` (the body after the call's
 * `(`): the index of the ` = ` that separates it, or `-1`. strace writes `) = RET`, with spaces
 * before `=` to align the column. The last ` = ` is the separator (return values and errno
 * descriptions never contain one).
 */
function returnSeparator(text: string, from: number, to: number): number {
  if (to - from < 3) return -1;
  const eq = text.lastIndexOf(" = ", to - 3);
  if (eq < from) return -1;
  const close = argumentsEnd(text, from, eq);
  return close >= from && text.charCodeAt(close) === 41 /* ) */ ? eq : -1;
}

/** Where the arguments end before the separator at `eq`: the index of their closing `)`. */
function argumentsEnd(text: string, from: number, eq: number): number {
  let j = eq;
  while (j > from && text.charCodeAt(j - 1) === 32) j--;
  return j - 1;
}

/**
 * Where a `-T` duration (` <0.000062>`) starts at the end of `text`, or `text.length` when
 * there is none after `from`.
 */
function durationStart(text: string, from: number): number {
  const n = text.length;
  let j = n - 2; // before the `>`
  const fraction = j;
  while (j >= from && isDigit(text.charCodeAt(j))) j--;
  if (j === fraction || j < from || text.charCodeAt(j) !== 46 /* . */) return n;
  const whole = --j;
  while (j >= from && isDigit(text.charCodeAt(j))) j--;
  if (j === whole || j - 1 < from) return n;
  return text.charCodeAt(j) === 60 /* < */ && text.charCodeAt(j - 1) === 32 ? j - 1 : n;
}

/**
 * A hash of `text` from `from` to `to` when it is a syscall name (`[a-z_][a-z0-9_]*`), else -1.
 */
function callNameHash(text: string, from: number, to: number): number {
  if (to <= from) return -1;
  const c = text.charCodeAt(from);
  if (!((c >= 97 && c <= 122) || c === 95)) return -1;
  let hash = c;
  for (let i = from + 1; i < to; i++) {
    const d = text.charCodeAt(i);
    if (!((d >= 97 && d <= 122) || isDigit(d) || d === 95)) return -1;
    hash = (Math.imul(hash, 31) + d) | 0;
  }
  return hash & 0x7fffffff;
}

function firstString(argsText: string, index: number): string | undefined {
  const part = splitArgs(argsText, index + 1)[index];
  if (part === undefined || !part.startsWith('"')) return undefined;
  try {
    const value = JSON.parse(part.replace(/\.\.\.$/, "").replace(/\\x([0-9a-f]{2})/gi, "\\u00$1"));
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

function malformed(line: number, reason: string, text: string): TraceItem {
  return {
    kind: "malformed",
    line,
    reason,
    text: text.length > 200 ? `${text.slice(0, 200)}…` : text,
  };
}
