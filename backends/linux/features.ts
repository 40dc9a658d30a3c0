/**
 * Feature probes of the Linux kernel mechanisms Cordon uses, each with three answers (as
 * cilium/ebpf does): available, not supported (with the reason; {@linkcode requireFeature}
 * throws a {@linkcode NotSupportedError} naming the feature), or inconclusive (any other
 * error). Only conclusive answers are cached.
 *
 * Probes load real (tiny) programs where that is the only honest test: BPF LSM and BPF
 * trampolines (fentry) are listed by the kernel yet may refuse to load (EPERM), as here.
 *
 * Requires `allow-ffi`, `allow-read` and, for true answers, root.
 *
 * @module
 */

import type { FeatureStatus } from "../../engine/backend.ts";
import { NotSupportedError } from "./errors.ts";
import { libbpf, safeErrnoDetail } from "./libbpf.ts";
import { errno, libc } from "./libc.ts";
import { cgroup2Root } from "./cgroup.ts";
import { landlockAbiVersion } from "./landlock.ts";

/** The features Cordon probes, in the order `cordon doctor` lists them. */
export const FEATURES = [
  "bpf syscall",
  "BTF",
  "ring buffer",
  "tracepoint programs",
  "raw_tp programs",
  "tp_btf programs",
  "cgroup v2",
  "cgroup sock_addr programs",
  "BPF LSM",
  "fentry (BPF trampolines)",
  "kprobes",
  "seccomp",
  "Landlock",
  "bpftrace",
] as const;

/** A feature's name. */
export type Feature = typeof FEATURES[number];

const cache = new Map<Feature, FeatureStatus>();

const EPERM = 1;
const ENOENT = 2;
const EINVAL = 22;
const EOPNOTSUPP = 95;
const ENOTSUPP = 524;
const E2BIG = 7;

const PROG_TYPE = {
  socketFilter: 1,
  tracepoint: 5,
  cgroupSockAddr: 18,
  rawTracepoint: 17,
  tracing: 26,
  lsm: 29,
};
const ATTACH = { cgroupInet4Connect: 10, fentry: 24, rawTp: 23, lsmMac: 27 };
const PROG_LOAD_OPTS_SIZE = 104; // sizeof(struct bpf_prog_load_opts), libbpf 1.1

function available(name: Feature, detail?: string): FeatureStatus {
  return detail === undefined
    ? { name, status: "available" }
    : { name, status: "available", detail };
}

function notSupported(name: Feature, detail: string): FeatureStatus {
  return { name, status: "not-supported", detail };
}

function inconclusive(name: Feature, detail: string): FeatureStatus {
  return { name, status: "inconclusive", detail };
}

function errnoText(code: number): string {
  const d = safeErrnoDetail(code);
  return `${d.name ?? `E${code}`}${d.description ? ` (${d.description})` : ""}`;
}

