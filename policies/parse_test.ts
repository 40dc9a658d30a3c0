import { parsePolicies } from "./parse.ts";
import { PolicyError, type PolicyErrorCode, PolicyErrors } from "./errors.ts";
import { readYaml, readYamlFull } from "./_yaml_tree.ts";
import type { Policy } from "./types.ts";
import { fail } from "node:assert/strict";

function equal(actual: unknown, expected: unknown, what = "value"): void {
  const a = JSON.stringify(actual, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  const e = JSON.stringify(expected, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  if (a !== e) fail(`${what}:\n  actual   ${a}\n  expected ${e}`);
}

/** The errors `parsePolicies` throws for `text` (fails if it does not throw PolicyErrors). */
function errorsOf(text: string, file = "p.yaml"): PolicyError[] {
  try {
    parsePolicies(text, file);
  } catch (e) {
    if (e instanceof PolicyErrors) return e.errors;
    throw e;
  }
  return fail(`expected PolicyErrors for:\n${text}`);
}

/** A policy's first five lines, ending in `spec:` and a default action; the body starts at line 6. */
const HEAD =
  "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  defaultAction: allow\n";
/** The same without a default action (`spec:` on line 5, the body from line 6). */
const BARE = "apiVersion: cordon/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n";

const WEB_SERVER = `# yaml-language-server: $schema=../policies/policy.schema.json
apiVersion: cordon/v1
kind: Policy
metadata:
  name: web-server
  description: Node web server with read-only system files and outbound HTTPS only
spec:
  extends: [builtin:baseline]
  target:
    pids: [1234]
    comms: [node]
    executables: [/usr/bin/node]
    cgroups: [/sys/fs/cgroup/unified/web]
    uids: [1000]
  defaultAction: deny
  defaultErrno: EPERM
  mode: enforce
  capabilities:
    allow: [fs.read, net.client]
    deny: [proc.debug]
  rules:
    - id: no-packet-sockets
      syscalls: [socket]
      action: deny
      errno: EACCES
      priority: 100
      args:
        - { index: 0, op: eq, value: AF_PACKET }
    - syscalls: [ptrace, 101]
      action: kill
      priority: 1000
    - syscalls: [openat]
      action: allow
      args:
        - index: 2
          op: masked_eq
          mask: "O_WRONLY | O_RDWR"
          value: 0
        - { index: 3, op: ne, value: -1 }
  filesystem:
    read: [/usr, /lib]
    write: [/tmp/app]
    execute: [/usr/bin/node]
    minAbi: 3
  network:
    connect: ["tcp/443", "127.0.0.1:5432", "tcp/10.0.0.0/8:443", "[::1]:8080", "udp/8000-8080", "fd00::/8"]
    bind: ["tcp/8080"]
  limits:
    syscallsPerSecond: { max: 100000, action: log }
`;

Deno.test("parsePolicies() turns the format's example into the policy model", {
  permissions: "none",
}, () => {
  const { policies } = parsePolicies(WEB_SERVER, "web.yaml");
  equal(policies.length, 1, "policies");
  const p = policies[0]!;
  equal(p.name, "web-server");
  equal(p.loc, { file: "web.yaml", line: 5, column: 9 }, "policy loc");
  equal(p.description, "Node web server with read-only system files and outbound HTTPS only");
  equal(p.extends, [{ name: "builtin:baseline", loc: { file: "web.yaml", line: 8, column: 13 } }]);
  equal(p.target, {
    pids: [1234],
    comms: ["node"],
    executables: ["/usr/bin/node"],
    cgroups: ["/sys/fs/cgroup/unified/web"],
    uids: [1000],
  });
  equal([p.defaultAction, p.defaultErrno, p.mode], ["deny", 1, "enforce"]);
  equal(p.explicit, { defaultAction: true, defaultErrno: true, mode: true });
  equal(p.capabilities.allow.map((c) => [c.name, c.loc.line, c.loc.column]), [
    ["fs.read", 19, 13],
    ["net.client", 19, 22],
  ]);
  equal(p.capabilities.deny.map((c) => c.name), ["proc.debug"]);
  const [r0, r1, r2] = p.rules;
  equal(r0, {
    id: "no-packet-sockets",
    policy: "web-server",
    origin: "rule",
    syscalls: [{ kind: "name", name: "socket", loc: { file: "web.yaml", line: 23, column: 18 } }],
    action: "deny",
    priority: 100,
    args: [{ index: 0, op: "eq", value: 17n, loc: { file: "web.yaml", line: 28, column: 11 } }],
    loc: { file: "web.yaml", line: 22, column: 7 },
    errno: 13,
  });
  equal(r1?.id, "web-server#1", "default id");
  equal(r1?.syscalls.map((s) => s.kind === "number" ? s.nr : s.name), ["ptrace", 101]);
  equal([r1?.action, r1?.priority, r1?.errno], ["kill", 1000, undefined]);
  equal(r2?.priority, 0, "default priority");
  equal(r2?.args.map((a) => [a.index, a.op, a.value, a.mask]), [
    [2, "masked_eq", 0n, 3n],
    [3, "ne", 0xffffffffffffffffn, undefined],
  ]);
  equal(p.filesystem, {
    read: ["/usr", "/lib"],
    write: ["/tmp/app"],
    execute: ["/usr/bin/node"],
    loc: { file: "web.yaml", line: 40, column: 3 },
    minAbi: 3,
  });
  equal(
    p.network?.connect.map((e) => [e.text, e.protocol, e.address, e.ports]),
    [
      ["tcp/443", "tcp", undefined, [443, 443]],
      ["127.0.0.1:5432", "any", "127.0.0.1", [5432, 5432]],
      ["tcp/10.0.0.0/8:443", "tcp", "10.0.0.0/8", [443, 443]],
      ["[::1]:8080", "any", "::1", [8080, 8080]],
      ["udp/8000-8080", "udp", undefined, [8000, 8080]],
      ["fd00::/8", "any", "fd00::/8", undefined],
    ],
  );
  equal(p.network?.bind.map((e) => e.text), ["tcp/8080"]);
  equal(p.limits, {
    syscallsPerSecond: {
      max: 100000,
      action: "log",
      loc: { file: "web.yaml", line: 49, column: 5 },
    },
  });
});

Deno.test("parsePolicies() fills in defaults and records what was not written", {
  permissions: "none",
}, () => {
  const { policies } = parsePolicies(
    BARE + "  extends: [builtin:baseline]\n  rules:\n    - { syscalls: [read], action: deny }\n",
    "d.yaml",
  );
  const p: Policy = policies[0]!;
  equal([p.defaultAction, p.defaultErrno, p.mode], ["allow", 1, "enforce"]);
  equal(p.explicit, { defaultAction: false, defaultErrno: false, mode: false });
  equal([p.target, p.filesystem, p.network, p.limits, p.privileges, p.memory], [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  equal(p.rules[0]?.id, "p#0");
  equal(p.rules[0]?.errno, undefined);
});

Deno.test("parsePolicies() reads every document of a multi-document file", {
  permissions: "none",
}, () => {
  const doc = (name: string) =>
    `apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: ${name}}\nspec: {defaultAction: deny}\n`;
  const { policies } = parsePolicies(`---\n${doc("a")}---\n${doc("b")}---\n`, "m.yaml");
  equal(policies.map((p) => [p.name, p.loc.line]), [["a", 4], ["b", 9]]);
});

Deno.test("parsePolicies() accepts argument values in every documented form", {
  permissions: "none",
}, async (t) => {
  const cases: [string, bigint][] = [
    ["42", 42n],
    ["0x1F", 31n],
    ["0o17", 15n],
    ['"0x10"', 16n],
    ['"-1"', 0xffffffffffffffffn],
    ["-2", 0xfffffffffffffffen],
    ["AF_INET6", 10n],
    ['"O_CREAT|O_EXCL"', 0o300n],
    ["PROT_READ|PROT_WRITE", 3n],
    ["18446744073709551615", 0xffffffffffffffffn],
    ["-9223372036854775808", 0x8000000000000000n],
  ];
  for (const [written, value] of cases) {
    await t.step(written, () => {
      const text = HEAD +
        `  rules:\n    - syscalls: [socket]\n      action: deny\n      args: [{ index: 0, op: eq, value: ${written} }]\n`;
      equal(parsePolicies(text, "v.yaml").policies[0]?.rules[0]?.args[0]?.value, value, written);
    });
  }
});

/** [what, text after HEAD (spec keys at indent 2), code, line, column, text in the message]. */
const ERROR_CASES: [string, string, PolicyErrorCode, number, number, string][] = [
  ["unknown spec key", "  rulez: []\n", "unknown-key", 6, 3, '"rulez"'],
  [
    "unknown rule key",
    "  rules:\n    - syscalls: [read]\n      action: allow\n      prio: 1\n",
    "unknown-key",
    9,
    7,
    '"prio"',
  ],
  [
    "bad action",
    "  rules:\n    - syscalls: [read]\n      action: permit\n",
    "bad-value",
    8,
    15,
    '"permit"',
  ],
  ["duplicate default action", "  defaultAction: nope\n", "yaml-syntax", 6, 3, "defaultAction"],
  [
    "wrong type",
    "  rules:\n    - syscalls: read\n      action: allow\n",
    "wrong-type",
    7,
    17,
    '"read"',
  ],
  [
    "priority not integer",
    "  rules:\n    - syscalls: [read]\n      action: allow\n      priority: 1.5\n",
    "wrong-type",
    9,
    17,
    '"1.5"',
  ],
  [
    "priority out of range",
    "  rules:\n    - syscalls: [read]\n      action: allow\n      priority: 99999999999\n",
    "bad-value",
    9,
    17,
    '"99999999999"',
  ],
  [
    "unknown syscall",
    "  rules:\n    - syscalls: [read, opne]\n      action: allow\n",
    "unknown-syscall",
    7,
    24,
    '"opne"',
  ],
  [
    "unknown capability",
    "  capabilities:\n    allow: [fs.read, fs.reed]\n",
    "unknown-capability",
    7,
    22,
    '"fs.reed"',
  ],
  [
    "unknown constant",
    "  rules:\n    - syscalls: [socket]\n      action: deny\n      args: [{ index: 0, op: eq, value: AF_NOPE }]\n",
    "unknown-constant",
    9,
    41,
    '"AF_NOPE"',
  ],
  [
    "unknown constant in a combination",
    '  rules:\n    - syscalls: [openat]\n      action: deny\n      args: [{ index: 2, op: eq, value: "O_CREAT|O_NOPE" }]\n',
    "unknown-constant",
    9,
    50,
    '"O_NOPE"',
  ],
  [
    "value beyond 64 bits",
    "  rules:\n    - syscalls: [socket]\n      action: deny\n      args: [{ index: 0, op: eq, value: 0x10000000000000000 }]\n",
    "bad-arg",
    9,
    41,
    "18446744073709551616",
  ],
  [
    "string value beyond 64 bits",
    '  rules:\n    - syscalls: [socket]\n      action: deny\n      args: [{ index: 0, op: eq, value: "-9223372036854775809" }]\n',
    "bad-arg",
    9,
    42,
    "64 bits",
  ],
  [
    "arg index",
    "  rules:\n    - syscalls: [socket]\n      action: deny\n      args: [{ index: 6, op: eq, value: 1 }]\n",
    "bad-arg",
    9,
    23,
    '"6"',
  ],
  [
    "masked_eq without mask",
    "  rules:\n    - syscalls: [socket]\n      action: deny\n      args:\n        - { index: 0, op: masked_eq, value: 1 }\n",
    "bad-arg",
    10,
    11,
    '"masked_eq"',
  ],
  [
    "mask without masked_eq",
    "  rules:\n    - syscalls: [socket]\n      action: deny\n      args:\n        - { index: 0, op: eq, value: 1, mask: 3 }\n",
    "bad-arg",
    10,
    41,
    '"mask"',
  ],
  ["unknown errno", "  defaultErrno: EPERMS\n", "unknown-errno", 6, 17, '"EPERMS"'],
  [
    "errno with allow",
    "  rules:\n    - syscalls: [read]\n      action: allow\n      errno: EPERM\n",
    "bad-value",
    9,
    7,
    '"allow"',
  ],
  ["missing action", "  rules:\n    - syscalls: [read]\n", "missing-key", 7, 7, '"action"'],
  ["relative path", "  filesystem:\n    read: [usr]\n", "bad-path", 7, 12, '"usr"'],
  [
    "bad endpoint",
    '  network:\n    connect: ["tcp/70000"]\n',
    "bad-endpoint",
    7,
    15,
    '"tcp/70000"',
  ],
  ["host bits", '  network:\n    connect: ["10.0.0.1/8"]\n', "bad-endpoint", 7, 15, "host bits"],
  [
    "long comm",
    "  target:\n    comms: [abcdefghijklmnop]\n",
    "bad-value",
    7,
    13,
    '"abcdefghijklmnop"',
  ],
  ["empty pid list", "  target:\n    pids: []\n", "bad-value", 7, 11, "pids"],
  [
    "duplicate rule id",
    "  rules:\n    - { id: a, syscalls: [read], action: allow }\n    - { id: a, syscalls: [read], action: deny }\n",
    "duplicate-id",
    8,
    13,
    '"a"',
  ],
  ["duplicate key", "  mode: audit\n  mode: enforce\n", "yaml-syntax", 7, 3, '"mode"'],
  [
    "unknown Linux capability",
    "  privileges:\n    capabilities: [net_bind_service, CAP_SYS_ADMN]\n",
    "unknown-capability",
    7,
    38,
    '"CAP_SYS_ADMN" in spec.privileges.capabilities[1] (did you mean "CAP_SYS_ADMIN"?)',
  ],
  [
    "Linux capability without CAP_, misspelt",
    "  privileges:\n    capabilities: [net_bind_servce]\n",
    "unknown-capability",
    7,
    20,
    '(did you mean "CAP_NET_BIND_SERVICE"?)',
  ],
  [
    "user name",
    "  privileges:\n    user: nobody\n",
    "wrong-type",
    7,
    11,
    'spec.privileges.user must be an integer, not the string "nobody": write the numeric uid (`id -u NAME`',
  ],
  ["negative uid", "  privileges:\n    user: -1\n", "bad-value", 7, 11, '"-1"'],
  ["uid -1 as unsigned", "  privileges:\n    user: 4294967295\n", "bad-value", 7, 11, "4294967294"],
  [
    "group name",
    "  privileges:\n    group: staff\n",
    "wrong-type",
    7,
    12,
    "write the numeric gid (`id -g NAME`",
  ],
  [
    "device without a minor",
    '  privileges:\n    devices: ["/dev/fuse", "c 10"]\n',
    "bad-value",
    7,
    28,
    'bad device "c 10" in spec.privileges.devices[1]: expected a device path',
  ],
  [
    "device major out of range",
    '  privileges:\n    devices: ["b 4096:1"]\n',
    "bad-value",
    7,
    15,
    "major 4096 is above 4095",
  ],
  [
    "device minor out of range",
    '  privileges:\n    devices: ["c 1:1048576"]\n',
    "bad-value",
    7,
    15,
    "minor 1048576 is above 1048575",
  ],
  [
    "device path with ..",
    '  privileges:\n    devices: ["/dev/../sda"]\n',
    "bad-value",
    7,
    15,
    'contains ".."',
  ],
  ["device root", '  privileges:\n    devices: ["//"]\n', "bad-value", 7, 15, "names no device"],
  [
    "bad signals",
    "  privileges:\n    signals: all\n",
    "bad-value",
    7,
    14,
    '"all" for spec.privileges.signals (expected "sandbox", "any")',
  ],
  [
    "unknown privileges key",
    "  privileges:\n    capabilites: []\n",
    "unknown-key",
    7,
    5,
    '(did you mean "capabilities"?)',
  ],
  ["memory without writeExecute", "  memory: {}\n", "missing-key", 6, 3, '"writeExecute"'],
  [
    "bad writeExecute",
    "  memory: { writeExecute: maybe }\n",
    "bad-value",
    6,
    27,
    '"maybe" for spec.memory.writeExecute (expected "allow", "deny")',
  ],
  [
    "relative Unix socket",
    '  network:\n    unix: ["/run/ok.sock", "run/app.sock"]\n',
    "bad-path",
    7,
    28,
    'bad Unix socket "run/app.sock" in spec.network.unix[1]: expected an absolute path or "@"',
  ],
  ["empty abstract name", '  network:\n    unix: ["@"]\n', "bad-path", 7, 12, 'no name after "@"'],
  [
    "Unix socket path too long",
    `  network:\n    unix: ["/${"s".repeat(107)}"]\n`,
    "bad-path",
    7,
    12,
    "longer than 107 bytes",
  ],
  [
    "abstract name too long",
    `  network:\n    unix: ["@${"s".repeat(108)}"]\n`,
    "bad-path",
    7,
    12,
    "longer than 107 bytes",
  ],
  ["Unix socket with ..", '  network:\n    unix: ["/run/../x"]\n', "bad-path", 7, 12, '".."'],
  ["YAML syntax", "  rules: [\n", "yaml-syntax", 7, 1, "YAML"],
  ["tabs", "\trules: []\n", "yaml-syntax", 6, 1, "YAML"],
];

Deno.test("parsePolicies() reports each kind of error at the exact FILE:LINE:COL", {
  permissions: "none",
}, async (t) => {
  for (const [what, body, code, line, column, needle] of ERROR_CASES) {
    await t.step(what, () => {
      const errors = errorsOf(HEAD + body);
      const e = errors[0]!;
      if (e.code !== code || e.line !== line || e.column !== column) {
        fail(`${what}: got ${errors.map((x) => `${x.code} ${x.message}`).join("; ")}`);
      }
      if (!(e instanceof PolicyError) || !(e instanceof SyntaxError)) fail("wrong class");
      if (!e.message.startsWith(`p.yaml:${line}:${column}: `)) fail(e.message);
      if (!e.message.includes(needle)) fail(`${e.message} does not name ${needle}`);
      equal([e.path, e.line, e.column], ["p.yaml", line, column]);
    });
  }
});

Deno.test("parsePolicies() checks the document header", { permissions: "none" }, () => {
  const errors = errorsOf(
    "apiVersion: cordon/v2\nkind: Polcy\nmetadata:\n  name: Bad_Name\n  labels: {}\n",
  );
  equal(errors.map((e) => [e.code, e.line, e.column]), [
    ["missing-key", 1, 1],
    ["bad-value", 1, 13],
    ["bad-value", 2, 7],
    ["bad-value", 4, 9],
    ["unknown-key", 5, 3],
  ]);
  if (!errors[0]!.message.includes('"spec"')) fail(errors[0]!.message);
});

Deno.test("parsePolicies() reports every error of every document, sorted", {
  permissions: "none",
}, () => {
  const text = HEAD + "  mode: loud\n  rules:\n    - { syscalls: [nope], action: allow }\n" +
    "---\n" + BARE + "  defaultAction: never\n" +
    "---\n" + HEAD + "  bogus: 1\n";
  const errors = errorsOf(text);
  equal(errors.map((e) => [e.code, e.line]), [
    ["bad-value", 6],
    ["unknown-syscall", 8],
    ["duplicate-name", 13],
    ["bad-value", 15],
    ["duplicate-name", 19],
    ["unknown-key", 22],
  ]);
});

Deno.test("parsePolicies() rejects a name used twice in a file, naming the first place", {
  permissions: "none",
}, () => {
  const errors = errorsOf(`${HEAD}  mode: audit\n---\n${HEAD}  mode: audit\n`, "two.yaml");
  equal(errors.map((e) => e.message), [
    'two.yaml:10:18: duplicate policy name "p" (first defined at two.yaml:3:18)',
  ]);
});

Deno.test("parsePolicies() rejects an empty file and a document that is not a mapping", {
  permissions: "none",
}, () => {
  equal(errorsOf("# nothing\n").map((e) => [e.code, e.line, e.column]), [["no-policy", 1, 1]]);
  equal(errorsOf("- a\n").map((e) => [e.code, e.line, e.column]), [["wrong-type", 1, 1]]);
});

Deno.test("parsePolicies() stops hostile input at its limits, with a location", {
  permissions: "none",
}, async (t) => {
  await t.step("size", () => {
    const errors = errorsOf(HEAD + "  # " + "x".repeat(1024 * 1024) + "\n  rules: [&a x]\n");
    equal(errors.map((e) => [e.code, e.line, e.column]), [["too-large", 7, 3]]);
  });
  await t.step("size beyond the fast reader's limit", () => {
    const errors = errorsOf(HEAD + "  # " + "x".repeat(17 * 1024 * 1024) + "\n");
    equal(errors.map((e) => e.code), ["too-large"]);
  });
  await t.step("flow nesting", () => {
    const errors = errorsOf(HEAD + "  rules: " + "[".repeat(100_000) + "\n");
    equal(errors.map((e) => [e.code, e.line]), [["too-deep", 6]]);
  });
  await t.step("block nesting", () => {
    const errors = errorsOf(HEAD + "  rules:\n" + "    " + "- ".repeat(50_000) + "x\n");
    equal(errors.map((e) => [e.code, e.line]), [["too-deep", 7]]);
  });
  await t.step("documents", () => {
    const errors = errorsOf("---\na: 1\n".repeat(2000));
    equal(errors.map((e) => [e.code, e.line]), [["too-many-documents", 2002]]);
  });
  await t.step("alias expansion (billion laughs)", () => {
    let bomb = HEAD + '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let i = 1; i < 12; i++) {
      bomb += `  a${i}: &a${i} [${Array(8).fill(`*a${i - 1}`).join(", ")}]\n`;
    }
    const start = performance.now();
    const errors = errorsOf(bomb);
    if (performance.now() - start > 1000) fail("the alias bomb took more than a second");
    const bombError = errors.find((e) => e.code === "too-many-aliases");
    if (bombError === undefined) fail(errors.map((e) => e.message).join("\n"));
    equal(bombError.line, 10);
  });
  await t.step("unknown alias", () => {
    const errors = errorsOf(HEAD + "  mode: *nope\n");
    equal(errors.map((e) => [e.code, e.line, e.column]), [["yaml-syntax", 6, 9]]);
  });
});

Deno.test("parsePolicies() accepts anchors and aliases within the limit", {
  permissions: "none",
}, () => {
  const text = HEAD +
    "  rules:\n    - syscalls: &io [read, write]\n      action: allow\n" +
    "    - syscalls: *io\n      action: log\n      priority: 1\n";
  const rules = parsePolicies(text, "a.yaml").policies[0]!.rules;
  equal(rules.map((r) => r.syscalls.map((s) => s.kind === "name" ? s.name : s.nr)), [
    ["read", "write"],
    ["read", "write"],
  ]);
});

Deno.test("parsePolicies() gives the same model through the fast reader and the yaml package", {
  permissions: "none",
}, () => {
  equal(readYaml(WEB_SERVER).reader, "fast", "the example is inside the fast subset");
  equal(readYaml(WEB_SERVER).docs, readYamlFull(WEB_SERVER).docs, "trees");
  // An anchor leaves the subset: the same policy then goes through the yaml package.
  const anchored = WEB_SERVER.replace("comms: [node]", "comms: &c [node]");
  equal(readYaml(anchored).reader, "yaml", "anchors go to the yaml package");
  const a = parsePolicies(WEB_SERVER, "web.yaml").policies;
  const b = parsePolicies(anchored, "web.yaml").policies;
  equal(b, a, "models");
});

Deno.test("parsePolicies() reads a generated 10,000-rule policy", { permissions: "none" }, () => {
  const text = generatedPolicy(10_000);
  if (text.length <= 1024 * 1024) fail("the fixture should be over a megabyte");
  const rules = parsePolicies(text, "big.yaml").policies[0]!.rules;
  equal(rules.length, 10_000);
  equal(rules[9_999]?.loc, { file: "big.yaml", line: 8 + 4 * 9_999, column: 7 });
  equal(rules[9_999]?.args[0]?.value, 9_999n);
});

/** A policy of `n` generated rules in block style (exported shape used by the bench too). */
function generatedPolicy(n: number): string {
  const names = ["read", "write", "openat", "close", "mmap", "socket", "connect", "ioctl"];
  const lines = [BARE.trimEnd(), "  defaultAction: deny", "  rules:"];
  for (let i = 0; i < n; i++) {
    lines.push(
      `    - syscalls: [${names[i % names.length]}]`,
      `      action: ${i % 3 === 0 ? "deny" : "allow"}`,
      `      priority: ${i}`,
      `      args: [{ index: ${i % 6}, op: eq, value: ${i} }]`,
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("parsePolicies() reports at most 500 errors per file and counts the rest", {
  permissions: "none",
}, () => {
  const keys = Array.from({ length: 600 }, (_, i) => `  bogus${i}: 1`).join("\n");
  const errors = errorsOf(HEAD + keys + "\n");
  equal(errors.length, 501);
  const last = errors.at(-1)!;
  equal([last.code, last.line, last.column], ["too-many-errors", 506, 3]);
  if (!last.message.includes("100 more errors")) fail(last.message);
});

Deno.test("parsePolicies() reads privileges, memory and Unix sockets, canonical and located", {
  permissions: "none",
}, () => {
  const text = HEAD +
    "  privileges:\n" + //                                                   line 6
    "    capabilities: [net_bind_service, CAP_CHOWN, Cap_Net_Bind_Service]\n" + // 7
    "    user: 1000\n" + //                                                  8
    "    group: 0x64\n" + //                                                 9
    '    devices: ["/dev//fuse", "c 10:229", "b  8:*", "/dev/./fuse", "c 010:0"]\n' + // 10
    "    signals: any\n" + //                                                11
    "  memory:\n" + //                                                       12
    "    writeExecute: deny\n" + //                                          13
    "  network:\n" + //                                                      14
    '    unix: ["/run//app.sock", "/run/dir/.", "/run/dir2/", "@abstract-name", "/", "/run/app.sock"]\n'; // 15
  const p = parsePolicies(text, "v.yaml").policies[0]!;
  const at = (line: number, column: number) => ({ file: "v.yaml", line, column });
  equal(p.privileges, {
    capabilities: [
      { name: "CAP_NET_BIND_SERVICE", loc: at(7, 20) },
      { name: "CAP_CHOWN", loc: at(7, 38) },
    ],
    devices: [
      { name: "/dev/fuse", loc: at(10, 15) },
      { name: "c 10:229", loc: at(10, 29) },
      { name: "b 8:*", loc: at(10, 41) },
      { name: "c 10:0", loc: at(10, 66) },
    ],
    signals: "any",
    loc: at(6, 3),
    user: { uid: 1000, loc: at(8, 11) },
    group: { gid: 100, loc: at(9, 12) },
  }, "privileges");
  equal(p.explicit.signals, true, "signals written");
  equal(p.memory, { writeExecute: "deny", loc: at(12, 3) }, "memory");
  equal(p.network?.unix, [
    { text: "/run//app.sock", kind: "path", name: "/run/app.sock", loc: at(15, 12) },
    { text: "/run/dir/.", kind: "path", name: "/run/dir/", loc: at(15, 30) },
    { text: "/run/dir2/", kind: "path", name: "/run/dir2/", loc: at(15, 44) },
    { text: "@abstract-name", kind: "abstract", name: "abstract-name", loc: at(15, 58) },
    { text: "/", kind: "path", name: "/", loc: at(15, 76) },
  ], "unix: normalised, each socket once (/run/app.sock is /run//app.sock)");
  equal([p.network?.connect, p.network?.bind], [[], []], "connect and bind stay empty");

  const empty = parsePolicies(
    HEAD + "  privileges: {}\n  network: { connect: [tcp/443] }\n",
    "e.yaml",
  )
    .policies[0]!;
  equal(
    empty.privileges,
    {
      capabilities: [],
      devices: [],
      signals: "sandbox",
      loc: { file: "e.yaml", line: 6, column: 3 },
    },
    "an empty section: the defaults",
  );
  equal(empty.explicit.signals, undefined, "signals not written");
  equal(empty.network?.unix, undefined, "no unix key: absent");
});

Deno.test("parsePolicies() requires defaultAction in a policy that extends none", {
  permissions: "none",
}, async (t) => {
  await t.step("block spec", () => {
    const errors = errorsOf(BARE + "  rules:\n    - { syscalls: [ptrace], action: kill }\n");
    equal(errors.map((e) => [e.code, e.line, e.column]), [["missing-key", 5, 1]]);
    const message = errors[0]!.message;
    for (
      const needle of [
        'p.yaml:5:1: "p" has no spec.defaultAction',
        '"defaultAction: deny"',
        '"defaultAction: allow"',
      ]
    ) {
      if (!message.includes(needle)) fail(`${message} lacks ${needle}`);
    }
  });
  await t.step("empty spec and empty extends", () => {
    equal(errorsOf(`${BARE.replace("spec:\n", "spec: {}\n")}`).map((e) => [e.code, e.line]), [
      ["missing-key", 5],
    ]);
    equal(errorsOf(BARE + "  extends: []\n").map((e) => [e.code, e.line]), [["missing-key", 5]]);
  });
  await t.step("extends gives it", () => {
    const p = parsePolicies(BARE + "  extends: [builtin:baseline]\n", "p.yaml").policies[0]!;
    equal(p.explicit.defaultAction, false);
  });
  await t.step("written", () => {
    for (const action of ["allow", "deny", "kill"]) {
      const p = parsePolicies(BARE + `  defaultAction: ${action}\n`, "p.yaml").policies[0]!;
      equal([p.defaultAction, p.explicit.defaultAction], [action, true]);
    }
  });
  await t.step("no spec: only the missing spec is reported", () => {
    const errors = errorsOf("apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: p}\n");
    equal(errors.map((e) => [e.code, e.line, e.column]), [["missing-key", 1, 1]]);
    if (!errors[0]!.message.includes('"spec"')) fail(errors[0]!.message);
  });
});
