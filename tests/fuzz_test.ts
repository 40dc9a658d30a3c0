/**
 * Fuzzing of the policy front end: mutated policies from a seeded PRNG must give either a policy
 * set or `PolicyErrors` (never another exception, never a hang), every error located inside the
 * text, each input parsed and resolved within a second. Inputs the fast YAML reader accepts are
 * also read with the `yaml` package, and the two trees must be identical. Plus the bad-policy
 * fixtures of `tests/testdata/policies/bad/`, each with its expected errors in `# expect:` lines.
 *
 * `CORDON_FUZZ_N=100000 deno test -A tests/fuzz_test.ts` runs longer; the seed is fixed, so a
 * failure reproduces.
 */

import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { readYamlFull } from "../policies/_yaml_tree.ts";
import { parseYamlSubset } from "../policies/_fast_yaml.ts";
import { fail } from "node:assert/strict";

const DATA = new URL("./testdata/policies/", import.meta.url);
const ITERATIONS = Number(Deno.env.get("CORDON_FUZZ_N") ?? 10_000);
const SEED = 0xc0d0;

/** mulberry32: a small, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [
  ":",
  "-",
  " ",
  "[",
  "]",
  "{",
  "}",
  ",",
  '"',
  "'",
  "&",
  "*",
  "!",
  "|",
  ">",
  "#",
  "%",
  "@",
  "?",
  "\t",
  "\r",
  "\0",
  "\\",
  "é",
  "\u2028",
  "\uFEFF",
  "\n",
];

const VALUES = [
  "18446744073709551616",
  "-9223372036854775809",
  "1e400",
  "-0x10",
  "0x" + "f".repeat(40),
  "9".repeat(60),
  ".nan",
  "~",
  "null",
  "true",
  '"O_CREAT|O_EXCL"',
  "AF_PACKET|",
  "O_DIRECTORY",
  "[]",
  "{}",
  "tcp/65536",
  "[::1]:0",
  "udp/10.0.0.0/33:53",
  "builtin:baseline",
  "builtin:nope",
  "base",
  "app",
  "web-server",
  "!!binary aGVsbG8=",
  "!custom x",
  "*undefined",
  "&anchor x",
  "|\n    block",
  "-1",
  "0o777",
  "masked_eq",
  "kill_thread",
  "EPERM",
  "4096",
];

const KEYS = [
  "syscalls",
  "action",
  "args",
  "index",
  "op",
  "value",
  "mask",
  "errno",
  "priority",
  "extends",
  "rules",
  "capabilities",
  "allow",
  "deny",
  "target",
  "pids",
  "filesystem",
  "network",
  "connect",
  "limits",
  "defaultAction",
  "mode",
  "bogus",
  "<<",
  "? complex",
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function int(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

function aliasBomb(rand: () => number): string {
  const width = 2 + int(rand, 9);
  const depth = 3 + int(rand, 12);
  let out = `x0: &x0 [${Array(width).fill('"lol"').join(", ")}]\n`;
  for (let i = 1; i < depth; i++) {
    out += `x${i}: &x${i} [${Array(width).fill(`*x${i - 1}`).join(", ")}]\n`;
  }
  return out;
}

/** One random mutation of `text`. */
function mutate(rand: () => number, text: string): string {
  const lines = text.split("\n");
  const at = int(rand, lines.length);
  const line = lines[at] ?? "";
  switch (int(rand, 13)) {
    case 0: // delete a line
      lines.splice(at, 1);
      break;
    case 1: // duplicate a line
      lines.splice(at, 0, line);
      break;
    case 2: { // swap two lines
      const other = int(rand, lines.length);
      lines[at] = lines[other] ?? "";
      lines[other] = line;
      break;
    }
    case 3: { // flip a character
      const i = int(rand, line.length + 1);
      const c = rand() < 0.6 ? pick(rand, SPECIAL) : String.fromCharCode(32 + int(rand, 95));
      lines[at] = line.slice(0, i) + c + line.slice(i + 1);
      break;
    }
    case 4: { // change indentation
      const delta = int(rand, 9) - 4;
      lines[at] = delta > 0
        ? " ".repeat(delta) + line
        : line.slice(Math.min(-delta, line.search(/\S|$/)));
      break;
    }
    case 5: { // insert a random key and value
      const indent = " ".repeat(int(rand, 5) * 2);
      lines.splice(at, 0, `${indent}${pick(rand, KEYS)}: ${pick(rand, VALUES)}`);
      break;
    }
    case 6: { // replace a value
      const colon = line.indexOf(": ");
      if (colon !== -1) lines[at] = line.slice(0, colon + 2) + pick(rand, VALUES);
      else lines[at] = line.replace(/[A-Za-z0-9_]+/, pick(rand, VALUES));
      break;
    }
    case 7: { // huge or odd numbers in place of a number
      const n = pick(rand, [
        "9".repeat(1 + int(rand, 400)),
        "-" + "9".repeat(30),
        "1e309",
        "0x1" + "0".repeat(16),
        "0.5",
      ]);
      lines[at] = line.replace(/-?[0-9]+/, n);
      break;
    }
    case 8: { // deep nesting
      const n = [10, 60, 70, 500, 5000, 50_000][int(rand, 6)]!;
      const open = pick(rand, ["[", "{a: ", "- ", "[{x: "]);
      const close = open === "[" ? "]" : open === "{a: " ? "}" : open === "- " ? "" : "}]";
      const deep = open.repeat(n) + "x" + (rand() < 0.5 ? close.repeat(n) : "");
      lines.splice(at, 0, "  deep: " + deep);
      break;
    }
    case 9: // alias bomb
      lines.splice(at, 0, ...aliasBomb(rand).split("\n").map((l) => "  " + l));
      break;
    case 10: // truncate
      return text.slice(0, int(rand, text.length));
    case 11: // a new document boundary
      lines.splice(at, 0, pick(rand, ["---", "...", "--- !tag", "%YAML 1.2", "--- # c"]));
      break;
    case 12: { // a long line or many keys
      const n = 1 + int(rand, 300);
      lines.splice(
        at,
        0,
        rand() < 0.5
          ? `  k: ${"x".repeat(n * 10)}`
          : Array.from({ length: n }, (_, i) => `  k${i}: ${i}`).join("\n"),
      );
      break;
    }
  }
  return lines.join("\n");
}

