/**
 * `cordon doctor`: what this machine's kernel offers Cordon, probed for real (programs are
 * loaded, not guessed from config files), with the reason for each missing mechanism.
 *
 * @module
 */

import { type Command, EXIT } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { type FEATURES, probeAllFeatures } from "../backends/linux/features.ts";
import { MONITOR_FEATURES, probeMonitor } from "../backends/linux/ebpf_monitor.ts";
import type { FeatureStatus } from "../engine/backend.ts";
import { findTracer, sipStatus, TracerError, tracerFor } from "../backends/dtrace/tracer.ts";

const OPTIONS = { format: { type: "string" } } as const;

/** What each feature is used for, for the table. */
const USES: Readonly<Record<(typeof FEATURES)[number], string>> = {
  "bpf syscall": "everything eBPF",
  "BTF": "CO-RE programs (tp_btf, LSM)",
  "ring buffer": "events to user space",
  "tracepoint programs": "tracing",
  "raw_tp programs": "tracing",
  "tp_btf programs": "monitor, counts, kill",
  "cgroup v2": "network deny (apply, run)",
  "cgroup sock_addr programs": "network deny (apply, run)",
  "BPF LSM": "deny for running processes",
  "fentry (BPF trampolines)": "(not used; reported)",
  "kprobes": "(not used; reported)",
  "seccomp": "run: syscall filters",
  "Landlock": "run: path rules",
  "bpftrace": "bpftrace dialect, comparisons",
};

const HELP = [
  "cordon doctor: which kernel mechanisms Cordon can use here, probed for real",
  "",
  "Usage: cordon doctor [--format text|json]",
  "",
  "Each feature is available, not supported (with the reason), or inconclusive (the probe",
  "failed for another reason). Probes load tiny programs: run as root for true answers.",
  "",
  "The tracer of the tracing-script backend (bpftrace on Linux, dtrace elsewhere) is reported",
  "with its version, and on macOS whether System Integrity Protection restricts it.",
  "",
  "The eBPF monitor itself is then loaded and closed again: builds of one kernel can still",
  "differ in what its verifier accepts. Where i386 results come from is reported: a task",
  "work per call, or the raw sys_exit tracepoint where the kernel refuses that task work.",
  "",
  "Exit codes: 0 when the eBPF monitor's requirements (bpf syscall, BTF, ring buffer,",
  "tp_btf programs) are available and the monitor loads, 1 otherwise, 2 usage error.",
  "",
  "Examples:",
  "  sudo deno task cordon doctor",
  "  sudo deno task cordon doctor --format json | jq '.features[] | select(.status != \"available\")'",
].join("\n");

function required(features: readonly FeatureStatus[]): boolean {
  return MONITOR_FEATURES.every((name) =>
    features.find((f) => f.name === name)?.status === "available"
  );
}

/**
 * The `doctor` command.
 *
 * @example
 * ```ts
 * import { doctorCommand } from "./cmd_doctor.ts";
 * if (doctorCommand.name !== "doctor" || !doctorCommand.help.includes("--format")) throw new Error();
 * ```
 */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "probe which kernel mechanisms (eBPF, cgroup BPF, LSM, seccomp, Landlock) work here",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    const format = choice(values, "format", ["text", "json"], "text");
    if (positionals.length) {
      console.error(`cordon doctor: unexpected argument "${positionals[0]}"`);
      return EXIT.usage;
    }
    const features = probeAllFeatures();
    const monitor = required(features) ? probeMonitor() : undefined;
    const ok = monitor?.loads === true;
    const tracer = await tracerReport();
    if (format === "json") {
      console.log(JSON.stringify({
        os: Deno.build.os,
        kernel: Deno.osRelease(),
        root: Deno.build.os === "linux" && Deno.uid() === 0,
        ebpfBackend: ok,
        monitor: monitor ?? { loads: false, detail: "its required features are missing" },
        tracer,
        features,
      }));
    } else {
      const width = Math.max(...features.map((f) => f.name.length));
      console.log(
        `kernel ${Deno.osRelease()} (${Deno.build.arch}), ${
          Deno.uid() === 0 ? "root" : "not root"
        }`,
      );
      for (const f of features) {
        const mark = f.status === "available"
          ? "yes"
          : f.status === "not-supported"
          ? "no "
          : "?  ";
        const use = USES[f.name as keyof typeof USES] ?? "";
        console.log(`${mark} ${f.name.padEnd(width)}  ${use}${f.detail ? ` — ${f.detail}` : ""}`);
      }
      console.log(
        ok
          ? `eBPF backend: available (the monitor loads; i386 results from ${monitor?.compatResults})`
          : `eBPF backend: unavailable (${monitor?.detail ?? "see above"})`,
      );
      console.log(
        `tracer: ${tracer.version ?? `${tracer.kind} not found`}${
          tracer.path ? ` at ${tracer.path}` : ""
        }${
          tracer.sip ? `, System Integrity Protection ${tracer.sip}` : ""
        } — tracing-script backend ` +
          (tracer.available ? "available" : `unavailable (${tracer.reason})`),
      );
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
};

/** The tracer of the tracing-script backend: where, which version, and whether it can run. */
async function tracerReport(): Promise<{
  kind: string;
  available: boolean;
  reason: string;
  path?: string;
  version?: string;
  sip?: string;
}> {
  const kind = tracerFor(Deno.build.os);
  const sip = Deno.build.os === "darwin" ? { sip: await sipStatus() } : {};
  try {
    const found = await findTracer(kind, { skipPrivilegeCheck: true });
    const root = Deno.build.os === "windows" || Deno.uid() === 0;
    return {
      kind,
      path: found.path,
      version: found.version,
      available: root,
      reason: root ? "root" : `${kind} needs root`,
      ...sip,
    };
  } catch (error) {
    const reason = error instanceof TracerError ? error.message : String(error);
    return { kind, available: false, reason, ...sip };
  }
}
