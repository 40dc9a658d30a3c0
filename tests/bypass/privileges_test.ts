/**
 * Bypass suite (issue 9, items 2 and 5): `cordon run` started as root must not hand root's
 * capabilities to the command. By default the command keeps none (all five capability sets
 * empty, securebits locked so that uid 0 regains nothing at `execve`); `privileges.capabilities`
 * keeps exactly the listed ones (the intersection across layers); `privileges.user`/`group` switch
 * identity; conflicting users are refused. Device nodes: without CAP_MKNOD none can be made, and
 * one made with it inside a write path cannot be opened (`nodev`). Kernel interfaces that uid 0
 * could write without capabilities (`/proc/sys`, `/proc/sysrq-trigger`, `/sys`) are read-only.
 */

import { kernelTest } from "../_kernel.ts";
import { assert, rejection } from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { PrivilegesError } from "../../backends/linux/process_confinement.ts";
import {
  attempts,
  baselineWriting,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  permissive,
  policySet,
} from "./_confinement.ts";

const STATUS = `
import ctypes
for line in open("/proc/self/status"):
    key = line.split(":")[0]
    if key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"):
        print(key, line.split()[1])
    if key in ("Uid", "Gid"):
        print(key, ",".join(line.split()[1:]))
    if key == "Groups":
        print(key, ",".join(line.split()[1:]) or "-")
libc = ctypes.CDLL(None, use_errno=True)
print("Securebits", hex(libc.prctl(27, 0, 0, 0, 0)))  # PR_GET_SECUREBITS
`;

const NONE = "0000000000000000";

