/**
 * What a traced syscall touches, for path and network rules: the absolute paths and accesses of
 * file calls (`open`, `openat`, `openat2`, `creat`, `mkdir*`, `mknod*`, `unlink*`, `rmdir`,
 * `rename*`, `link*`, `symlink*`, `truncate`, `execve*`) and the address of `connect`, `bind`,
 * `sendto` and `sendmsg`, as strace shows them. A process's working directory and the protocols
 * of its sockets are followed through the trace ({@linkcode AccessState}).
 *
 * What a trace cannot tell is reported as undecided, never guessed:
 * - a relative path when the working directory is unknown: strace `-y` shows it
 *   (`AT_FDCWD</home/u>`, `3</dir>`), `chdir` calls update it, and a caller may give the traced
 *   command's starting directory (`--cwd`); without these, `open("x")` cannot be placed;
 * - a directory fd without a `-y` decoration (`openat(3, "x", …)`);
 * - the protocol of a socket whose `socket()` call is not in the trace (attached later, passed
 *   in by a parent) unless `-yy` shows it (`3<TCP:[…]>`);
 * - a path or address strace could not read (shown as a pointer).
 *
 * A file call that failed in the trace touches nothing here: it fails (`ENOENT`, `EEXIST`, …)
 * before Landlock would decide it. Network calls count whatever their result: the cgroup hooks
 * run before the operation.
 *
 * Not covered: `sendmmsg` and the i386 `socketcall` multiplexer (their addresses are not decoded),
 * Unix, netlink and raw sockets (the network hooks do not see them).
 *
 * @module
 */

import type { TraceCall } from "./trace_item.ts";
import { decodeStraceArg } from "./strace_parser.ts";
import {
  straceDecoration,
  straceMsgName,
  straceSockaddr,
  straceString,
  straceStructFlags,
} from "./strace_values.ts";
import {
  CREAT_FLAGS,
  fileOpChecks,
  type NetCheck,
  openChecks,
  ownString,
  type PathCheck,
  resolvePath,
} from "../access_rules.ts";

/** A socket's protocol as the network rules see it (`other`: not decided by them). */
export type SocketProtocol = "tcp" | "udp" | "other";

/** Per-process state followed through a trace. */
export interface AccessState {
  /** The working directory, when known. */
  cwd: string | undefined;
  /** Protocols of the process's sockets by fd. */
  readonly sockets: Map<number, SocketProtocol>;
}

/** What a call touches. */
export type StraceAccess =
  | {
    /** File accesses. */
    readonly kind: "paths";
    /** The call's (first) path, absolute. */
    readonly path: string;
    /** The checks. */
    readonly checks: readonly PathCheck[];
  }
  | {
    /** A network operation. */
    readonly kind: "network";
    /** The operation. */
    readonly check: NetCheck;
  }
  | {
    /** The trace does not show what the call touches. */
    readonly kind: "undecided";
    /** The argument that is missing. */
    readonly index: number;
    /** Why. */
    readonly reason: string;
  };

type FileCall = {
  readonly kind: "file";
  /** Index of the dirfd argument (-1: the working directory). */
  readonly dirfd: number;
  readonly path: number;
  /** For open calls: index of the flags (or `openat2`'s `struct open_how`). */
  readonly flags?: number;
  readonly op: "open" | "openat2" | "creat" | "exec" | "truncate" | "entry" | "rename" | "link";
  /** For rename/link/symlink: the second path's dirfd and index. */
  readonly dirfd2?: number;
  readonly path2?: number;
};
type NetCall = { readonly kind: "net"; readonly op: "connect" | "bind" | "sendto" | "sendmsg" };
type StateCall = {
  readonly kind: "state";
  readonly op: "socket" | "close" | "dup" | "dup2" | "fcntl" | "chdir" | "fchdir";
};
type CallSpec = FileCall | NetCall | StateCall;

const f = (spec: Omit<FileCall, "kind">): FileCall => ({ kind: "file", ...spec });

