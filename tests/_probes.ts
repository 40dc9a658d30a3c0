/**
 * Helpers of the kernel and bypass suites: the C probe programs of `tests/testdata/probes/`
 * compiled with gcc into a temporary directory, run confined through {@linkcode runConfined},
 * and the outcome the BPF interpreter predicts for the same call, to compare with what the kernel
 * did; with the assertions and file checks the kernel suites share.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import { syscallTable } from "../policies/syscalls.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { decodeAction, runSeccomp } from "../compile/bpf_interpreter.ts";
import { evaluate } from "../compile/evaluate.ts";
import { hostArches, planFilters, runConfined, type RunOptions } from "../backends/linux/run.ts";
import { loadPolicies } from "../compile/load_policies.ts";
import { needCommands, needRoot, unavailable } from "./_kernel.ts";
export { ok as assert } from "node:assert/strict";

const PROBES_DIR = new URL("./testdata/probes/", import.meta.url).pathname;

/** Whether `path` exists (a dangling link counts); other errors than not-found are thrown. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** What `promise` rejects with, or `undefined` when it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Why C programs cannot be compiled and run confined here (they need Linux, root and gcc), or
 * `null`.
 */
export const PROBES_REASON: string | null = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  needCommands("gcc"),
);

/**
 * Why the probes of the bypass suite cannot run here (they need Linux on x86_64, root and gcc),
 * or `null`.
 */
export const X86_64_PROBES_REASON: string | null = unavailable(
  !(Deno.build.os === "linux" && Deno.build.arch === "x86_64") && "needs Linux on x86_64",
  needRoot(),
  needCommands("gcc"),
);

/** The compiled probes; `Symbol.asyncDispose` removes them. */
export interface Probes extends AsyncDisposable {
  /** The temporary directory holding the binaries (and free for scratch files). */
  readonly dir: string;
  /** Path of the binary built from `tests/testdata/probes/NAME.c`. */
  path(name: string): string;
}

/**
 * Compiles `names` (`tests/testdata/probes/NAME.c`) with gcc into a new temporary directory.
 * `static` names are linked statically (no dynamic loader, so no `openat` at start-up).
 */
