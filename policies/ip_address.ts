/**
 * One model of IP addresses for the whole tree: the policy parser's endpoints, the BPF map
 * encoders' 16-byte keys and the kernel events' addresses all parse and print through here,
 * on top of `ipaddr.js` (a kept parser, also used by Express and others).
 *
 * Stricter than `ipaddr.js`'s own `parse`: IPv4 only in four-part decimal without leading zeros
 * (`010.0.0.1` is not read as octal, `1.2.3` is not an address), IPv6 in its standard forms
 * (with an optional `[…]`, an embedded IPv4 tail allowed, no zone). Text out is canonical:
 * dotted decimal, or RFC 5952 (lower case, the longest run of zero groups as `::`).
 *
 * @module
 */

// An inline versioned npm: specifier, so the package imports with no config (docs/package.md).
// deno-lint-ignore no-import-prefix
import ipaddr from "npm:ipaddr.js@2.2.0";

/** A parsed address. */
export interface IpAddress {
  /** IPv4 (stored IPv4-mapped in `bytes`) or IPv6. */
  readonly v4: boolean;
  /** 16 bytes, network order; IPv4 as `::ffff:a.b.c.d`. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The canonical text. */
  readonly text: string;
}

/** An address with a prefix length (in the address's own bits: 0-32 or 0-128). */
export interface IpCidr {
  readonly address: IpAddress;
  readonly prefix: number;
}

function fromParsed(parsed: ipaddr.IPv4 | ipaddr.IPv6): IpAddress {
  const bytes = new Uint8Array(16);
  if (parsed.kind() === "ipv4") {
    bytes[10] = bytes[11] = 0xff;
    bytes.set(parsed.toByteArray(), 12);
    return { v4: true, bytes, text: parsed.toString() };
  }
  bytes.set(parsed.toByteArray());
  return { v4: false, bytes, text: (parsed as ipaddr.IPv6).toRFC5952String() };
}

/**
 * Parses an IPv4 or IPv6 address (no prefix); undefined when `text` is not one.
 *
 * @param text the address (`10.0.0.1`, `::1`, `[fe80::1]`, `::ffff:1.2.3.4`)
 * @returns the address, or undefined
 *
 * @example
 * ```ts
 * import { parseIpAddress } from "./ip_address.ts";
 * if (parseIpAddress("10.0.0.1")?.bytes[10] !== 0xff || parseIpAddress("[::1]")?.bytes[15] !== 1) {
 *   throw new Error();
 * }
 * if (parseIpAddress("010.0.0.1") !== undefined || parseIpAddress("1.2.3") !== undefined) throw new Error();
 * if (parseIpAddress("2001:DB8:0:0:0::1")?.text !== "2001:db8::1") throw new Error();
 * ```
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return fromParsed(ipaddr.IPv4.parse(text));
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!/^[0-9A-Fa-f:.]+$/.test(bare) || !bare.includes(":")) return undefined;
  if (!ipaddr.IPv6.isValid(bare)) return undefined;
  const dotted = /:([^:]+)$/.exec(bare)?.[1];
  if (dotted?.includes(".") && !ipaddr.IPv4.isValidFourPartDecimal(dotted)) return undefined;
  return fromParsed(ipaddr.IPv6.parse(bare));
}

/**
 * Parses `address/prefix`, or a reason it is not one (bad address, prefix out of range, host
 * bits set).
 *
 * @param text the CIDR (`10.0.0.0/8`, `fd00::/8`)
 * @returns the CIDR, or the reason as a string
 *
 * @example
 * ```ts
 * import { parseIpCidr } from "./ip_address.ts";
 * const c = parseIpCidr("10.0.0.0/8");
 * if (typeof c === "string" || c.prefix !== 8 || !c.address.v4) throw new Error();
 * if (typeof parseIpCidr("10.0.0.1/8") !== "string") throw new Error("host bits");
 * ```
 */
export function parseIpCidr(text: string): IpCidr | string {
  const [addr = "", prefix, extra] = text.split("/");
  if (prefix === undefined || extra !== undefined) return `bad CIDR ${JSON.stringify(text)}`;
  const address = parseIpAddress(addr);
  if (!address) return `bad address ${JSON.stringify(addr)}`;
  const bits = address.v4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return `bad prefix length ${JSON.stringify(prefix)} (0-${bits})`;
  }
  const n = Number(prefix);
  if (hostBitsSet(address, n)) return `${JSON.stringify(`${addr}/${prefix}`)} has host bits set`;
  return { address, prefix: n };
}

/** Whether `address` has bits set beyond the first `prefix` of its own (32 or 128) bits. */
export function hostBitsSet(address: IpAddress, prefix: number): boolean {
  const start = address.v4 ? 96 + prefix : prefix;
  for (let bit = start; bit < 128; bit++) {
    if (address.bytes[bit >> 3]! & (0x80 >> (bit & 7))) return true;
  }
  return false;
}

/**
 * An address of a kernel record as text: `family` 2 (AF_INET, the first 4 bytes of `addr`) or
 * 10 (AF_INET6, 16 bytes); undefined for another family.
 *
 * @param family the address family
 * @param addr the address bytes, network order
 * @returns the canonical text, or undefined
 *
 * @example
 * ```ts
 * import { formatIpAddress } from "./ip_address.ts";
 * if (formatIpAddress(2, new Uint8Array([127, 0, 0, 1])) !== "127.0.0.1") throw new Error();
 * const v6 = new Uint8Array(16);
 * v6[15] = 1;
 * if (formatIpAddress(10, v6) !== "::1" || formatIpAddress(1, v6) !== undefined) throw new Error();
 * ```
 */
export function formatIpAddress(family: number, addr: Uint8Array): string | undefined {
  if (family === 2) return ipaddr.fromByteArray([...addr.subarray(0, 4)]).toString();
  if (family === 10) {
    return (ipaddr.fromByteArray([...addr.subarray(0, 16)]) as ipaddr.IPv6).toRFC5952String();
  }
  return undefined;
}
