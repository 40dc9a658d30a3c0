/**
 * Bypass suite: device nodes (issue 9, item 5). A root program with CAP_MKNOD makes a block
 * device node inside a path it may write, or opens an existing one such as `/dev/loopN`, and
 * writes the disk behind it. The cgroup device program of `bpf/cgroup_guard.bpf.c` allows mknod,
 * read and write only of the safe character devices (`/dev/null`, `zero`, `full`, `random`,
 * `urandom`, `tty`, `ptmx`, `pts/*`) and the policy's `privileges.devices`: every block device
 * fails with EPERM. The disk here is a loop device over a temporary image, whose bytes the test
 * reads afterwards; a policy listing the device shows the write would otherwise land.
 */

import { hasCommand, kernelTest, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { GUARD_REASON, policy, pythonUnder, results } from "./_cgroup_guard.ts";

const REASON = unavailable(GUARD_REASON, !hasCommand("losetup") && "needs losetup");

/** A loop device over a 1 MiB image of zeros; disposing detaches it and removes the image. */
async function loopDevice(): Promise<
  { device: string; image: string; minor: number } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-disk-" });
  const image = `${dir}/disk.img`;
  await Deno.writeFile(image, new Uint8Array(1 << 20));
  const out = await new Deno.Command("losetup", {
    args: ["--find", "--show", image],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`losetup: ${new TextDecoder().decode(out.stderr)}`);
  const device = new TextDecoder().decode(out.stdout).trim();
  const minor = Number(/(\d+)$/.exec(device)![1]);
  return {
    device,
    image,
    minor,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("losetup", { args: ["--detach", device] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const ATTACK = `
import os, stat, sys
device, node, minor = sys.argv[1], sys.argv[2], int(sys.argv[3])
def attempt(name, fn):
    try:
        fn(); print(name, "ok", flush=True)
    except OSError as e:
        print(name, e.errno, flush=True)
def write(path, sync=True):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, b"PWNED")
        if sync: os.fsync(fd)
    finally:
        os.close(fd)
def read(path):
    fd = os.open(path, os.O_RDONLY); os.read(fd, 16); os.close(fd)
attempt("open-existing-write", lambda: write(device))
attempt("open-existing-read", lambda: read(device))
attempt("mknod-block", lambda: os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, minor)))
if os.path.exists(node):
    attempt("open-made-write", lambda: write(node))
attempt("dev-null", lambda: write("/dev/null", False))
attempt("dev-urandom", lambda: read("/dev/urandom"))
`;

function imageWritten(image: string): boolean {
  return new TextDecoder().decode(Deno.readFileSync(image).subarray(0, 5)) === "PWNED";
}

kernelTest(
  "bypass: a root program can neither write an existing block device nor one it mknods",
  REASON,
  async () => {
    await using disk = await loopDevice();
    const scratch = await Deno.makeTempDir({ prefix: "cordon-devnode-" });
    try {
      for (
        const spec of [
          // Writing everywhere: nothing but the device program between it and the disk.
          "privileges:\n  capabilities: [CAP_MKNOD]\nfilesystem:\n  write: [/]",
          // A write path where Landlock lets it make device nodes (MAKE_BLOCK).
          `privileges:\n  capabilities: [CAP_MKNOD]\nfilesystem:\n  write: [${
            JSON.stringify(scratch)
          }]`,
        ]
      ) {
        const node = `${scratch}/blk-${crypto.randomUUID()}`;
        const args = [disk.device, node, String(disk.minor)];
        const run = await pythonUnder(
          policy("no-devices", spec),
          `import sys; sys.argv[1:] = ${JSON.stringify(args)}\n${ATTACK}`,
        );
        const got = results(run.stdout);
        assert(got.get("open-existing-write") === "1", `existing write: ${[...got]}`);
        assert(got.get("open-existing-read") === "1", `existing read: ${[...got]}`);
        assert(got.get("mknod-block") === "1", `mknod: ${[...got]}`);
        assert(!got.has("open-made-write"), `a node was made: ${[...got]}`);
        // The safe devices stay usable (writing /dev/null outside the write paths is Landlock's).
        assert(got.get("dev-urandom") === "ok", run.stdout);
        if (spec.includes("[/]")) assert(got.get("dev-null") === "ok", run.stdout);
        assert(!imageWritten(disk.image), "the disk image was written");
      }
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: privileges.devices opens a block device, by number or by path (the control)",
  REASON,
  async () => {
    await using disk = await loopDevice();
    const scratch = await Deno.makeTempDir({ prefix: "cordon-devnode-" });
    try {
      for (const device of [`"b 7:${disk.minor}"`, JSON.stringify(disk.device)]) {
        const node = `${scratch}/blk-${crypto.randomUUID()}`;
        const args = [disk.device, node, String(disk.minor)];
        // Writing everywhere (no nodev write binds): the node made in scratch can be opened.
        const spec =
          `privileges:\n  capabilities: [CAP_MKNOD]\n  devices: [${device}]\nfilesystem:\n  write: [/]`;
        const run = await pythonUnder(
          policy("loop-allowed", spec),
          `import sys; sys.argv[1:] = ${JSON.stringify(args)}\n${ATTACK}`,
        );
        const got = results(run.stdout);
        assert(got.get("open-existing-write") === "ok", `${device}: ${run.stdout} ${run.stderr}`);
        assert(got.get("mknod-block") === "ok", `${device} mknod: ${run.stdout}`);
        assert(got.get("open-made-write") === "ok", `${device} made node: ${run.stdout}`);
        assert(imageWritten(disk.image), "the allowed write did not reach the image");
        await Deno.writeFile(disk.image, new Uint8Array(5)); // reset for the next round
      }
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  },
);
