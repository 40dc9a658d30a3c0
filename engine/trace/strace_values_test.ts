import assert from "node:assert/strict";
import {
  straceDecoration,
  straceMsgName,
  straceSockaddr,
  straceString,
  straceStructFlags,
} from "./strace_values.ts";

Deno.test("straceString() decodes strace's escapes and refuses strings it cut short", {
  permissions: "none",
}, () => {
  assert.equal(straceString('"/tmp/a\\"b\\\\c\\td"'), '/tmp/a"b\\c\td');
  assert.equal(straceString('"\\x2f\\164mp"'), "/tmp");
  assert.equal(straceString('"caf\\303\\251"'), "café");
  assert.equal(straceString('"/tmp/a"...'), undefined);
  assert.equal(straceString('"/a"b"'), undefined);
  assert.equal(straceString("0x7ffc1234"), undefined);
  assert.equal(straceString("NULL"), undefined);
});

Deno.test("straceSockaddr() decodes IPv4, IPv6, Unix and other families", {
  permissions: "none",
}, () => {
  assert.deepEqual(
    straceSockaddr('{sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}'),
    { family: "inet", address: "0.0.0.0", port: 0 },
  );
  assert.deepEqual(
    straceSockaddr(
      '{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}',
    ),
    { family: "inet6", address: "2001:db8::1", port: 443 },
  );
  assert.deepEqual(straceSockaddr('{sa_family=AF_UNIX, sun_path="/run/x.sock"}'), {
    family: "unix",
    address: "/run/x.sock",
  });
  assert.deepEqual(straceSockaddr('{sa_family=AF_UNIX, sun_path=@"abstract"}'), {
    family: "unix",
    address: "@abstract",
  });
  assert.deepEqual(straceSockaddr('{sa_family=AF_UNSPEC, sa_data=""}'), { family: "unspec" });
  assert.deepEqual(straceSockaddr("{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}"), {
    family: "other",
  });
  assert.equal(straceSockaddr("0x7ffd2c10"), undefined);
  assert.equal(straceSockaddr("{sa_family=AF_INET, sin_port=htons(80)}"), undefined);
});

Deno.test("decorations, msg_name and struct flags are read from strace's text", {
  permissions: "none",
}, () => {
  assert.equal(straceDecoration("3</tmp/a\\nb>"), "/tmp/a\nb");
  assert.equal(straceDecoration("AT_FDCWD</>"), "/");
  assert.equal(straceDecoration("AT_FDCWD"), undefined);
  assert.equal(straceMsgName("{msg_name=NULL, msg_namelen=0}"), undefined);
  assert.equal(
    straceMsgName('{msg_name={sa_family=AF_UNIX, sun_path="/a}b"}, msg_namelen=8}'),
    '{sa_family=AF_UNIX, sun_path="/a}b"}',
  );
  assert.equal(straceStructFlags("{flags=O_RDONLY, resolve=RESOLVE_BENEATH}"), "O_RDONLY");
  assert.equal(straceStructFlags("0x7ffc"), undefined);
});