kernelTest(
  "bypass: a command run as root keeps no capability by default",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-priv-" });
    try {
      // With filesystem.execute paths (the baseline's), SECBIT_EXEC_RESTRICT_FILE and its lock too.
      const sources: [string, string[], string][] = [
        ["builtin:baseline", ["builtin:baseline"], "0x3ef"],
        ["cli-tool.yaml", [CLI_TOOL], "0x3ef"],
        ["allow-all without privileges", [
          permissive("allow-all", []).replace(
            "  privileges:\n    capabilities: []\n",
            "",
          ),
        ], "0xef"],
      ];
      for (const [name, policies, securebits] of sources) {
        await t.step(name, async () => {
          const run = await attempts(await policySet(dir, ...policies), STATUS);
          expectAttempts(run, {
            CapInh: NONE,
            CapPrm: NONE,
            CapEff: NONE,
            CapBnd: NONE,
            CapAmb: NONE,
            NoNewPrivs: "1",
            Uid: "0,0,0,0",
            // NOROOT, NO_SETUID_FIXUP, KEEP_CAPS, NO_CAP_AMBIENT_RAISE: all set and locked but KEEP_CAPS
            Securebits: securebits,
          });
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: privileges.capabilities keeps exactly the listed capabilities, across layers the common ones",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-priv-" });
    try {
      const bind = `
import socket
def bind80():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0 if os.environ.get("ANY") else 79))
    s.close()
attempt("bind_low_port", bind80)
`;
      await t.step("by default, binding a port below 1024 is refused", async () => {
        const set = await policySet(dir, permissive("no-caps", []));
        expectAttempts(await attempts(set, bind), { bind_low_port: "EACCES" });
      });
      await t.step("kept CAP_NET_BIND_SERVICE survives execve, as ambient", async () => {
        const set = await policySet(dir, permissive("bind-low", ["CAP_NET_BIND_SERVICE"]));
        const run = await attempts(set, STATUS + bind);
        const bit = (1 << 10).toString(16).padStart(16, "0");
        expectAttempts(run, {
          CapEff: bit,
          CapPrm: bit,
          CapAmb: bit,
          CapBnd: bit,
          CapInh: bit,
          bind_low_port: "ok",
          Securebits: "0x2f",
        });
      });
      await t.step("two layers keep only the capabilities both list", async () => {
        const set = await policySet(
          dir,
          permissive("a", ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]),
          permissive("b", ["CAP_NET_BIND_SERVICE", "CAP_KILL"]),
        );
        const bit = (1 << 10).toString(16).padStart(16, "0");
        expectAttempts(await attempts(set, STATUS), { CapEff: bit, CapBnd: bit, CapAmb: bit });
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: privileges.user and group switch identity; conflicting users are refused",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-priv-" });
    try {
      await t.step("user and group 65534, supplementary groups dropped", async () => {
        const set = await policySet(
          dir,
          permissive("nobody", [], undefined, "user: 65534\n    group: 65534"),
        );
        const run = await attempts(set, STATUS + `attempt("setuid_back", lambda: os.setuid(0))\n`);
        expectAttempts(run, {
          Uid: "65534,65534,65534,65534",
          Gid: "65534,65534,65534,65534",
          Groups: "-",
          CapEff: NONE,
          setuid_back: "EPERM",
        });
      });
      await t.step("two layers naming different users: nothing runs", async () => {
        const marker = `${dir}/ran`;
        const set = await policySet(
          dir,
          permissive("u1", [], undefined, "user: 65534"),
          permissive("u2", [], undefined, "user: 1"),
        );
        const caught = await rejection(runConfined({ set, command: ["touch", marker] }));
        assert(
          caught instanceof PrivilegesError && caught.code === "PRIVILEGES_CONFLICT",
          String(caught),
        );
        assert(!await Deno.stat(marker).then(() => true, () => false), "nothing must have run");
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: no block device can be made, and one made with CAP_MKNOD in a write path cannot be opened",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-mknod-" });
    try {
      // The root filesystem's own device: opened read-only only, so a failing test changes nothing.
      const root = Deno.statSync("/");
      const major = Math.floor(root.dev / 256) & 0xfff;
      const minor = (root.dev & 0xff) | ((root.dev >> 12) & 0xfff00);
      const script = `
import stat
node = sys.argv[1] + "/disk"
attempt("mknod_block", lambda: os.mknod(node, 0o600 | stat.S_IFBLK, os.makedev(${major}, ${minor})))
attempt("open_block", lambda: os.close(os.open(node, os.O_RDONLY)))
attempt("open_dev_null", lambda: os.close(os.open("/dev/null", os.O_RDONLY)))
`;
      const cases: [string, string[], Record<string, string>][] = [
        ["builtin:baseline", ["builtin:baseline"], { mknod_block: "EPERM|EACCES|EROFS" }],
        ["cli-tool.yaml writing the directory", [CLI_TOOL, baselineWriting(dir)], {
          mknod_block: "EPERM|EACCES",
          open_dev_null: "ok",
        }],
        // CAP_MKNOD kept: the cgroup device guard still refuses a block device the policy
        // does not list.
        ["allow-all keeping CAP_MKNOD", [
          permissive("mknod", ["CAP_MKNOD"], `{ write: [${JSON.stringify(dir)}] }`),
        ], { mknod_block: "EPERM", open_dev_null: "ok" }],
        // As much as can be allowed: every syscall, CAP_MKNOD and CAP_SYS_RAWIO kept, the very
        // device listed in privileges.devices, the node made inside the write path; opening it
        // is still refused (the write path is mounted nodev).
        ["allow-all keeping CAP_MKNOD, the device listed", [
          permissive(
            "mknod-listed",
            ["CAP_MKNOD", "CAP_SYS_RAWIO", "CAP_DAC_OVERRIDE"],
            `{ write: [${JSON.stringify(dir)}] }`,
            `devices: ["b ${major}:${minor}"]`,
          ),
        ], { mknod_block: "ok", open_block: "EACCES", open_dev_null: "ok" }],
      ];
      for (const [name, policies, want] of cases) {
        await t.step(name, async () => {
          await Deno.remove(`${dir}/disk`).catch(() => {});
          const run = await attempts(await policySet(dir, ...policies), script, [dir]);
          expectAttempts(run, want);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: uid 0 without capabilities cannot write /proc/sys, /proc/sysrq-trigger or /sys",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-kernfs-" });
    try {
      // Each write puts back what is there (or a harmless value), so a failing test changes nothing.
      const script = `
def rewrite(path):
    value = open(path).read()
    with open(path, "w") as f:
        f.write(value)
attempt("core_pattern", lambda: rewrite("/proc/sys/kernel/core_pattern"))
attempt("sysctl_net", lambda: rewrite("/proc/sys/net/ipv4/ip_forward"))
def sysrq():
    if not os.path.exists("/proc/sysrq-trigger"):
        raise OSError(errno.EROFS, "no sysrq-trigger on this kernel: nothing to write")
    with open("/proc/sysrq-trigger", "w") as f:
        f.write("h")
attempt("sysrq_trigger", sysrq)
attempt("sys_kernel", lambda: rewrite("/sys/kernel/profiling"))
def cgroup_file():
    for line in open("/proc/self/mountinfo"):
        fields = line.split()
        if fields[fields.index("-") + 1] == "cgroup2":
            rewrite(fields[4] + "/cgroup.subtree_control")
            return
attempt("cgroup_file", cgroup_file)
attempt("read_sys", lambda: open("/proc/sys/kernel/ostype").read())
`;
      const sources: [string, string[]][] = [
        ["builtin:baseline", ["builtin:baseline"]],
        ["cli-tool.yaml", [CLI_TOOL]],
        ["allow-all, writing anywhere", [permissive("anywhere", ["CAP_DAC_OVERRIDE"])]],
      ];
      for (const [name, policies] of sources) {
        await t.step(name, async () => {
          const run = await attempts(await policySet(dir, ...policies), script);
          expectAttempts(run, {
            core_pattern: "EROFS",
            sysctl_net: "EROFS",
            sysrq_trigger: "EROFS",
            sys_kernel: "EROFS",
            cgroup_file: "EROFS",
            read_sys: "ok",
          });
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
