/**
 * The grammars of the policy language's string values, without the parser's state: absolute and
 * policy-relative paths, device entries, Unix socket entries, network endpoints with their ports
 * and canonical addresses, and symbolic constants. Each returns the canonical value or why the
 * text is not one; `parse.ts` reports the reason at the value's location.
 *
 * Network endpoints (`spec.network.connect`, `spec.network.bind`) follow this grammar:
 * ```
 * endpoint = [proto "/"] rest
 * proto    = "tcp" | "udp"                         ; absent: any protocol
 * rest     = ports                                 ; "443", "8000-8080": any address
 *          | ipv4 ["/" prefix] [":" ports]         ; "127.0.0.1:5432", "10.0.0.0/8:443", "10.0.0.0/8"
 *          | "[" ipv6 ["/" prefix] "]" [":" ports] ; "[::1]:8080", "[fd00::/8]:53"
 *          | ipv6 ["/" prefix]                     ; "::1", "fd00::/8" (no port without brackets)
 * ports    = port ["-" port]                       ; 1-65535, inclusive, first <= last
 * ```
 * IPv4 octets are decimal without leading zeros; a prefix may not leave host bits set
 * (`10.0.0.1/8` is an error); IPv6 addresses are stored in canonical form (`[0::1]` → `::1`).
 *
 * @module
 */

import { hostBitsSet, parseIpAddress } from "./ip_address.ts";
import { ARCHES } from "./types.ts";
import type { NetworkEndpoint, UnixSocketRule } from "./types.ts";
import { resolveConstant } from "./constants.ts";
import { q } from "./_parse_context.ts";

/** Why `value` is not an absolute path a rule can name, or `undefined`. */
export function pathProblem(value: string): string | undefined {
  if (!value.startsWith("/")) return "not absolute";
  if (value.includes("\0")) return "contains a NUL character";
  if (value.split("/").includes("..")) return 'contains ".."';
  return undefined;
}

/**
 * A `spec.filesystem` path as the rules take it: absolute as written, or, written relative
 * (leading `./` and `../` components, then no `..`), resolved lexically beneath `baseDir` (the
 * policy file's directory); a `problem` when neither applies.
 */
export function policyPath(
  value: string,
  baseDir: string | undefined,
): { path: string; problem?: string } {
  if (value.startsWith("/")) {
    const problem = pathProblem(value);
    return problem === undefined ? { path: value } : { path: value, problem };
  }
  if (!value.startsWith("./") && !value.startsWith("../")) {
    return { path: value, problem: 'not absolute (a relative path starts with "./" or "../")' };
  }
  if (baseDir === undefined || !baseDir.startsWith("/")) {
    return {
      path: value,
      problem: "a relative path is taken from the policy file's directory, and this policy has " +
        "none (a builtin profile, standard input or a text in memory)",
    };
  }
  if (value.includes("\0")) return { path: value, problem: "contains a NUL character" };
  const parts = value.split("/");
  const out: string[] = [];
  for (const part of baseDir.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "" && part !== ".") out.push(part);
  }
  let i = 0;
  for (; i < parts.length && (parts[i] === "." || parts[i] === ".."); i++) {
    if (parts[i] === "..") out.pop();
  }
  const rest = parts.slice(i).filter((p) => p !== "" && p !== ".");
  if (rest.includes("..")) {
    return { path: value, problem: 'contains ".." after its leading "./" and "../"' };
  }
  return { path: `/${[...out, ...rest].join("/")}` };
}

/** An absolute path without empty and `.` components; a trailing `/` kept when `keepSlash`. */
export function normalisePath(value: string, keepSlash: boolean): string {
  const parts = value.split("/").filter((p) => p !== "" && p !== ".");
  const dir = keepSlash && parts.length > 0 && /\/\.?$/.test(value);
  return `/${parts.join("/")}${dir ? "/" : ""}`;
}

/** The most bytes of a pathname or abstract socket address (`sun_path` less its final NUL). */
export const SUN_PATH_MAX = 107;
/** The largest major and minor device numbers (12 and 20 bits). */
const MAJOR_MAX = 4095;
const MINOR_MAX = 1048575;

/**
 * A `spec.privileges.devices` entry in canonical form (`/dev/fuse`, `c 10:229`, `b 8:*`), or
 * `"!reason"`.
 */
export function parseDevice(text: string): string {
  if (text.startsWith("/")) {
    const problem = pathProblem(text);
    if (problem !== undefined) return `!${problem}`;
    const path = normalisePath(text, false);
    return path === "/" ? "!names no device" : path;
  }
  const m = /^([cb])\s+([0-9]+):([0-9]+|\*)$/.exec(text.trim());
  if (m === null) {
    return '!expected a device path such as "/dev/fuse", or "c MAJOR:MINOR" (character) or ' +
      '"b MAJOR:MINOR" (block), "*" for any minor';
  }
  const major = Number(m[2]);
  if (m[2]!.length > 7 || major > MAJOR_MAX) return `!major ${m[2]} is above ${MAJOR_MAX}`;
  if (m[3] !== "*" && (m[3]!.length > 8 || Number(m[3]) > MINOR_MAX)) {
    return `!minor ${m[3]} is above ${MINOR_MAX}`;
  }
  return `${m[1]} ${major}:${m[3] === "*" ? "*" : Number(m[3])}`;
}