/** Loads `r0 = 0; exit` as `progType` and answers by the result. */
function loadTinyProgram(
  name: Feature,
  progType: number,
  attachType: number,
  attachBtfName: string | undefined,
): FeatureStatus {
  const symbols = libbpf();
  const opts = new Uint8Array(PROG_LOAD_OPTS_SIZE);
  const view = new DataView(opts.buffer);
  view.setBigUint64(0, BigInt(PROG_LOAD_OPTS_SIZE), true);
  view.setUint32(12, attachType, true);
  if (attachBtfName !== undefined) {
    const id = symbols.libbpf_find_vmlinux_btf_id(
      new TextEncoder().encode(`${attachBtfName}\0`),
      attachType,
    );
    if (id < 0) {
      return -id === ENOENT || -id === ESRCH
        ? notSupported(name, `the kernel's BTF has no "${attachBtfName}" to attach to`)
        : inconclusive(name, `finding "${attachBtfName}" in the kernel's BTF: ${errnoText(-id)}`);
    }
    view.setUint32(32, id, true);
  }
  // BPF_ALU64|BPF_MOV|BPF_K r0 = 0; BPF_JMP|BPF_EXIT
  const insns = new Uint8Array([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  const fd = symbols.bpf_prog_load(
    progType,
    new TextEncoder().encode("cordon_probe\0"),
    new TextEncoder().encode("GPL\0"),
    insns,
    2n,
    opts,
  );
  if (fd >= 0) {
    libc().close(fd);
    return available(name);
  }
  const code = -fd;
  if (code === EPERM) {
    return notSupported(
      name,
      `loading a program fails with ${errnoText(code)} although we are root`,
    );
  }
  if (code === EINVAL || code === ENOTSUPP || code === EOPNOTSUPP || code === E2BIG) {
    return notSupported(name, `the kernel rejects the program type: ${errnoText(code)}`);
  }
  return inconclusive(name, `probe load failed: ${errnoText(code)}`);
}

const ESRCH = 3;

function probeType(name: Feature, result: number, what: string): FeatureStatus {
  if (result === 1) return available(name);
  if (result === 0) return notSupported(name, `the kernel does not support ${what}`);
  if (-result === EPERM) {
    return notSupported(name, `no permission to use bpf() (needs root or CAP_BPF)`);
  }
  return inconclusive(name, `probing ${what}: ${errnoText(-result)}`);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function run(name: Feature): FeatureStatus {
  if (Deno.build.os !== "linux") return notSupported(name, `not Linux (${Deno.build.os})`);
  switch (name) {
    case "bpf syscall":
      return probeType(
        name,
        libbpf().libbpf_probe_bpf_prog_type(PROG_TYPE.socketFilter, null),
        "BPF programs",
      );
    case "BTF":
      return exists("/sys/kernel/btf/vmlinux")
        ? available(name, "/sys/kernel/btf/vmlinux")
        : notSupported(
          name,
          "/sys/kernel/btf/vmlinux is missing (kernel built without CONFIG_DEBUG_INFO_BTF)",
        );
    case "ring buffer":
      return probeType(name, libbpf().libbpf_probe_bpf_map_type(27, null), "BPF_MAP_TYPE_RINGBUF");
    case "tracepoint programs":
      return probeType(
        name,
        libbpf().libbpf_probe_bpf_prog_type(PROG_TYPE.tracepoint, null),
        "tracepoint programs",
      );
    case "raw_tp programs":
      return probeType(
        name,
        libbpf().libbpf_probe_bpf_prog_type(PROG_TYPE.rawTracepoint, null),
        "raw tracepoint programs",
      );
    case "tp_btf programs":
      return loadTinyProgram(name, PROG_TYPE.tracing, ATTACH.rawTp, "sys_enter");
    case "cgroup v2":
      try {
        return available(name, cgroup2Root());
      } catch (error) {
        return error instanceof NotSupportedError
          ? notSupported(name, error.message)
          : inconclusive(name, String(error));
      }
    case "cgroup sock_addr programs":
      return loadTinyProgram(name, PROG_TYPE.cgroupSockAddr, ATTACH.cgroupInet4Connect, undefined);
    case "BPF LSM": {
      let lsms = "";
      try {
        lsms = Deno.readTextFileSync("/sys/kernel/security/lsm").trim();
      } catch {
        // securityfs not mounted: the load decides
      }
      const loaded = loadTinyProgram(name, PROG_TYPE.lsm, ATTACH.lsmMac, "file_open");
      if (loaded.status === "available" || !lsms) return loaded;
      const listed = lsms.split(",").includes("bpf")
        ? `"bpf" is in the active LSM list (${lsms}), but`
        : `"bpf" is not in the active LSM list (${lsms});`;
      return { ...loaded, detail: `${listed} ${loaded.detail}` };
    }
    case "fentry (BPF trampolines)":
      return loadTinyProgram(name, PROG_TYPE.tracing, ATTACH.fentry, "do_nanosleep");
    case "kprobes":
      return exists("/sys/bus/event_source/devices/kprobe") ? available(name) : notSupported(
        name,
        "no kprobe event source (/sys/bus/event_source/devices/kprobe): CONFIG_KPROBES is off",
      );
    case "seccomp": {
      const result = libc().prctl(21, /* PR_GET_SECCOMP */ 0n, 0n, 0n, 0n);
      if (result >= 0) return available(name);
      const code = errno();
      return code === EINVAL
        ? notSupported(
          name,
          "prctl(PR_GET_SECCOMP) fails with EINVAL: kernel built without CONFIG_SECCOMP",
        )
        : inconclusive(name, `prctl(PR_GET_SECCOMP): ${errnoText(code)}`);
    }
    case "Landlock":
      try {
        const abi = landlockAbiVersion();
        return abi > 0 ? available(name, `ABI ${abi}`) : notSupported(
          name,
          "landlock_create_ruleset is missing or Landlock is not enabled at boot",
        );
      } catch (error) {
        return inconclusive(name, String(error instanceof Error ? error.message : error));
      }
    case "bpftrace": {
      for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
        if (dir && exists(`${dir}/bpftrace`)) return available(name, `${dir}/bpftrace`);
      }
      return notSupported(name, "bpftrace is not on PATH (apt-get install bpftrace)");
    }
  }
}

/**
 * Probes `name` (cached once conclusive). Never throws: failures are `inconclusive`.
 *
 * @example
 * ```ts ignore
 * import { probeFeature } from "@cordon/cordon/linux";
 * console.log(probeFeature("BPF LSM")); // { status: "not-supported", detail: "… EPERM …" } here
 * ```
 */
export function probeFeature(name: Feature): FeatureStatus {
  const cached = cache.get(name);
  if (cached) return cached;
  let status: FeatureStatus;
  try {
    status = run(name);
  } catch (error) {
    status = error instanceof NotSupportedError
      ? notSupported(name, error.message)
      : inconclusive(name, error instanceof Error ? error.message : String(error));
  }
  if (status.status !== "inconclusive") cache.set(name, status);
  return status;
}

/**
 * Every feature, in {@linkcode FEATURES} order.
 *
 * @example
 * ```ts ignore
 * import { probeAllFeatures } from "@cordon/cordon/linux";
 * for (const f of probeAllFeatures()) console.log(f.name, f.status, f.detail ?? "");
 * ```
 */
export function probeAllFeatures(): FeatureStatus[] {
  return FEATURES.map(probeFeature);
}

/**
 * Throws {@linkcode NotSupportedError} naming `name` unless it is available (an inconclusive
 * probe also throws, with the probe's detail: fail closed).
 *
 * @example
 * ```ts ignore
 * import { requireFeature } from "@cordon/cordon/linux";
 * requireFeature("cgroup sock_addr programs");
 * ```
 */
export function requireFeature(name: Feature): void {
  const status = probeFeature(name);
  if (status.status !== "available") {
    throw new NotSupportedError(name, status.detail ?? status.status);
  }
}

/**
 * Forgets cached answers (for tests and long-running processes after a kernel change).
 *
 * @example
 * ```ts
 * import { clearFeatureCache } from "@cordon/cordon/linux";
 * clearFeatureCache();
 * ```
 */
export function clearFeatureCache(): void {
  cache.clear();
}
