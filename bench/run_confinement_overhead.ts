/**
 * What Landlock and the cgroup network programs cost `cordon run` (issue 6), measured side by
 * side in one run:
 *
 * 1. Start-up: `runConfined` of `/usr/bin/true` under a seccomp-only policy vs the same policy
 *    with `filesystem` and `network` sections (Landlock ruleset + cgroup, 6 programs loaded,
 *    attached, pinned, then removed), interleaved, medians and ratio.
 * 2. Per connect: a loopback `socket(); connect(); close()` loop in Python (UDP, so that no
 *    server, backlog or handshake adds noise: `connect()` of a UDP socket runs the same
 *    `cgroup/connect4` program), unconfined vs in a cgroup with the programs attached (one rule;
 *    and 128 rules with the matching one last, the worst case of the rule scan), interleaved;
 *    per-connect time and ratio.
 *
 *   ./deno run -A bench/run_confinement_overhead.ts [--runs N] [--connects N] [--format json]
 *
 * Needs root, cgroup v2, bpffs, Landlock and /usr/bin/python3.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { compilePolicies } from "../compile/compile.ts";
import { hostArches, runConfined } from "../backends/linux/run.ts";
import { RunNetworkConfinement } from "../backends/linux/cgroup_net.ts";
import { layerNetMaps } from "../compile/net_rules.ts";
import type { FilterSet } from "../compile/filter_set.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "15" },
    connects: { type: "string", default: "20000" },
    format: { type: "string", default: "text" },
  },
});
const RUNS = Number(values.runs);
const CONNECTS = Number(values.connects);

function compile(yaml: string): FilterSet {
  return compilePolicies(resolvePolicies(parsePolicies(yaml, "bench.yaml")), {
    arches: hostArches(),
  });
}

const BASE = `apiVersion: cordon/v1
kind: Policy
metadata: { name: bench }
spec:
  extends: [builtin:baseline]
`;
const CONFINED = BASE + `  filesystem:
    read: [/usr, /etc, /proc, /dev]
    write: [/tmp]
    execute: [/usr/bin, /usr/lib, /usr/lib64]
  network:
    connect: ["127.0.0.1:443", "tcp/80"]
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function startup(): Promise<{ seccompMs: number; fullMs: number; ratio: number }> {
  const seccomp = compile(BASE);
  const full = compile(CONFINED);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    for (const [set, out] of [[seccomp, a], [full, b]] as const) {
      const t0 = performance.now();
      const result = await runConfined({ set, command: ["/usr/bin/true"], stdout: "null" });
      const elapsed = performance.now() - t0;
      if (result.code !== 0) throw new Error(`true exited ${result.code}`);
      if (i >= 2) out.push(elapsed); // two warm-up rounds
    }
  }
  return { seccompMs: median(a), fullMs: median(b), ratio: median(b) / median(a) };
}

const LOOP = `
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
sys.stdin.readline()
t0 = time.perf_counter()
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", port)); s.close()
print((time.perf_counter() - t0) / n * 1e9)
`;

async function connectLoop(port: number, confinement?: RunNetworkConfinement): Promise<number> {
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-c", LOOP, String(port), String(CONNECTS)],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  confinement?.addProcess(child.pid);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("go\n"));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error("connect loop failed");
  return Number(new TextDecoder().decode(out.stdout).trim());
}

function netSet(port: number, rules: number): FilterSet {
  const filler = Array.from({ length: rules - 1 }, (_, i) => `"10.1.${i >> 8}.${i & 255}:9"`);
  return compile(`apiVersion: cordon/v1
kind: Policy
metadata: { name: net }
spec:
  defaultAction: allow
  network:
    connect: [${[...filler, `"127.0.0.1:${port}"`].join(", ")}]
`);
}

async function perConnect() {
  const port = 9; // discard; a UDP connect() sends nothing
  await using one = await RunNetworkConfinement.create(layerNetMaps(netSet(port, 1)));
  await using many = await RunNetworkConfinement.create(layerNetMaps(netSet(port, 128)));
  const plain: number[] = [];
  const oneRule: number[] = [];
  const manyRules: number[] = [];
  for (let i = 0; i < 5; i++) {
    plain.push(await connectLoop(port));
    oneRule.push(await connectLoop(port, one));
    manyRules.push(await connectLoop(port, many));
  }
  const base = median(plain);
  return {
    unconfinedNs: base,
    oneRuleNs: median(oneRule),
    rules128Ns: median(manyRules),
    oneRuleRatio: median(oneRule) / base,
    rules128Ratio: median(manyRules) / base,
  };
}

const s = await startup();
const c = await perConnect();
if (values.format === "json") {
  console.log(JSON.stringify({ runs: RUNS, connects: CONNECTS, startup: s, connect: c }));
} else {
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`cordon run start-up (median of ${RUNS}, /usr/bin/true):`);
  console.log(`  seccomp only                 ${f(s.seccompMs)} ms`);
  console.log(`  seccomp + Landlock + cgroup  ${f(s.fullMs)} ms   ratio ${f(s.ratio, 2)}`);
  console.log(`loopback UDP socket+connect+close (median of 5 x ${CONNECTS}):`);
  console.log(`  unconfined                   ${f(c.unconfinedNs, 0)} ns`);
  console.log(
    `  cgroup programs, 1 rule      ${f(c.oneRuleNs, 0)} ns   ratio ${f(c.oneRuleRatio, 3)}`,
  );
  console.log(
    `  cgroup programs, 128 rules   ${f(c.rules128Ns, 0)} ns   ratio ${f(c.rules128Ratio, 3)}`,
  );
}
