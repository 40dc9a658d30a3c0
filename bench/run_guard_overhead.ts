/**
 * What the run cgroup's guard (`bpf/cgroup_guard.bpf.c`, issue 9) costs, measured side by side in
 * one run, "before" being the run cgroup with the network programs only (what `cordon run` had)
 * and "after" the same plus one guard (devices, socket kinds, IP options, listen autobind, Unix):
 *
 * 1. The 5M-getppid loop (`tests/testdata/probes/getppid_loop.c`) in the cgroup: ns per call.
 *    No guard program is a syscall hook, so the ratio should be 1.
 * 2. A loopback UDP `sendto` loop (C, unconnected, to 127.0.0.1): ns per datagram; it runs
 *    `cgroup/sendmsg4` before and after, and the guard's `cgroup_skb/egress` after.
 * 3. Setting up and removing the confinement (create + close), and `runConfined` of
 *    `/usr/bin/true` (launcher spawn to exit) with the guard: medians of `--runs`.
 *
 *   ./deno run -A bench/run_guard_overhead.ts [--runs 20] [--rounds 5] [--format json]
 *
 * Needs root, cgroup v2, bpffs and gcc.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { compilePolicies } from "../compile/compile.ts";
import { hostArches, runConfined } from "../backends/linux/run.ts";
import { RunNetworkConfinement } from "../backends/linux/cgroup_net.ts";
import { layerGuardMaps, layerNetMaps } from "../compile/net_rules.ts";
import type { FilterSet } from "../compile/filter_set.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "20" },
    rounds: { type: "string", default: "5" },
    format: { type: "string", default: "text" },
  },
});
const RUNS = Number(values.runs);
const ROUNDS = Number(values.rounds);

const UDP_LOOP = `
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
int main(int argc, char **argv) {
  long n = strtol(argv[1], 0, 0);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  /* The receiver: a socket of its own on 127.0.0.1 (datagrams past its buffer are dropped). */
  int rx = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = { .sin_family = AF_INET };
  to.sin_addr.s_addr = htonl(0x7f000001);
  socklen_t len = sizeof to;
  if (bind(rx, (struct sockaddr *)&to, sizeof to) || getsockname(rx, (struct sockaddr *)&to, &len)) {
    perror("receiver"); return 1;
  }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to) != 1) { perror("sendto"); return 1; }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
`;

function compile(yaml: string): FilterSet {
  return compilePolicies(resolvePolicies(parsePolicies(yaml, "bench.yaml")), {
    arches: hostArches(),
  });
}

const SET = compile(`apiVersion: cordon/v1
kind: Policy
metadata: { name: bench }
spec:
  defaultAction: allow
  network:
    connect: ["udp/127.0.0.1", "tcp/443"]
    bind: ["udp/127.0.0.1"]
`);

async function gcc(source: string, out: string): Promise<void> {
  const { success, stderr } = await new Deno.Command("gcc", {
    args: ["-O2", "-o", out, source],
    stderr: "piped",
  }).output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
}

/** Runs `argv` inside `confinement`'s cgroup (placed before it starts) and returns its output. */
async function inCgroup(confinement: RunNetworkConfinement, argv: string[]): Promise<string> {
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'read _ && exec "$0" "$@"', ...argv],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  confinement.addProcess(child.pid);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("\n"));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`${argv[0]} failed`);
  return new TextDecoder().decode(out.stdout).trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function create(guard: boolean): Promise<RunNetworkConfinement> {
  return RunNetworkConfinement.create(
    layerNetMaps(SET),
    guard ? { guards: layerGuardMaps(SET) } : {},
  );
}

const dir = await Deno.makeTempDir({ prefix: "cordon-guard-bench-" });
try {
  const probes = new URL("../tests/testdata/probes/", import.meta.url).pathname;
  await gcc(`${probes}getppid_loop.c`, `${dir}/getppid_loop`);
  await Deno.writeTextFile(`${dir}/udp_loop.c`, UDP_LOOP);
  await gcc(`${dir}/udp_loop.c`, `${dir}/udp_loop`);

  const getppid: Record<"before" | "after", number[]> = { before: [], after: [] };
  const udp: Record<"before" | "after", number[]> = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of ["before", "after"] as const) {
      const confinement = await create(which === "after");
      try {
        getppid[which].push(
          parseFloat(await inCgroup(confinement, [`${dir}/getppid_loop`, "5000000"])),
        );
        udp[which].push(
          parseFloat(await inCgroup(confinement, [`${dir}/udp_loop`, "200000"])),
        );
      } finally {
        await confinement.close();
      }
    }
  }

  const setup: Record<"before" | "after", number[]> = { before: [], after: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const which of ["before", "after"] as const) {
      const t0 = performance.now();
      const confinement = await create(which === "after");
      await confinement.close();
      setup[which].push(performance.now() - t0);
    }
  }
  const trueRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const result = await runConfined({ set: SET, command: ["/usr/bin/true"], stdout: "null" });
    if (result.code !== 0) throw new Error(`true exited ${result.code}`);
    trueRuns.push(performance.now() - t0);
  }

  const figures = {
    getppidNsPerCall: {
      before: median(getppid.before),
      after: median(getppid.after),
      ratio: median(getppid.after) / median(getppid.before),
    },
    udpSendNs: {
      before: median(udp.before),
      after: median(udp.after),
      ratio: median(udp.after) / median(udp.before),
    },
    confinementSetupMs: {
      before: median(setup.before),
      after: median(setup.after),
      ratio: median(setup.after) / median(setup.before),
    },
    runTrueMs: median(trueRuns),
  };
  if (values.format === "json") {
    console.log(JSON.stringify(figures, null, 2));
  } else {
    const f = (x: number) => x.toFixed(1);
    const g = figures.getppidNsPerCall, u = figures.udpSendNs, s = figures.confinementSetupMs;
    console.log(
      `getppid (5M loop)      before ${f(g.before)} ns  after ${f(g.after)} ns  ratio ${
        g.ratio.toFixed(3)
      }`,
    );
    console.log(
      `UDP sendto (loopback)  before ${f(u.before)} ns  after ${f(u.after)} ns  ratio ${
        u.ratio.toFixed(3)
      }`,
    );
    console.log(
      `confinement set-up     before ${f(s.before)} ms  after ${f(s.after)} ms  ratio ${
        s.ratio.toFixed(2)
      }`,
    );
    console.log(
      `runConfined(/usr/bin/true) with the guard: median ${f(figures.runTrueMs)} ms of ${RUNS}`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