/** Checks one thrown value; returns the number of errors it carried. */
function checkThrown(e: unknown, text: string, input: string): number {
  if (!(e instanceof PolicyErrors)) {
    fail(`input threw ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${input}`);
  }
  if (e.errors.length === 0) fail("PolicyErrors without errors");
  const lines = text.split("\n");
  for (const err of e.errors) {
    if (!(err instanceof PolicyError)) fail(`not a PolicyError: ${String(err)}`);
    if (err.path === "builtin:baseline") continue;
    if (err.path !== "fuzz.yaml") fail(`wrong file in ${err.message}`);
    const lineText = lines[err.line - 1];
    if (!(err.line >= 1) || lineText === undefined) fail(`line out of bounds: ${err.message}`);
    if (!(err.column >= 1) || err.column > lineText.length + 1) {
      fail(`column out of bounds: ${err.message}\n--- input ---\n${input}`);
    }
    if (!err.message.startsWith(`fuzz.yaml:${err.line}:${err.column}: `)) fail(err.message);
  }
  return e.errors.length;
}

function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      typeof v === "bigint"
        ? `${v}n`
        : typeof v === "number" && !Number.isFinite(v)
        ? `num:${v}`
        : v,
  );
}

const seeds = await Promise.all(
  ["web_server.yaml", "layers.yaml", "anchors.yaml"].map((f) =>
    Deno.readTextFile(new URL(`seeds/${f}`, DATA))
  ),
);

Deno.test("the seed policies parse and resolve", { permissions: { read: [DATA] } }, () => {
  for (const seed of seeds) resolvePolicies(parsePolicies(seed, "seed.yaml"));
});

Deno.test(`parsePolicies() and resolvePolicies() survive ${ITERATIONS} mutated policies`, {
  permissions: { read: [DATA] },
}, () => {
  const rand = prng(SEED);
  let slowest = 0;
  let slowestInput = "";
  let valid = 0;
  let errors = 0;
  let compared = 0;
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    let text = pick(rand, seeds);
    const rounds = 1 + int(rand, 3);
    for (let r = 0; r < rounds; r++) text = mutate(rand, text);
    const t0 = performance.now();
    try {
      resolvePolicies(parsePolicies(text, "fuzz.yaml"));
      valid++;
    } catch (e) {
      errors += checkThrown(e, text, text);
    }
    const took = performance.now() - t0;
    if (took > slowest) {
      slowest = took;
      slowestInput = text;
    }
    const fast = parseYamlSubset(text, 64);
    if ("docs" in fast) {
      compared++;
      const full = readYamlFull(text);
      if (full.issues.length > 0 || canonical(fast.docs) !== canonical(full.docs)) {
        fail(
          `the fast reader and the yaml package disagree:\n--- input ---\n${text}\n` +
            `--- fast ---\n${canonical(fast.docs)}\n--- yaml ---\n${canonical(full.docs)}\n` +
            JSON.stringify(full.issues),
        );
      }
    }
  }
  const total = performance.now() - started;
  console.log(
    `${ITERATIONS} inputs in ${total.toFixed(0)} ms: ${valid} valid, ${errors} errors, ` +
      `${compared} compared with the yaml package; slowest ${slowest.toFixed(1)} ms`,
  );
  // Timing is reported, not asserted (a loaded CI machine is no measure): the slowest input is
  // printed so that a pathological one can be taken into the seeds and looked at.
  if (slowest >= 100) console.log(`slowest input:\n${slowestInput.slice(0, 2000)}`);
  if (valid === 0 || errors === 0) fail("the mutations should give both valid and invalid inputs");
  if (compared < ITERATIONS / 10) fail(`only ${compared} inputs compared between the readers`);
});

Deno.test("the bad-policy fixtures give exactly their expected errors", {
  permissions: { read: [DATA] },
}, async (t) => {
  const dir = new URL("bad/", DATA);
  const names = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".yaml")) names.push(entry.name);
  }
  if (names.length < 5) fail(`only ${names.length} fixtures`);
  for (const name of names.sort()) {
    await t.step(name, async () => {
      const text = await Deno.readTextFile(new URL(name, dir));
      const expected = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)]
        .map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
      if (expected.length === 0) fail(`${name} has no "# expect:" lines`);
      let got: string[] = [];
      try {
        resolvePolicies(parsePolicies(text, name));
        fail(`${name} was accepted`);
      } catch (e) {
        if (!(e instanceof PolicyErrors)) throw e;
        got = e.errors.map((x) => `${x.code} ${x.line}:${x.column}`).sort();
        if (got.join("\n") !== expected.join("\n")) {
          fail(
            `${name}:\n  got      ${got.join(", ")}\n  expected ${expected.join(", ")}\n` +
              e.errors.map((x) => x.message).join("\n"),
          );
        }
      }
    });
  }
});