/** The calls this module reads, by name (x86_64, aarch64 and i386 share these names). */
const CALLS: ReadonlyMap<string, CallSpec> = new Map<string, CallSpec>([
  ["open", f({ op: "open", dirfd: -1, path: 0, flags: 1 })],
  ["openat", f({ op: "open", dirfd: 0, path: 1, flags: 2 })],
  ["openat2", f({ op: "openat2", dirfd: 0, path: 1, flags: 2 })],
  ["creat", f({ op: "creat", dirfd: -1, path: 0 })],
  ["execve", f({ op: "exec", dirfd: -1, path: 0 })],
  ["execveat", f({ op: "exec", dirfd: 0, path: 1 })],
  ["truncate", f({ op: "truncate", dirfd: -1, path: 0 })],
  ["truncate64", f({ op: "truncate", dirfd: -1, path: 0 })],
  ["mkdir", f({ op: "entry", dirfd: -1, path: 0 })],
  ["mkdirat", f({ op: "entry", dirfd: 0, path: 1 })],
  ["mknod", f({ op: "entry", dirfd: -1, path: 0 })],
  ["mknodat", f({ op: "entry", dirfd: 0, path: 1 })],
  ["unlink", f({ op: "entry", dirfd: -1, path: 0 })],
  ["unlinkat", f({ op: "entry", dirfd: 0, path: 1 })],
  ["rmdir", f({ op: "entry", dirfd: -1, path: 0 })],
  ["symlink", f({ op: "entry", dirfd: -1, path: 1 })],
  ["symlinkat", f({ op: "entry", dirfd: 1, path: 2 })],
  ["link", f({ op: "link", dirfd: -1, path: 0, dirfd2: -1, path2: 1 })],
  ["linkat", f({ op: "link", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["rename", f({ op: "rename", dirfd: -1, path: 0, dirfd2: -1, path2: 1 })],
  ["renameat", f({ op: "rename", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["renameat2", f({ op: "rename", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["connect", { kind: "net", op: "connect" }],
  ["bind", { kind: "net", op: "bind" }],
  ["sendto", { kind: "net", op: "sendto" }],
  ["sendmsg", { kind: "net", op: "sendmsg" }],
  ["socket", { kind: "state", op: "socket" }],
  ["close", { kind: "state", op: "close" }],
  ["dup", { kind: "state", op: "dup" }],
  ["dup2", { kind: "state", op: "dup2" }],
  ["dup3", { kind: "state", op: "dup2" }],
  ["fcntl", { kind: "state", op: "fcntl" }],
  ["fcntl64", { kind: "state", op: "fcntl" }],
  ["chdir", { kind: "state", op: "chdir" }],
  ["fchdir", { kind: "state", op: "fchdir" }],
]);

/**
 * Whether {@linkcode straceCallAccess} reads calls named `name` (a fast filter for the hot path).
 *
 * @example
 * ```ts
 * import { isAccessCall } from "./strace_access.ts";
 * if (!isAccessCall("openat") || isAccessCall("read")) throw new Error();
 * ```
 */
export function isAccessCall(name: string): boolean {
  return CALLS.has(name);
}

const AF_INET = 2n;
const AF_INET6 = 10n;
const SOCK_TYPE_MASK = 0xfn;
const SOCK_STREAM = 1n;
const SOCK_DGRAM = 2n;
const IPPROTO_TCP = 6n;
const IPPROTO_UDP = 17n;
const F_DUPFD = 0n;
const F_DUPFD_CLOEXEC = 1030n;

function socketProtocol(domain: bigint, type: bigint, protocol: bigint): SocketProtocol {
  if (domain !== AF_INET && domain !== AF_INET6) return "other";
  const t = type & SOCK_TYPE_MASK;
  if (t === SOCK_STREAM && (protocol === 0n || protocol === IPPROTO_TCP)) return "tcp";
  if (t === SOCK_DGRAM && (protocol === 0n || protocol === IPPROTO_UDP)) return "udp";
  return "other";
}

function fdNumber(value: bigint | undefined): number | undefined {
  return value === undefined || value > 0x7fffffffn ? undefined : Number(value);
}

/** Decoded flag sets (`O_RDONLY|O_CLOEXEC`), which repeat throughout a trace; bounded. */
const flagCache = new Map<string, bigint | undefined>();

/** One argument's value, decoded alone (`call.args` decodes them all). */
function argValue(call: TraceCall, index: number): bigint | undefined {
  const text = call.argText[index];
  if (text === undefined) return undefined;
  if (call.arch !== "x86_64") return decodeStraceArg(text, call.arch);
  let value = flagCache.get(text);
  if (value === undefined && !flagCache.has(text)) {
    value = decodeStraceArg(text, call.arch);
    if (flagCache.size >= 1024) flagCache.clear();
    flagCache.set(text, value);
  }
  return value;
}

function updateState(op: StateCall["op"], call: TraceCall, state: AccessState): void {
  const ret = call.ret;
  if (ret === undefined || ret < 0) return;
  switch (op) {
    case "socket": {
      const domain = argValue(call, 0);
      const type = argValue(call, 1);
      const protocol = argValue(call, 2);
      if (domain === undefined || type === undefined || protocol === undefined) {
        state.sockets.delete(ret);
      } else {
        state.sockets.set(ret, socketProtocol(domain, type, protocol));
      }
      return;
    }
    case "close": {
      if (state.sockets.size === 0) return;
      const fd = fdNumber(argValue(call, 0));
      if (fd !== undefined) state.sockets.delete(fd);
      return;
    }
    case "fcntl":
    case "dup":
    case "dup2": {
      if (state.sockets.size === 0) return;
      if (op === "fcntl") {
        const cmd = argValue(call, 1);
        if (cmd !== F_DUPFD && cmd !== F_DUPFD_CLOEXEC) return;
      }
      const from = fdNumber(argValue(call, 0));
      const protocol = from === undefined ? undefined : state.sockets.get(from);
      if (protocol === undefined) state.sockets.delete(ret);
      else state.sockets.set(ret, protocol);
      return;
    }
    case "chdir": {
      const path = straceString(call.argText[0] ?? "");
      const cwd = path === undefined ? undefined : resolvePath(path, state.cwd);
      state.cwd = cwd === undefined ? undefined : ownString(cwd);
      return;
    }
    case "fchdir": {
      const dir = straceDecoration(call.argText[0] ?? "");
      state.cwd = dir?.startsWith("/") ? ownString(resolvePath(dir, undefined)!) : undefined;
      return;
    }
  }
}

const UNKNOWN_CWD =
  "the working directory is unknown (record with strace -y, or give the starting directory with --cwd)";

/** An absolute path from a (dirfd, path) pair, or why not. */
function pathOf(
  call: TraceCall,
  dirfdIndex: number,
  pathIndex: number,
  state: AccessState,
): string | { index: number; reason: string } {
  const texts = call.argText;
  const pathText = texts[pathIndex];
  const path = pathText === undefined ? undefined : straceString(pathText);
  if (path === undefined || path.includes("\0")) {
    return { index: pathIndex, reason: "the path is not shown by the trace" };
  }
  let base = state.cwd;
  let baseReason = UNKNOWN_CWD;
  if (dirfdIndex >= 0) {
    const dirText = texts[dirfdIndex] ?? "";
    const decoration = straceDecoration(dirText);
    if (dirText.startsWith("AT_FDCWD")) {
      if (decoration?.startsWith("/")) {
        base = resolvePath(decoration, undefined)!;
        // Kept per process: a copy, so as not to keep the trace's chunk alive.
        if (state.cwd !== base) state.cwd = ownString(base);
      }
    } else {
      base = decoration?.startsWith("/") ? decoration : undefined;
      baseReason = `the directory of fd ${dirText} is unknown (record with strace -y)`;
    }
  }
  if (path === "") {
    // AT_EMPTY_PATH: the call works on the dirfd itself.
    if (base === undefined || dirfdIndex < 0) {
      return { index: pathIndex, reason: "an empty path names an fd the trace does not show" };
    }
    return resolvePath(base, undefined)!;
  }
  const resolved = resolvePath(path, base);
  if (resolved === undefined) {
    const fdPath = resolvedFd(call);
    if (fdPath !== undefined) return fdPath;
    return {
      index: dirfdIndex >= 0 ? dirfdIndex : pathIndex,
      reason: `relative path "${path}": ${baseReason}`,
    };
  }
  return resolved;
}

/** The real path of the fd an open returned, when strace `-y` shows one. */
function resolvedFd(call: TraceCall): string | undefined {
  const text = call.retFdPath;
  if (text === undefined || !text.startsWith("/")) return undefined;
  const path = text.includes("\\") ? straceString(`"${text.replaceAll('"', '\\"')}"`) : text;
  if (path === undefined || path.endsWith(" (deleted)")) return undefined;
  return resolvePath(path, undefined);
}

/**
 * Opens of absolute paths by their text (name, arguments, returned fd's path): the same open
 * recurs throughout a trace (libraries, locale files), and its checks depend on nothing else.
 * Bounded.
 */
const openCache = new Map<
  string,
  { readonly name: string; readonly ret: string | undefined; readonly access: StraceAccess }
>();

function fileAccess(
  spec: FileCall,
  call: TraceCall,
  state: AccessState,
): StraceAccess | undefined {
  // A call that failed in the trace (ENOENT, EEXIST, …) fails before Landlock decides it.
  if (call.ret !== undefined && call.ret < 0) return undefined;
  const raw = spec.op === "open" && call.arch === "x86_64" ? call.rawArgs : undefined;
  if (raw !== undefined) {
    const hit = openCache.get(raw);
    if (hit !== undefined && hit.name === call.name && hit.ret === call.retFdPath) {
      return hit.access;
    }
  }
  const access = fileAccessOf(spec, call, state);
  if (raw !== undefined && access.kind === "paths" && isAbsoluteArg(call.argText[spec.path])) {
    if (openCache.size >= 4096) openCache.clear();
    // Copies: a cache must not keep the trace's chunks alive.
    const own = { ...access, path: ownString(access.path), checks: access.checks.map(ownCheck) };
    openCache.set(ownString(raw), {
      name: call.name!,
      ret: call.retFdPath === undefined ? undefined : ownString(call.retFdPath),
      access: own,
    });
    return own;
  }
  return access;
}

function ownCheck(check: PathCheck): PathCheck {
  return {
    path: ownString(check.path),
    access: check.access,
    ...(check.resolved === undefined ? {} : { resolved: ownString(check.resolved) }),
  };
}

function isAbsoluteArg(text: string | undefined): boolean {
  return text !== undefined && text.charCodeAt(1) === 47 /* / */ && text.charCodeAt(0) === 34;
}

function fileAccessOf(
  spec: FileCall,
  call: TraceCall,
  state: AccessState,
): StraceAccess {
  const path = pathOf(call, spec.dirfd, spec.path, state);
  if (typeof path !== "string") return { kind: "undecided", ...path };
  let checks: PathCheck[];
  switch (spec.op) {
    case "open":
    case "openat2": {
      const index = spec.flags!;
      let flags: bigint | undefined;
      if (spec.op === "open") {
        flags = argValue(call, index);
      } else {
        const text = straceStructFlags(call.argText[index] ?? "");
        flags = text === undefined ? undefined : decodeStraceArg(text, call.arch);
      }
      if (flags === undefined) {
        return { kind: "undecided", index, reason: "the open flags are not shown by the trace" };
      }
      checks = openChecks(path, flags, resolvedFd(call), call.arch);
      break;
    }
    case "creat":
      checks = openChecks(path, CREAT_FLAGS, resolvedFd(call), call.arch);
      break;
    case "exec":
      checks = fileOpChecks("exec", path);
      break;
    case "truncate":
      checks = fileOpChecks("truncate", path);
      break;
    case "entry":
      checks = fileOpChecks("unlink", path);
      break;
    case "link":
    case "rename": {
      const second = pathOf(call, spec.dirfd2!, spec.path2!, state);
      if (typeof second !== "string") return { kind: "undecided", ...second };
      // link(old, new) creates `new`; rename(old, new) removes `old` and creates `new`.
      checks = spec.op === "rename"
        ? fileOpChecks("rename", path, { target: second })
        : fileOpChecks("link", second);
      break;
    }
  }
  return { kind: "paths", path, checks };
}

function protocolOf(call: TraceCall, state: AccessState): SocketProtocol | undefined {
  const decoration = straceDecoration(call.argText[0] ?? "");
  if (decoration !== undefined) {
    if (decoration.startsWith("TCP")) return "tcp";
    if (decoration.startsWith("UDP")) return "udp";
    if (!decoration.startsWith("socket:")) return "other";
  }
  const fd = fdNumber(argValue(call, 0));
  return fd === undefined ? undefined : state.sockets.get(fd);
}

function netAccess(
  op: NetCall["op"],
  call: TraceCall,
  state: AccessState,
): StraceAccess | undefined {
  const texts = call.argText;
  let index = 1;
  let addressText: string | undefined = texts[1];
  if (op === "sendto") {
    index = 4;
    addressText = texts[4];
    if (addressText === undefined || addressText === "NULL") return undefined;
  } else if (op === "sendmsg") {
    const msg = texts[1] ?? "";
    if (!msg.startsWith("{")) {
      return {
        kind: "undecided",
        index: 1,
        reason: "the message header is not shown by the trace",
      };
    }
    addressText = straceMsgName(msg);
    if (addressText === undefined) return undefined; // msg_name=NULL: a connected socket
  }
  const sockaddr = addressText === undefined ? undefined : straceSockaddr(addressText);
  if (sockaddr === undefined) {
    return { kind: "undecided", index, reason: "the socket address is not shown by the trace" };
  }
  if (sockaddr.family !== "inet" && sockaddr.family !== "inet6") return undefined;
  const protocol = protocolOf(call, state);
  if (protocol === undefined) {
    return {
      kind: "undecided",
      index: 0,
      reason: `the protocol of socket ${
        texts[0]
      } is unknown (its socket() call is not in the trace; record with strace -yy)`,
    };
  }
  if (protocol === "other") return undefined;
  const netOp = op === "connect" ? "connect" : op === "bind" ? "bind" : "sendmsg";
  // The cgroup sendmsg hooks see unconnected UDP sends; a TCP send's address is ignored.
  if (netOp === "sendmsg" && protocol !== "udp") return undefined;
  return {
    kind: "network",
    check: { op: netOp, protocol, address: sockaddr.address!, port: sockaddr.port! },
  };
}

/**
 * Follows `call` in `state` (working directory, sockets) and returns what it touches, or
 * `undefined` when it touches nothing the path and network rules decide.
 *
 * @param call a traced call
 * @param state its process's state, updated
 * @param want whether paths and network operations are wanted (default both); what is not
 *   wanted is neither decoded nor followed
 * @returns the accesses, or `undefined`
 *
 * @example
 * ```ts
 * import { straceCallAccess } from "./strace_access.ts";
 * import { StraceParser } from "@cordon/cordon";
 * import type { TraceCall, TraceItem } from "@cordon/cordon";
 * const items: TraceItem[] = [];
 * const parser = new StraceParser();
 * parser.push('7 chdir("/tmp") = 0', 1, items);
 * parser.push('7 openat(AT_FDCWD, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3', 2, items);
 * const state = { cwd: undefined, sockets: new Map() };
 * const [chdir, open] = items as TraceCall[];
 * straceCallAccess(chdir!, state);
 * const access = straceCallAccess(open!, state);
 * if (access?.kind !== "paths" || access.path !== "/tmp/out.txt" || access.checks[0]!.access !== "write") {
 *   throw new Error(JSON.stringify(access));
 * }
 * ```
 */
export function straceCallAccess(
  call: TraceCall,
  state: AccessState,
  want: { readonly paths: boolean; readonly network: boolean } = { paths: true, network: true },
): StraceAccess | undefined {
  const spec = call.name === null ? undefined : CALLS.get(call.name);
  if (spec === undefined) return undefined;
  switch (spec.kind) {
    case "state":
      // The working directory matters to paths; sockets to the network.
      if (spec.op === "chdir" || spec.op === "fchdir" ? want.paths : want.network) {
        updateState(spec.op, call, state);
      }
      return undefined;
    case "file":
      return want.paths ? fileAccess(spec, call, state) : undefined;
    case "net":
      return want.network ? netAccess(spec.op, call, state) : undefined;
  }
}
