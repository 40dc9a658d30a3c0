/**
 * `cordon run --monitor --report out.html`: what `run --monitor` collects (the kernel reader's
 * per-process counts and aggregated file and network accesses) and what `--explain` reports
 * (seccomp and network denials), fed to the same {@linkcode ActivityRecorder} that renders
 * `cordon monitor --report`. Pure (no `Deno.*`).
 *
 * @module
 */

import type { RunActivity } from "../backends/linux/run_monitor.ts";
import type { SeccompDenial } from "../backends/linux/seccomp_notify.ts";
import type { NetworkDenial } from "../backends/linux/net_explain.ts";
import type { LandlockDenial } from "../backends/linux/landlock_audit.ts";
import { errnoName } from "../policies/constants.ts";
import type { ViewDenial } from "../backends/linux/view_explain.ts";
import type { ActivityRecorder, Denial } from "./activity_report.ts";
import { where } from "./explain_report.ts";

/**
 * Records every process of a run's tree at `time` (a sample of the syscalls-over-time chart).
 *
 * @example
 * ```ts
 * import { ActivityRecorder } from "./activity_report.ts";
 * import { sampleRun } from "./run_activity_report.ts";
 * const r = new ActivityRecorder(0);
 * sampleRun(r, {
 *   pid: 7, execSeen: true, syscalls: 3, bySyscall: new Map([["read", 3]]),
 *   processes: [{ pid: 7, comm: "cat", exited: false, syscalls: 3,
 *     bySyscall: new Map([["read", 3]]), counted: true }],
 *   files: [], filesTotal: 0, network: [], networkTotal: 0, lost: 0,
 * }, 500);
 * if (r.data.processes[0]?.samples[0]?.[1] !== 3) throw new Error();
 * ```
 */
export function sampleRun(recorder: ActivityRecorder, activity: RunActivity, time: number): void {
  for (const p of activity.processes) {
    recorder.sample({
      pid: p.pid,
      syscalls: p.syscalls,
      bySyscall: p.bySyscall,
      ...(p.comm === undefined ? {} : { comm: p.comm }),
      ...(p.executable === undefined ? {} : { executable: p.executable }),
      ...(p.exitCode === undefined ? {} : { exitCode: p.exitCode }),
      ...(p.signal === undefined ? {} : { signal: p.signal }),
    }, time);
  }
}

/**
 * The last sample of a run and its aggregated file and network accesses (keys as
 * `cordon monitor --report` writes them: `open PATH`, `connect tcp ADDRESS:PORT`).
 *
 * @example
 * ```ts
 * import { ActivityRecorder } from "./activity_report.ts";
 * import { finishRun } from "./run_activity_report.ts";
 * const r = new ActivityRecorder(0);
 * finishRun(r, {
 *   pid: 7, execSeen: true, syscalls: 0, bySyscall: new Map(), processes: [],
 *   files: [{ path: "/etc/hosts", op: "open", count: 2, failed: 0, pid: 7 }], filesTotal: 2,
 *   network: [], networkTotal: 0, lost: 0,
 * }, 900);
 * if (r.data.files.get("open /etc/hosts") !== 2) throw new Error();
 * ```
 */
export function finishRun(recorder: ActivityRecorder, activity: RunActivity, time: number): void {
  sampleRun(recorder, activity, time);
  for (const f of activity.files) recorder.countAccess("files", `${f.op} ${f.path}`, f.count);
  for (const n of activity.network) {
    const at = n.address === undefined
      ? ""
      : ` ${n.family === "inet6" ? `[${n.address}]` : n.address}${
        n.port === undefined ? "" : `:${n.port}`
      }`;
    recorder.countAccess("network", `${n.op} ${n.family}${at}`, n.count);
  }
}

/**
 * A seccomp denial (`--explain`) as the report lists it.
 *
 * @example
 * ```ts
 * import { seccompDenialEntry } from "./run_activity_report.ts";
 * const e = seccompDenialEntry({
 *   pid: 7, comm: "mkdir", arch: "x86_64", nr: 83, syscall: "mkdir", args: [0n, 0n, 0n, 0n, 0n, 0n],
 *   paths: { 0: "/tmp/x" }, errno: 1, errnoName: "EPERM", ruleId: "no-mkdir", policy: "p",
 *   loc: { file: "p.yaml", line: 9, column: 7 },
 * }, 1000);
 * if (e.by !== "p: no-mkdir at p.yaml:9:7" || e.what !== "mkdir /tmp/x") throw new Error(e.by);
 * ```
 */