/** A `spec.network.unix` entry (grammar in the module comment), or why it is not one. */
export function parseUnixSocket(text: string): Omit<UnixSocketRule, "loc" | "text"> | string {
  if (text.startsWith("@")) {
    const name = text.slice(1);
    if (name === "") return 'no name after "@"';
    if (name.includes("\0")) return "contains a NUL character";
    if (new TextEncoder().encode(name).length > SUN_PATH_MAX) {
      return `longer than ${SUN_PATH_MAX} bytes`;
    }
    return { kind: "abstract", name };
  }
  if (!text.startsWith("/")) return 'expected an absolute path or "@" and an abstract name';
  const problem = pathProblem(text);
  if (problem !== undefined) return problem;
  const name = normalisePath(text, true);
  if (!name.endsWith("/") && new TextEncoder().encode(name).length > SUN_PATH_MAX) {
    return `longer than ${SUN_PATH_MAX} bytes (a socket address cannot hold it)`;
  }
  return { kind: "path", name };
}

// ---------------------------------------------------------------------------------------------
// Argument values

const constantCache = new Map<string, bigint | string>();

/** The value of a symbolic constant on every architecture, or why it has none. */
export function constantValue(name: string): bigint | string {
  const cached = constantCache.get(name);
  if (cached !== undefined) return cached;
  const values = new Map<string, bigint>();
  for (const arch of ARCHES) {
    const v = resolveConstant(name, arch);
    if (v !== undefined) values.set(arch, v);
  }
  const distinct = new Set(values.values());
  let out: bigint | string;
  if (distinct.size === 0) {
    out = "unknown";
  } else if (distinct.size > 1) {
    const list = [...values].map(([arch, v]) => `${arch} 0x${v.toString(16)}`).join(", ");
    out = `differs between architectures (${list}); write the number for the architecture meant`;
  } else {
    out = [...distinct][0]!;
  }
  constantCache.set(name, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Network endpoints (grammar in the module comment)

/** An endpoint without its location and text. */
export type ParsedEndpoint = Omit<NetworkEndpoint, "loc" | "text">;

/** A network endpoint (grammar in the module doc), or why `text` is not one. */
export function parseEndpoint(text: string): ParsedEndpoint | string {
  let rest = text;
  let protocol: NetworkEndpoint["protocol"] = "any";
  const slash = /^(tcp|udp)\//.exec(rest);
  if (slash !== null) {
    protocol = slash[1] as "tcp" | "udp";
    rest = rest.slice(slash[0].length);
  }
  if (rest === "") return "nothing after the protocol";
  if (/^[0-9]+(-[0-9]+)?$/.test(rest)) {
    const ports = parsePorts(rest);
    return typeof ports === "string" ? ports : { protocol, ports };
  }
  let host: string;
  let portText: string | undefined;
  let v6: boolean;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) return 'missing "]"';
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) return `unexpected ${q(after)} after "]"`;
    if (after !== "") portText = after.slice(1);
    v6 = true;
  } else if (rest.indexOf(":") !== rest.lastIndexOf(":")) {
    host = rest;
    v6 = true;
  } else {
    const colon = rest.indexOf(":");
    host = colon === -1 ? rest : rest.slice(0, colon);
    if (colon !== -1) portText = rest.slice(colon + 1);
    v6 = false;
  }
  const address = canonicalAddress(host, v6);
  if (address.startsWith("!")) return address.slice(1);
  if (portText === undefined) return { protocol, address };
  const ports = parsePorts(portText);
  return typeof ports === "string" ? ports : { protocol, address, ports };
}

/** A port or inclusive port range, or why `text` is not one. */
export function parsePorts(text: string): readonly [number, number] | string {
  const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(text);
  if (m === null) return `bad port ${q(text)}`;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535) {
    return `port out of range 1-65535 in ${q(text)}`;
  }
  if (lo > hi) return `port range ${q(text)} is reversed`;
  return [lo, hi];
}

/**
 * The canonical address of an endpoint (with `/prefix` if given), or `"!reason"`: IPv6 when it
 * was written as one (`v6`: brackets or several colons), else IPv4.
 */
export function canonicalAddress(text: string, v6: boolean): string {
  const [addr = "", prefix, extra] = text.split("/");
  const family = v6 ? "IPv6" : "IPv4";
  if (extra !== undefined) return `!bad ${family} address ${q(text)}`;
  const parsed = parseIpAddress(addr);
  if (parsed === undefined || parsed.v4 === v6) {
    if (!v6 && /^\d+(\.\d+){3}$/.test(addr) && /(^|\.)0\d/.test(addr)) {
      return `!leading zero in IPv4 address ${q(addr)}`;
    }
    return `!bad ${family} address ${q(addr)}`;
  }
  if (prefix === undefined) return parsed.text;
  const bits = v6 ? 128 : 32;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return `!bad prefix length ${q(prefix)} (0-${bits})`;
  }
  if (hostBitsSet(parsed, Number(prefix))) return `!${q(`${addr}/${prefix}`)} has host bits set`;
  return `${parsed.text}/${Number(prefix)}`;
}