export async function buildProbes(
  names: readonly string[],
  options: { static?: readonly string[] } = {},
): Promise<Probes> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-probes-" });
  for (const name of names) {
    const args = ["-O2", "-Wall", "-pthread", "-o", `${dir}/${name}`, `${PROBES_DIR}${name}.c`];
    if (options.static?.includes(name)) args.unshift("-static");
    const { success, stderr } = await new Deno.Command("gcc", { args, stderr: "piped" }).output();
    if (!success) {
      throw new Error(`gcc ${name}.c failed: ${new TextDecoder().decode(stderr)}`);
    }
  }
  return {
    dir,
    path: (name) => `${dir}/${name}`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Compiles policies given as YAML text (written to `dir`) for the host's architectures. */
export async function compileYaml(
  dir: string,
  yaml: string,
  arches: readonly Arch[] = hostArches(),
): Promise<FilterSet> {
  const file = `${dir}/policy-${crypto.randomUUID()}.yaml`;
  await Deno.writeTextFile(file, yaml);
  return (await loadPolicies([file], { arches })).filters;
}

/**
 * `yaml` with `filesystem.execute: [dir]` added to its policy: the probes in `dir` are the
 * policy's own executables. A policy extending `builtin:baseline` may otherwise execute only
 * the system's program directories (Landlock, under `cordon run`), and the probes live in a
 * temporary directory. `yaml` must hold one policy whose block-style `spec` comes last and has
 * no `filesystem` section yet (the lists of `extends` parents add up with this one).
 *
 * @example
 * ```ts ignore
 * const set = await compileYaml(probes.dir, allowProbes(POLICY, probes.dir));
 * ```
 */
export function allowProbes(yaml: string, dir: string): string {
  if (!/^spec:\s*$/m.test(yaml) || /^\s+filesystem:/m.test(yaml)) {
    throw new Error("allowProbes needs a block-style spec without a filesystem section");
  }
  return `${yaml.trimEnd()}\n  filesystem:\n    execute: [${JSON.stringify(dir)}]\n`;
}

/** A policy denying the `proc.exec` group: `runConfined` refuses it before starting anything. */
export const NO_EXEC_POLICY = `apiVersion: cordon/v1
kind: Policy
metadata: { name: no-exec }
spec:
  defaultAction: allow
  capabilities: { deny: [proc.exec] }
`;

/** What a probe's call came to, as observed or predicted. */
export type Outcome =
  /** The call ran (allowed or logged); what it returned is the kernel's business. */
  | { readonly kind: "ran" }
  /** The call returned -1 with this errno without running (seccomp `ERRNO`, or ENOSYS for trace/notify). */
  | { readonly kind: "errno"; readonly errno: number }
  /** `ERRNO(0)`: the call "succeeded" without running. */
  | { readonly kind: "fake-success" }
  /** SIGSYS delivered to a handler (seccomp `TRAP`) with this data. */
  | { readonly kind: "trap"; readonly data: number }
  /** The process was killed by SIGSYS (seccomp `KILL_PROCESS`/`KILL_THREAD`). */
  | { readonly kind: "killed" };

/** One call as the interpreter sees it. */
export interface PredictedCall {
  readonly arch: Arch;
  readonly nr: number;
  readonly args?: readonly bigint[];
}

/**
 * The outcome the interpreter predicts for `call` under `set`: every layer compiled and stacked
 * as `runConfined` installs them, each run through {@linkcode runSeccomp}, combined as the kernel
 * does (the lowest action wins; ties go to the filter installed last). Also checks that the
 * evaluator agrees on the action, so the three (evaluator, interpreter, kernel) are compared.
 */
export function predict(
  set: FilterSet,
  call: PredictedCall,
  arches: readonly Arch[] = hostArches(),
): Outcome {
  const filters = planFilters(set, arches);
  const auditArch = syscallTable(call.arch).auditArch >>> 0;
  // Not truncated for i386: `int $0x80` from a 64-bit process hands seccomp the whole 64-bit
  // registers (the bypass suite checks that the filters compare only the low halves there).
  const args = (call.args ?? []).map((a) => BigInt.asUintN(64, a));
  let best: number | undefined;
  for (let i = filters.length - 1; i >= 0; i--) {
    const ret = runSeccomp(filters[i]!.program, { nr: call.nr, arch: auditArch, args }).action;
    const rank = (ret & 0xffff0000) | 0; // the kernel compares the action as signed
    if (best === undefined || rank < ((best & 0xffff0000) | 0)) best = ret;
  }
  if (best === undefined) return { kind: "ran" };
  const { action, data } = decodeAction(best);
  const outcome = outcomeOf(action, data);
  if (arches.includes(call.arch)) {
    const verdict = evaluate(set, { arch: call.arch, nr: call.nr, args });
    const expected = verdict.action === "deny" && (verdict.errno ?? 0) === 0 ? "fake-success" : ({
      allow: "ran",
      log: "ran",
      deny: "errno",
      trace: "errno",
      notify: "errno",
      trap: "trap",
      kill: "killed",
      kill_thread: "killed",
    } as const)[verdict.action];
    if (expected !== outcome.kind) {
      throw new Error(
        `evaluator (${verdict.action}) and interpreter (${outcome.kind}) disagree on ${call.arch} #${call.nr}`,
      );
    }
  }
  return outcome;
}

function outcomeOf(action: string, data: number): Outcome {
  switch (action) {
    case "allow":
    case "log":
      return { kind: "ran" };
    case "errno":
      return data === 0 ? { kind: "fake-success" } : { kind: "errno", errno: data };
    case "trace":
    case "user_notif":
      return { kind: "errno", errno: 38 }; // no tracer / no listener: ENOSYS
    case "trap":
      return { kind: "trap", data };
    default:
      return { kind: "killed" };
  }
}

/** A probe's raw result. */
export interface ProbeRun {
  readonly code: number;
  readonly signal: Deno.Signal | null;
  readonly pid: number;
  /** The probe's JSON line, or `null` when it printed none (killed, or replaced by execve). */
  readonly json: Record<string, number | boolean | string> | null;
  readonly stdout: string;
}

/** Runs `argv` confined by `set`, capturing stdout. */
export async function runProbe(
  set: FilterSet,
  argv: readonly string[],
  options: Partial<RunOptions> = {},
): Promise<ProbeRun> {
  const result = await runConfined({ stdout: "piped", ...options, set, command: argv });
  const stdout = new TextDecoder().decode(result.stdout);
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return {
    code: result.code,
    signal: result.signal,
    pid: result.pid,
    json: line.startsWith("{") ? JSON.parse(line) : null,
    stdout,
  };
}

/**
 * The observed outcome of a `syscall_probe` run. `ranWhen` tells how the probe's own result
 * looks when the call really ran (it depends on the call).
 */
export function observed(run: ProbeRun, ranWhen: (ret: number, errno: number) => boolean): Outcome {
  if (run.signal === "SIGSYS" && run.json === null) return { kind: "killed" };
  const json = run.json;
  if (json === null) throw new Error(`probe printed nothing (code ${run.code}): ${run.stdout}`);
  if (json.trap === true) return { kind: "trap", data: Number(json.errno) };
  const ret = Number(json.ret);
  const errno = Number(json.errno);
  if (ranWhen(ret, errno)) return { kind: "ran" };
  if (ret === 0 && errno === 0) return { kind: "fake-success" };
  if (ret === -1) return { kind: "errno", errno };
  throw new Error(`probe result ${JSON.stringify(json)} matches no outcome`);
}
