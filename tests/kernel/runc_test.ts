/**
 * Kernel end-to-end test of the OCI export: `cordon compile --emit oci-runtime` writes the
 * runtime spec's `linux.seccomp`, runc (with libseccomp) loads it into a minimal bundle (an empty,
 * read-only rootfs with the host's `/usr` bound read-only), and the confined Python program
 * reports what the kernel let it do. The same bundle without the profile is the control: every
 * denial observed is the profile's.
 */

import { hasFile, kernelTest, needCommands, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { cordon } from "../_cli.ts";

const REASON = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  Deno.build.arch !== "x86_64" && "needs x86_64 (the probe uses x86_64 syscall numbers)",
  needRoot(),
  needCommands("runc"),
  !hasFile(PYTHON) && `needs ${PYTHON}`,
);

const EXAMPLES = new URL("../../examples/policies/", import.meta.url);

/** What the confined program tried, as errno numbers (0: it worked). */
interface Report {
  readonly hello: boolean;
  readonly [call: string]: number | boolean;
}

/**
 * Python that tries each call and prints `{name: errno}`. Raw `syscall(2)` calls pass 64-bit
 * registers, so a family with upper bits set reaches the kernel (which reads the low 32 bits).
 */
const PROGRAM = `
import ctypes, json, os, socket
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def raw(nr, *args):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    e = ctypes.get_errno()
    if r >= 0 and nr == 41:
        os.close(r)
    return 0 if r >= 0 else e
def call(f):
    try:
        f()
        return 0
    except OSError as e:
        return e.errno
out = {"hello": True}
out["unix"] = raw(41, socket.AF_UNIX, socket.SOCK_STREAM, 0)
out["unix_high_bits"] = raw(41, (1 << 32) | socket.AF_UNIX, socket.SOCK_STREAM, 0)
out["inet"] = raw(41, socket.AF_INET, socket.SOCK_STREAM, 0)
out["packet"] = raw(41, socket.AF_PACKET, socket.SOCK_RAW, 0)
out["packet_high_bits"] = raw(41, (1 << 32) | socket.AF_PACKET, socket.SOCK_RAW, 0)
out["chown"] = call(lambda: os.chown("/usr", 0, 0))
print(json.dumps(out))
`;

/** A bundle whose `config.json` runs {@linkcode PROGRAM}, with `seccomp` as `linux.seccomp`. */
async function writeBundle(dir: string, seccomp: unknown): Promise<void> {
  const rootfs = `${dir}/rootfs`;
  for (const d of ["usr", "proc", "dev", "sys", "tmp", "etc"]) {
    await Deno.mkdir(`${rootfs}/${d}`, { recursive: true });
  }
  for (const link of ["bin", "lib", "lib64", "sbin"]) {
    await Deno.symlink(`usr/${link}`, `${rootfs}/${link}`);
  }
  const config: Record<string, unknown> = {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [PYTHON, "-I", "-c", PROGRAM],
      env: ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"],
      cwd: "/",
      // runc installs the filter just before execve only with noNewPrivileges
      noNewPrivileges: true,
      capabilities: {
        bounding: ["CAP_KILL"],
        effective: ["CAP_KILL"],
        permitted: ["CAP_KILL"],
      },
    },
    root: { path: "rootfs", readonly: true },
    hostname: "cordon-runc",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "mode=755"] },
      { destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"] },
    ],
    linux: {
      namespaces: [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, {
        type: "network",
      }],
      maskedPaths: ["/proc/kcore"],
      readonlyPaths: ["/proc/sys"],
      ...(seccomp === undefined ? {} : { seccomp }),
    },
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config, null, 1));
}

let containers = 0;

