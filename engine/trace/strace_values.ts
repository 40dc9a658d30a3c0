/**
 * Decoders for the values strace shows behind pointers, which syscall filters cannot see but
 * path and network rules decide on: quoted strings (paths), `-y` fd decorations (`3</etc>`,
 * `AT_FDCWD</home/u>`, `3<TCP:[1234]>` with `-yy`), socket addresses
 * (`{sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}` and the
 * `inet_pton(AF_INET6, …)` form), `msg_name` of `sendmsg`, and the `flags=` of `openat2`'s
 * `struct open_how`. Each returns `undefined` when the text does not give the value (a string
 * cut short with `...`, an address strace could not read): never a guessed value.
 *
 * @module
 */

/** A socket address as strace shows it. */
export interface StraceSockaddr {
  /** `inet`, `inet6`, `unix`, `unspec` or `other` (any other `AF_*`). */
  readonly family: "inet" | "inet6" | "unix" | "unspec" | "other";
  /** The IP address as text, or the socket path for `unix`. */
  readonly address?: string;
  /** The port (host byte order), for `inet`/`inet6`. */
  readonly port?: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  "\\": 92,
  '"': 34,
  "'": 39,
  "?": 63,
};

/**
 * Decodes a C string as strace prints it (`"/tmp/a\\nb"`, with `\\xHH` and octal escapes for
 * other bytes, UTF-8 inside). Returns `undefined` for text that is not one complete quoted
 * string (strace marks a string cut short by `-s` with `...` after the closing quote; paths are
 * never cut).
 *
 * @example
 * ```ts
 * import { straceString } from "./strace_values.ts";
 * if (straceString('"/tmp/a b\\303\\251"') !== "/tmp/a bé") throw new Error();
 * if (straceString('"/tmp/ab"...') !== undefined || straceString("0x7ffd") !== undefined) throw new Error();
 * ```
 */
export function straceString(text: string): string | undefined {
  const t = text.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 34 || t.charCodeAt(t.length - 1) !== 34) return undefined;
  const body = t.slice(1, -1);
  if (!body.includes("\\")) return body.includes('"') ? undefined : body;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') return undefined;
    if (c !== "\\") {
      const code = body.charCodeAt(i);
      if (code < 0x80) bytes.push(code);
      else bytes.push(...encoder.encode(c));
      continue;
    }
    const next = body[++i];
    if (next === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      bytes.push(simple);
    } else if (next === "x") {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1, i + 3));
      if (hex === null) return undefined;
      bytes.push(parseInt(hex[0], 16));
      i += hex[0].length;
    } else if (next >= "0" && next <= "7") {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))!;
      bytes.push(parseInt(oct[0], 8) & 0xff);
      i += oct[0].length - 1;
    } else {
      return undefined;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/**
 * The text of a `-y`/`-yy` decoration: `"/etc"` for `3</etc>` or `AT_FDCWD</etc>`,
 * `"TCP:[1234]"` for `3<TCP:[1234]>`; `undefined` without one.
 *
 * @example
 * ```ts
 * import { straceDecoration } from "./strace_values.ts";
 * if (straceDecoration("AT_FDCWD</home/u>") !== "/home/u") throw new Error();
 * if (straceDecoration("3<TCPv6:[99]>") !== "TCPv6:[99]" || straceDecoration("3") !== undefined) throw new Error();
 * ```
 */
export function straceDecoration(text: string): string | undefined {
  const t = text.trim();
  const open = t.indexOf("<");
  if (open <= 0 || !t.endsWith(">")) return undefined;
  const value = t.slice(open + 1, -1);
  // strace escapes special characters of decorated paths like string contents.
  return value.includes("\\") ? straceString(`"${value.replaceAll('"', '\\"')}"`) : value;
}

const FAMILY = /sa_family=(AF_[A-Z0-9]+)/;
const PORT = /sin6?_port=htons\((\d+)\)/;
const INET_ADDR = /sin_addr=inet_addr\(("(?:[^"\\]|\\.)*")\)/;
const INET6_ADDR = /inet_pton\(AF_INET6, ("(?:[^"\\]|\\.)*"), &sin6_addr\)/;
const SUN_PATH = /sun_path=(@?)("(?:[^"\\]|\\.)*")/;

/**
 * Decodes a socket address as strace prints it. Returns `undefined` when the text is not a
 * sockaddr strace could read (a bare pointer, `NULL`), or an `inet`/`inet6` one without a
 * readable address and port.
 *
 * @example
 * ```ts
 * import { straceSockaddr } from "./strace_values.ts";
 * const v4 = straceSockaddr('{sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}');
 * if (v4?.family !== "inet" || v4.address !== "1.2.3.4" || v4.port !== 443) throw new Error();
 * const v6 = straceSockaddr('{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}');
 * if (v6?.address !== "::1" || v6.port !== 53) throw new Error();
 * ```
 */
export function straceSockaddr(text: string): StraceSockaddr | undefined {
  const t = text.trim();
  if (!t.startsWith("{")) return undefined;
  const family = FAMILY.exec(t)?.[1];
  if (family === undefined) return undefined;
  if (family === "AF_INET" || family === "AF_INET6") {
    const port = PORT.exec(t);
    const addr = (family === "AF_INET" ? INET_ADDR : INET6_ADDR).exec(t);
    const address = addr === null ? undefined : straceString(addr[1]!);
    if (port === null || address === undefined) return undefined;
    return { family: family === "AF_INET" ? "inet" : "inet6", address, port: Number(port[1]) };
  }
  if (family === "AF_UNIX") {
    const m = SUN_PATH.exec(t);
    const path = m === null ? undefined : straceString(m[2]!);
    return { family: "unix", ...(path === undefined ? {} : { address: `${m![1]}${path}` }) };
  }
  return { family: family === "AF_UNSPEC" ? "unspec" : "other" };
}

/**
 * The `msg_name` of a `struct msghdr` as strace prints it for `sendmsg`, or `undefined` when it
 * has none (`msg_name=NULL`) or strace did not show it.
 *
 * @example
 * ```ts
 * import { straceMsgName } from "./strace_values.ts";
 * const m = straceMsgName('{msg_name={sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, msg_namelen=16, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}');
 * if (m !== '{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}') throw new Error(m);
 * ```
 */
export function straceMsgName(text: string): string | undefined {
  const at = text.indexOf("msg_name={");
  if (at === -1) return undefined;
  const start = at + "msg_name=".length;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) i++;
      }
    } else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/**
 * The `flags=` member of a struct as strace prints it (`openat2`'s `struct open_how`), as text
 * (`"O_RDONLY|O_CLOEXEC"`), or `undefined`.
 *
 * @example
 * ```ts
 * import { straceStructFlags } from "./strace_values.ts";
 * if (straceStructFlags("{flags=O_WRONLY|O_CREAT, mode=0644, resolve=0}") !== "O_WRONLY|O_CREAT") throw new Error();
 * ```
 */
export function straceStructFlags(text: string): string | undefined {
  const m = /[{ ]flags=([^,}]+)/.exec(text);
  return m === null ? undefined : m[1]!.trim();
}
