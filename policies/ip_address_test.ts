import * as assert from "node:assert/strict";
import { isIP } from "node:net";
import { formatIpAddress, hostBitsSet, parseIpAddress, parseIpCidr } from "./ip_address.ts";

const SAMPLES = [
  "0.0.0.0",
  "127.0.0.1",
  "255.255.255.255",
  "256.0.0.1",
  "1.2.3",
  "1.2.3.4.5",
  "::",
  "::1",
  "fe80::1",
  "2001:DB8::8:800:200C:417A",
  "::ffff:10.0.0.1",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  "12345::",
  "fe80::1%eth0",
  "",
  "localhost",
  " 1.2.3.4",
];

Deno.test("parseIpAddress() accepts what node:net's isIP accepts, but no zone index", () => {
  for (const text of SAMPLES) {
    const ours = parseIpAddress(text);
    const theirs = text.includes("%") ? 0 : isIP(text);
    assert.equal(ours === undefined ? 0 : ours.v4 ? 4 : 6, theirs, text);
  }
  // node accepts no leading zeros either; we also refuse them (no octal reading)
  assert.equal(isIP("010.0.0.1"), 0);
  assert.equal(parseIpAddress("010.0.0.1"), undefined);
});

Deno.test("formatIpAddress() prints what parseIpAddress() read, canonically", () => {
  for (const text of SAMPLES) {
    const parsed = parseIpAddress(text);
    if (!parsed) continue;
    const family = parsed.v4 ? 2 : 10;
    const text2 = formatIpAddress(family, parsed.v4 ? parsed.bytes.subarray(12) : parsed.bytes);
    assert.equal(text2, parsed.text, text);
    assert.deepEqual(parseIpAddress(text2!)?.bytes, parsed.bytes, text);
  }
  assert.equal(parseIpAddress("2001:DB8:0:0:8:800:200C:417A")?.text, "2001:db8::8:800:200c:417a");
});

Deno.test("parseIpCidr() checks the prefix range and host bits in the address's own width", () => {
  const c = parseIpCidr("10.0.0.0/8");
  assert.ok(typeof c !== "string" && c.prefix === 8);
  assert.match(parseIpCidr("10.0.0.1/8") as string, /host bits/);
  assert.match(parseIpCidr("10.0.0.0/33") as string, /prefix length/);
  assert.ok(typeof parseIpCidr("fd00::/8") !== "string");
  assert.match(parseIpCidr("fd00::1/64") as string, /host bits/);
  const v4 = parseIpAddress("10.0.0.1")!;
  assert.equal(hostBitsSet(v4, 32), false);
  assert.equal(hostBitsSet(v4, 31), true);
});