/** Runs a bundle with runc (its state in `stateRoot`) and parses the program's report. */
async function runBundle(bundle: string, stateRoot: string): Promise<Report> {
  const id = `cordon-test-${Deno.pid}-${containers++}`;
  const out = await new Deno.Command("runc", {
    args: ["--root", stateRoot, "run", "--bundle", bundle, id],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.code === 0, `runc exited ${out.code}:\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Report;
}

/** Exports `policy` with the CLI and returns the parsed `linux.seccomp` and the warnings. */
async function exportRuntime(
  policy: string,
  dir: string,
): Promise<{ seccomp: unknown; stderr: string }> {
  const out = `${dir}/seccomp.json`;
  const run = await cordon([
    "compile",
    policy,
    "--arch",
    "x86_64,i386,x32",
    "--emit",
    "oci-runtime",
    "-o",
    out,
  ]);
  assert(run.code === 0, `compile failed: ${run.stderr}`);
  return { seccomp: JSON.parse(await Deno.readTextFile(out)), stderr: run.stderr };
}

const EXDEV = 18;

kernelTest(
  "runc runs a container with an exported oci-runtime profile; upper bits do not dodge it",
  REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-runc-" });
    try {
      const state = `${dir}/state`;
      const control = `${dir}/control`;
      await writeBundle(control, undefined);
      const free = await runBundle(control, state);

      await t.step("without a profile (the control)", () => {
        assert(free.hello === true, "the program ran");
        assert(free.unix === 0 && free.inet === 0, `sockets work: ${JSON.stringify(free)}`);
        assert(free.packet === 1, `AF_PACKET needs CAP_NET_RAW: ${JSON.stringify(free)}`);
        assert(free.chown === 30, `the rootfs is read-only (EROFS): ${JSON.stringify(free)}`);
      });

      await t.step("a policy denying AF_PACKET with EXDEV, whatever the upper bits", async () => {
        const policy = `${dir}/no-packet.yaml`;
        await Deno.writeTextFile(
          policy,
          [
            "apiVersion: cordon/v1",
            "kind: Policy",
            "metadata: { name: no-packet }",
            "spec:",
            "  defaultAction: allow",
            "  rules:",
            "    - id: no-packet",
            "      syscalls: [socket]",
            "      action: deny",
            "      errno: EXDEV",
            "      args: [{ index: 0, op: eq, value: AF_PACKET }]",
          ].join("\n") + "\n",
        );
        const { seccomp } = await exportRuntime(policy, dir);
        const bundle = `${dir}/no-packet`;
        await writeBundle(bundle, seccomp);
        const got = await runBundle(bundle, state);
        assert(got.hello === true, "the program ran under the profile");
        assert(got.packet === EXDEV, `socket(AF_PACKET) denied: ${JSON.stringify(got)}`);
        assert(
          got.packet_high_bits === EXDEV,
          `socket(1 << 32 | AF_PACKET), which the kernel reads as AF_PACKET, denied too: ` +
            JSON.stringify(got),
        );
        assert(got.inet === 0 && got.unix === 0, `other families allowed: ${JSON.stringify(got)}`);
        assert(got.chown === 30, `chown left to the kernel (EROFS): ${JSON.stringify(got)}`);
      });

      await t.step("examples/policies/cli-tool.yaml (builtin:baseline underneath)", async () => {
        const { seccomp, stderr } = await exportRuntime(
          new URL("cli-tool.yaml", EXAMPLES).pathname,
          dir,
        );
        const bundle = `${dir}/cli-tool`;
        await writeBundle(bundle, seccomp);
        const got = await runBundle(bundle, state);
        assert(got.hello === true, `python3 runs under the profile (warnings: ${stderr})`);
        assert(got.unix === 0, `AF_UNIX allowed (baseline-unix-sockets): ${JSON.stringify(got)}`);
        assert(
          got.unix_high_bits === 0,
          `1 << 32 | AF_UNIX is AF_UNIX to the kernel, allowed as Cordon decides: ${
            JSON.stringify(got)
          }`,
        );
        assert(got.inet === 1, `AF_INET denied (EPERM, no network): ${JSON.stringify(got)}`);
        assert(
          got.packet === 13,
          `AF_PACKET denied (EACCES, socket kinds): ${JSON.stringify(got)}`,
        );
        assert(got.packet_high_bits === 13, `with upper bits too: ${JSON.stringify(got)}`);
        assert(got.chown === 1, `chown denied by rule no-chown (EPERM): ${JSON.stringify(got)}`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