export function seccompDenialEntry(denial: SeccompDenial, time: number): Denial {
  const paths = Object.values(denial.paths);
  return {
    time,
    pid: denial.pid,
    ...(denial.comm === undefined ? {} : { comm: denial.comm }),
    what: paths.length ? `${denial.syscall} ${paths.join(", ")}` : denial.syscall,
    action: `deny ${denial.errnoName ?? "errno"} (${denial.errno}) (seccomp)`,
    by: `${denial.policy}: ${denial.ruleId ?? "defaultAction"} at ${where(denial.loc)}`,
  };
}

/**
 * A network denial (`--explain`, cgroup BPF) as the report lists it.
 *
 * @example
 * ```ts
 * import { networkDenialEntry } from "./run_activity_report.ts";
 * const e = networkDenialEntry({
 *   pid: 7, tid: 7, comm: "curl", op: "connect", family: "inet", address: "10.0.0.1",
 *   port: 80, protocol: "tcp", policy: "p", loc: { file: "p.yaml", line: 12, column: 3 },
 *   errno: 1,
 * }, 1000);
 * if (e.what !== "connect tcp 10.0.0.1:80") throw new Error(e.what);
 * ```
 */
export function networkDenialEntry(denial: NetworkDenial, time: number): Denial {
  const host = denial.family === "inet6" ? `[${denial.address}]` : denial.address;
  return {
    time,
    pid: denial.pid,
    ...(denial.comm ? { comm: denial.comm } : {}),
    what: `${denial.op} ${denial.protocol} ${host}:${denial.port}`,
    action: denial.errno === 0
      ? "deny (audit: allowed) (cgroup BPF)"
      : "deny EPERM (1) (cgroup BPF)",
    by: `${denial.policy}: network at ${where(denial.loc)}`,
  };
}

/**
 * A Landlock denial (`--explain`, audit records) as the report lists it.
 *
 * @example
 * ```ts
 * import { landlockDenialEntry } from "./run_activity_report.ts";
 * const e = landlockDenialEntry({
 *   pid: 7, comm: "cat", syscall: "openat", blockers: ["fs.read_file"], path: "/etc/shadow",
 *   section: "read", policy: "p", loc: { file: "p.yaml", line: 6, column: 3 }, errno: 13,
 * }, 1000);
 * if (e.what !== "openat /etc/shadow" || e.by !== "p: filesystem.read at p.yaml:6:3") throw new Error(e.by);
 * ```
 */
export function landlockDenialEntry(denial: LandlockDenial, time: number): Denial {
  const call = denial.syscall ??
    (denial.uringOp === undefined ? "access" : `io_uring op ${denial.uringOp}`);
  const object = denial.path ??
    (denial.address === undefined
      ? undefined
      : `${denial.address}${denial.port === undefined ? "" : `:${denial.port}`}`);
  return {
    time,
    pid: denial.pid ?? 0,
    ...(denial.comm === undefined ? {} : { comm: denial.comm }),
    what: object === undefined ? call : `${call} ${object}`,
    action: `deny EACCES (13) (Landlock ${denial.blockers.join(",")})`,
    by: `${denial.policy}: ${
      denial.section === "network" ? "network" : `filesystem.${denial.section}`
    } at ${where(denial.loc)}`,
  };
}

/**
 * A call the read-only view refused (`--explain`, `bpf/view_denials.bpf.c`) as the report lists
 * it.
 *
 * @example
 * ```ts
 * import { viewDenialEntry } from "./run_activity_report.ts";
 * const e = viewDenialEntry({
 *   pid: 7, tid: 7, comm: "touch", arch: "x86_64", syscall: "openat", nr: 257, args: [],
 *   paths: { 1: "/etc/x" }, errno: 30, policy: "p", ruleId: "p:filesystem.write",
 *   loc: { file: "p.yaml", line: 6, column: 3 }, reason: "outside the write paths",
 * }, 1000);
 * if (e.what !== "openat /etc/x" || e.by !== "p: filesystem.write at p.yaml:6:3") throw new Error(e.by);
 * ```
 */
export function viewDenialEntry(denial: ViewDenial, time: number): Denial {
  const paths = Object.values(denial.paths);
  return {
    time,
    pid: denial.pid,
    ...(denial.comm ? { comm: denial.comm } : {}),
    what: paths.length ? `${denial.syscall} ${paths.join(" -> ")}` : denial.syscall,
    action: `deny ${errnoName(denial.errno) ?? "errno"} (${denial.errno}) (read-only view)`,
    by: `${denial.policy}: filesystem.write at ${where(denial.loc)}`,
  };
}
