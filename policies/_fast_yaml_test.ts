import { parseYamlSubset, resolvePlain } from "./_fast_yaml.ts";
import { readYamlFull } from "./_yaml_tree.ts";
import { BUILTIN_PROFILES } from "./builtin_profiles.ts";
import { fail } from "node:assert/strict";

const canonical = (v: unknown) =>
  JSON.stringify(
    v,
    (_k, x) =>
      typeof x === "bigint" ? `${x}n` : typeof x === "number" && !Number.isFinite(x) ? `${x}` : x,
  );

const INSIDE = [
  "a:\nb: 1\n",
  "- \n- x\n-\n",
  "a:\n  - x\n  -\nb: [1, 2]\n",
  "k: {a: 1, c: x}\n",
  "a:   # c\n  b: 1\n",
  "- a: 1\n  b:\n  - x\n  - y\n- c: 'it''s'\n",
  'x: "q" # c\ny: [a, [b, {c: d}]]\nz: 127.0.0.1:5432\n',
  "---\na: 1\n---\n---\nb: -0x10\nc: .inf\nd: 1.5e3\ne: ~\nf: True\ng: 0o17\nh: +5\n",
  "  a: 1\n  b: 2\n",
  "a: {}\nb: []\nc: ''\n",
  "a: x y  z  \n",
  "rules:\n- syscalls: [read]\n  action: allow\n",
  "- a:\n  - x\n",
  "v: [O_CREAT|O_EXCL, -1, tcp/443, builtin:baseline]\n",
];

const OUTSIDE = [
  "a: &x 1\n",
  "a: *x\n",
  "a: !tag x\n",
  "a: |\n  x\n",
  "a: >\n  x\n",
  'a: "x\\n"\n',
  "a: 'x\n  y'\n",
  "a: x\n  y\n",
  "a:\tb\n",
  "a: é\n",
  "a: 1\na: 2\n",
  "? a\n: b\n",
  "- - x\n",
  "a: [x,\n  y]\n",
  "a: [x, ]\n",
  "%YAML 1.2\n---\na: 1\n",
  "--- a\n",
  "a: 1\n...\n",
  '"a": 1\n',
  "a: {b}\n",
  "a: b: c\n",
  "a: x #c: d\n  e\n",
  "a:\r\n  b: 1\r\n",
  "\uFEFFa: 1\n",
  "a: " + "[".repeat(70) + "]".repeat(70) + "\n",
];

Deno.test("the fast reader gives the yaml package's tree for text inside its subset", {
  permissions: "none",
}, () => {
  for (const text of [...INSIDE, ...Object.values(BUILTIN_PROFILES)]) {
    const fast = parseYamlSubset(text, 64);
    if (!("docs" in fast)) fail(`gave up on ${JSON.stringify(text)}`);
    const full = readYamlFull(text);
    if (full.issues.length > 0) fail(`yaml package: ${JSON.stringify(full.issues)}`);
    if (canonical(fast.docs) !== canonical(full.docs)) {
      fail(
        `${JSON.stringify(text)}\n  fast ${canonical(fast.docs)}\n  yaml ${canonical(full.docs)}`,
      );
    }
  }
});

Deno.test("the fast reader gives up on everything outside its subset", {
  permissions: "none",
}, () => {
  for (const text of OUTSIDE) {
    const fast = parseYamlSubset(text, 64);
    if ("docs" in fast) fail(`accepted ${JSON.stringify(text)}: ${canonical(fast.docs)}`);
    if (fast.gaveUpAt < 0 || fast.gaveUpAt > text.length) fail(`offset ${fast.gaveUpAt}`);
  }
});

Deno.test(
  "resolvePlain() resolves scalars as YAML 1.2's core schema",
  { permissions: "none" },
  () => {
    const cases: [string, unknown][] = [
      ["", null],
      ["~", null],
      ["Null", null],
      ["TRUE", true],
      ["false", false],
      ["yes", "yes"],
      ["0x1f", 31n],
      ["0o17", 15n],
      ["-12", -12n],
      ["1.5", 1.5],
      ["1e3", 1000],
      ["-.inf", -Infinity],
      ["0b101", "0b101"],
      ["-0x10", "-0x10"],
      ["AF_INET", "AF_INET"],
    ];
    for (const [raw, expected] of cases) {
      const got = resolvePlain(raw);
      if (canonical(got) !== canonical(expected) || typeof got !== typeof expected) {
        fail(`${JSON.stringify(raw)}: ${canonical(got)} (${typeof got})`);
      }
    }
  },
);
