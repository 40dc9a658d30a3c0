/**
 * What `cordon run` costs, side by side with its peers, measured in one run:
 *
 * 1. Start-up: `/bin/true` started directly, through `runConfined()` (the launcher: a Deno
 *    process that confines itself and `execve`s), and through the `cordon run` command line
 *    (which also parses and compiles the policy). Also the launcher's own spawn→`execve` time.
 * 2. Filter cost: a loop of 5,000,000 `getppid` calls unfiltered, under Cordon's filter for the
 *    Docker default profile, and under libseccomp's (binary-tree optimised, built from the same
 *    profile the way runc does), both installed by the same C helper.
 *
 * Run (root, Linux, gcc and libseccomp2): `./deno run -A bench/run_overhead.ts [--runs N]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildProbes } from "../tests/_probes.ts";
import { buildLibseccompProgram } from "../tests/_libseccomp.ts";
import { importOciProfile, parseOciProfile, resolveOciProfile } from "../compile/oci_import.ts";
import { encodeSockFilters } from "../compile/sock_filter.ts";
import { runSeccomp } from "../compile/bpf_interpreter.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { loadPolicies } from "../compile/load_policies.ts";
import { nativeArch, planFilters, runConfined } from "../backends/linux/run.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "20" },
    calls: { type: "string", default: "5000000" },
  },
});
const RUNS = Number(values.runs);
const CALLS = Number(values.calls);
const PROFILE = new URL("../../shared/data/oci/docker-default.json", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).pathname;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(9);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * libseccomp's filter for the profile, built as runc does (the same builder the OCI comparison
 * test and bench/seccomp_vs_libseccomp.ts use), as raw bytes.
 */
function libseccompBytes(json: unknown): Uint8Array {
  const profile = resolveOciProfile(json, { arch: nativeArch() });
  return encodeSockFilters(buildLibseccompProgram(profile, undefined, 2).instructions);
}

if (Deno.build.os !== "linux" || Deno.uid() !== 0) {
  console.error("run_overhead: needs root on Linux");
  Deno.exit(1);
}

await using probes = await buildProbes(["getppid_loop"]);
const json = parseOciProfile(await Deno.readTextFile(PROFILE));
const imported = importOciProfile(json, { arch: nativeArch(), name: "docker-default" });
const policyFile = `${probes.dir}/docker-default.yaml`;
await Deno.writeTextFile(policyFile, imported.yaml);
const { filters: set } = await loadPolicies([policyFile], { arches: imported.arches });
const ours = planFilters(set, imported.arches)[0]!.program;
const theirs = libseccompBytes(json);
const oursFile = `${probes.dir}/ours.bpf`;
const theirsFile = `${probes.dir}/libseccomp.bpf`;
await Deno.writeFile(oursFile, ours.bytes());
await Deno.writeFile(theirsFile, theirs);

// The getppid path through each program (instructions executed), from the interpreter.
const getppid = syscallNumber(nativeArch(), "getppid")!;
const auditArch = nativeArch() === "x86_64" ? 0xc000003e : 0xc00000b7;
const pathOf = (instructions: Parameters<typeof runSeccomp>[0]) =>
  runSeccomp(instructions, { nr: getppid, arch: auditArch, args: [] }).executed;

console.log(
  `cordon run overhead (${RUNS} start-ups each; ${CALLS.toLocaleString()} getppid calls)`,
);
console.log(`policy: Docker default profile (${imported.arches.join(", ")})\n`);

// 1. Start-up.
const direct: number[] = [];
const library: number[] = [];
const launcherExec: number[] = [];
const cli: number[] = [];
for (let i = 0; i < RUNS; i++) {
  direct.push(await timed(() => new Deno.Command("/bin/true").output()));
  library.push(
    await timed(async () => {
      const r = await runConfined({ set, command: ["/bin/true"], arches: imported.arches });
      launcherExec.push(r.startupMs);
    }),
  );
  cli.push(
    await timed(() =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MOD, "run", "-p", policyFile, "--", "/bin/true"],
      }).output()
    ),
  );
}
console.log("start-up of /bin/true                     mean ms  median ms   vs direct");
const row = (name: string, xs: number[]) =>
  console.log(
    `${name.padEnd(40)}${fmt(mean(xs))}${fmt(median(xs), 1)}  ${
      fmt(median(xs) - median(direct), 1)
    } ms`,
  );
row("direct (Deno.Command)", direct);
row("runConfined() (launcher)", library);
row("  of which spawn -> execve of the target", launcherExec);
row("cordon run CLI (parse + compile + launch)", cli);

// 2. Filter cost.
async function loop(filters: string[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { stdout, success } = await new Deno.Command(probes.path("getppid_loop"), {
      args: [String(CALLS), ...filters],
      stdout: "piped",
    }).output();
    if (!success) throw new Error("getppid_loop failed");
    samples.push(Number(new TextDecoder().decode(stdout)));
  }
  return median(samples);
}
const none = await loop([]);
const withOurs = await loop([oursFile]);
const withTheirs = await loop([theirsFile]);
console.log(
  `\ngetppid loop (median of 3)        ns/call  vs unfiltered  program size  getppid path`,
);
console.log(`unfiltered                      ${fmt(none)}${fmt(1, 2)}x`);
console.log(
  `Cordon filter                   ${fmt(withOurs)}${fmt(withOurs / none, 2)}x  ${
    String(ours.instructions.length).padStart(8)
  } insns  ${pathOf(ours)} insns`,
);
console.log(
  `libseccomp filter (optimize=2)  ${fmt(withTheirs)}${fmt(withTheirs / none, 2)}x  ${
    String(theirs.length / 8).padStart(8)
  } insns  ${pathOf(decodeInstructions(theirs))} insns`,
);
console.log(
  `\nCordon / libseccomp filter overhead: ${
    ((withOurs - none) / Math.max(0.01, withTheirs - none)).toFixed(2)
  }x (per-call cost above unfiltered)`,
);

function decodeInstructions(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => ({
    code: view.getUint16(i * 8, true),
    jt: bytes[i * 8 + 2]!,
    jf: bytes[i * 8 + 3]!,
    k: view.getUint32(i * 8 + 4, true),
  }));
}
