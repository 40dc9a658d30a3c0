/**
 * Kernel end-to-end tests of `cordon run` (`runConfined` and the CLI): small C probes make one
 * syscall each under real seccomp filters, and what the kernel did is compared with what the BPF
 * interpreter (and the evaluator) predict for the same call.
 */

import { hasFile, kernelTest, landlockAbi, needCommands, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import {
  assert,
  buildProbes,
  compileYaml,
  exists,
  NO_EXEC_POLICY,
  observed,
  type Outcome,
  predict,
  type PredictedCall,
  PROBES_REASON,
  rejection,
  runProbe,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { Arch } from "../../policies/types.ts";
import { launchConfined, LaunchError } from "../../backends/linux/launcher.ts";
import { KernelError } from "../../backends/linux/errors.ts";
import { FilterPlanError, hostArches, nativeArch, runConfined } from "../../backends/linux/run.ts";
import { loadPolicies } from "../../compile/load_policies.ts";
import { importOciProfile, parseOciProfile } from "../../compile/oci_import.ts";
import type { FilterSet } from "../../compile/filter_set.ts";

function assertOutcome(actual: Outcome, expected: Outcome, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}: the kernel did ${a}, the interpreter predicts ${e}`);
}

const ARCH: Arch = Deno.build.os === "linux" ? nativeArch() : "x86_64";
const nr = (name: string, arch: Arch = ARCH): number => {
  const n = syscallNumber(arch, name);
  if (n === undefined) throw new Error(`no ${name} on ${arch}`);
  return n;
};

const ACTIONS_POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata:
  name: probe-actions
spec:
  defaultAction: allow
  defaultErrno: EPERM
  rules:
    - { id: deny-mkdir, syscalls: [mkdir, mkdirat], action: deny, errno: EACCES }
    - { id: kill-acct, syscalls: [acct], action: kill }
    - { id: trap-sysfs, syscalls: [sysfs], action: trap }
    - { id: log-getppid, syscalls: [getppid], action: log }
    - { id: trace-syslog, syscalls: [syslog], action: trace }
    - id: no-lseek-4g
      syscalls: [lseek]
      action: deny
      errno: EDOM
      args: [{ index: 1, op: eq, value: 0x100000000 }]
    - id: no-inet
      syscalls: [socket]
      action: deny
      errno: EAFNOSUPPORT
      args: [{ index: 0, op: eq, value: AF_INET }]
`;

interface ProbeCase {
  readonly name: string;
  /** The probe's arguments after the number. */
  readonly args: readonly string[];
  /** The arguments as the filter sees them (pointers as 0). */
  readonly values: readonly bigint[];
  readonly syscall: string;
  /** How the probe's result looks when the call really ran. */
  readonly ranWhen: (ret: number, errno: number) => boolean;
  /** Side effects to check after the call, given the outcome. */
  readonly after?: (outcome: Outcome) => Promise<void>;
}

kernelTest(
  "runConfined: each action's outcome in the kernel equals the interpreter's prediction",
  PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    const set = await compileYaml(probes.dir, ACTIONS_POLICY);
    const dir = probes.dir;
    const cases: ProbeCase[] = [
      {
        name: "deny with errno (mkdir)",
        syscall: "mkdir",
        args: [`s:${dir}/m1`, "0755"],
        values: [0n, 0o755n],
        ranWhen: (ret) => ret === 0,
        after: async () => assert(!await exists(`${dir}/m1`), "mkdir must not have run"),
      },
      {
        name: "deny with errno (mkdirat, the equivalent call)",
        syscall: "mkdirat",
        args: ["-100", `s:${dir}/m2`, "0755"],
        values: [-100n, 0n, 0o755n],
        ranWhen: (ret) => ret === 0,
        after: async () => assert(!await exists(`${dir}/m2`), "mkdirat must not have run"),
      },
      {
        name: "kill process (acct)",
        syscall: "acct",
        args: ["null"],
        values: [0n],
        ranWhen: () => true,
      },
      {
        name: "trap (sysfs)",
        syscall: "sysfs",
        args: ["3"],
        values: [3n],
        ranWhen: (ret, errno) => ret >= 0 || errno === 22,
      },
      {
        name: "log: the call runs (getppid)",
        syscall: "getppid",
        args: [],
        values: [],
        ranWhen: (ret) => ret > 0,
      },
      {
        name: "trace without a tracer: ENOSYS (syslog)",
        syscall: "syslog",
        args: ["10"],
        values: [10n],
        ranWhen: (ret) => ret >= 0,
      },
      {
        name: "64-bit argument, both halves equal: denied (lseek 1<<32)",
        syscall: "lseek",
        args: ["1", "0x100000000", "0"],
        values: [1n, 0x100000000n, 0n],
        ranWhen: (_ret, errno) => errno === 29, // ESPIPE: stdout is a pipe
      },
      {
        name: "64-bit argument, low half equal only: allowed (lseek 2<<32)",
        syscall: "lseek",
        args: ["1", "0x200000000", "0"],
        values: [1n, 0x200000000n, 0n],
        ranWhen: (_ret, errno) => errno === 29,
      },
      {
        name: "64-bit argument, high half equal only: allowed (lseek 0)",
        syscall: "lseek",
        args: ["1", "0", "0"],
        values: [1n, 0n, 0n],
        ranWhen: (_ret, errno) => errno === 29,
      },
      {
        name: "argument rule matches: denied (socket AF_INET)",
        syscall: "socket",
        args: ["2", "1", "0"],
        values: [2n, 1n, 0n],
        ranWhen: (ret) => ret >= 0,
      },
      {
        name: "argument rule does not match: allowed (socket AF_UNIX)",
        syscall: "socket",
        args: ["1", "1", "0"],
        values: [1n, 1n, 0n],
        ranWhen: (ret) => ret >= 0,
      },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        const call: PredictedCall = { arch: ARCH, nr: nr(c.syscall), args: c.values };
        const expected = predict(set, call);
        const run = await runProbe(set, [probes.path("syscall_probe"), String(call.nr), ...c.args]);
        const actual = observed(run, c.ranWhen);
        assertOutcome(actual, expected, c.name);
        if (actual.kind === "killed") assert(run.code === 128 + 31, `exit code ${run.code}`);
        await c.after?.(actual);
      });
    }
    // The table covers every kind of outcome, so a generator that lost an action would show.
    const kinds = new Set(
      cases.map((c) => predict(set, { arch: ARCH, nr: nr(c.syscall), args: c.values }).kind),
    );
    assert(kinds.size === 4, `expected all four outcome kinds, got ${[...kinds]}`);
  },
);

kernelTest(
  "runConfined stacks one filter per policy: the strictest action wins, ties to the first policy",
  PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    const first = `${probes.dir}/first.yaml`;
    const second = `${probes.dir}/second.yaml`;
    await Deno.writeTextFile(
      first,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: first }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [mkdir], action: deny, errno: EACCES }
    - { syscalls: [acct], action: deny, errno: EPERM }
`,
    );
    await Deno.writeTextFile(
      second,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: second }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [mkdir], action: deny, errno: EPERM }
    - { syscalls: [acct], action: kill }
    - { syscalls: [getppid], action: deny, errno: EXDEV }
`,
    );
    const set = (await loadPolicies([first, second], { arches: hostArches() })).filters;
    const cases: [string, string, string[], (ret: number, errno: number) => boolean, Outcome][] = [
      ["tie between two denies", "mkdir", [`s:${probes.dir}/d`, "0755"], (r) => r === 0, {
        kind: "errno",
        errno: 13,
      }],
      ["kill beats deny", "acct", ["null"], () => true, { kind: "killed" }],
      ["one policy denies, the other allows", "getppid", [], (r) => r > 0, {
        kind: "errno",
        errno: 18,
      }],
    ];
    for (const [name, syscall, args, ranWhen, expected] of cases) {
      await t.step(name, async () => {
        const predicted = predict(set, { arch: ARCH, nr: nr(syscall), args: [] });
        assertOutcome(predicted, expected, `${name} (interpreter)`);
        const run = await runProbe(set, [
          probes.path("syscall_probe"),
          String(nr(syscall)),
          ...args,
        ]);
        assertOutcome(observed(run, ranWhen), predicted, name);
      });
    }
  },
);

kernelTest(
  "runConfined in audit mode: a denied call runs and the kernel logs it (SECCOMP_RET_LOG)",
  unavailable(PROBES_REASON, Deno.build.os === "linux" && !canReadKmsg() && "needs /dev/kmsg"),
  async () => {
    await using probes = await buildProbes(["syscall_probe"]);
    const set = await compileYaml(
      probes.dir,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: audited }
spec:
  defaultAction: allow
  mode: audit
  rules:
    - { syscalls: [mkdir], action: deny, errno: EACCES }
  filesystem: { write: [${JSON.stringify(probes.dir)}] }
`,
    );
    const predicted = predict(set, { arch: ARCH, nr: nr("mkdir") });
    assertOutcome(predicted, { kind: "ran" }, "audit mode prediction");
    // kauditd prints records no auditd takes through printk_ratelimit(): a flood from another
    // test (Landlock denials) can suppress this one. Rate limiting is off while it is awaited.
    const ratelimit = "/proc/sys/kernel/printk_ratelimit";
    const saved = Deno.readTextFileSync(ratelimit).trim();
    Deno.writeTextFileSync(ratelimit, "0");
    const kmsg = await Deno.open("/dev/kmsg", { read: true });
    let closed = false;
    const deadline = setTimeout(() => {
      closed = true;
      kmsg.close();
    }, 30_000);
    try {
      await kmsg.seek(0, Deno.SeekMode.End);
      const target = `${probes.dir}/audited`;
      const run = await runProbe(set, [
        probes.path("syscall_probe"),
        String(nr("mkdir")),
        `s:${target}`,
        "0755",
      ]);
      assertOutcome(observed(run, (r) => r === 0), predicted, "audited mkdir");
      assert(await exists(target), "in audit mode mkdir must run");
      // The kernel's audit record (type 1326) names the pid, the syscall and RET_LOG (0x7ffc0000).
      const wanted = new RegExp(
        `type=1326 .*pid=${run.pid} .*syscall=${nr("mkdir")} .*code=0x7ffc0000`,
      );
      const buffer = new Uint8Array(8192);
      for (;;) {
        // one record per read; waits for the next record
        const n = await kmsg.read(buffer).catch((error) => {
          if (closed) throw new Error(`no type=1326 record for pid ${run.pid} within 30 s`);
          throw error;
        });
        assert(n !== null, "/dev/kmsg ended");
        if (wanted.test(new TextDecoder().decode(buffer.subarray(0, n)))) break;
      }
    } finally {
      clearTimeout(deadline);
      if (!closed) kmsg.close();
      Deno.writeTextFileSync(ratelimit, saved);
    }
  },
);

function canReadKmsg(): boolean {
  try {
    Deno.openSync("/dev/kmsg", { read: true }).close();
    return true;
  } catch {
    return false;
  }
}

kernelTest(
  "runConfined passes stdio, environment, working directory and exit status through",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(
      probes.dir,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: permissive }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [mkdir], action: deny }
`,
    );
    const script = 'printf "%s|%s|" "$CORDON_PROBE" "$(pwd)"; cat; echo; ' +
      "ls /proc/self/fd | wc -l; grep SigIgn /proc/self/status; exit 7";
    const { stdout: directOut } = await new Deno.Command("sh", {
      args: ["-c", script],
      cwd: probes.dir,
      env: { CORDON_PROBE: "value" },
      stdin: "null",
      stdout: "piped",
    }).output();
    const result = await runConfined({
      set,
      command: ["sh", "-c", script],
      cwd: probes.dir,
      env: { CORDON_PROBE: "value" },
      stdin: "null",
      stdout: "piped",
    });
    const out = new TextDecoder().decode(result.stdout);
    const [head, fdCount, sigIgn] = out.split("\n");
    assert(result.code === 7 && result.signal === null, `exit status ${result.code}`);
    assert(head === `value|${probes.dir}|`, `environment/cwd: "${head}"`);
    const [, directFds] = new TextDecoder().decode(directOut).split("\n");
    // Only 0, 1, 2 reach the command (and the directory ls reads), whatever this process
    // leaves inheritable: run directly, the command gets those too.
    assert(fdCount === "4", `open fds: ${fdCount} confined, want 0-2 and ls's own (a leak)`);
    assert(Number(directFds) >= 4, `open fds run directly: ${directFds}`);
    const ignored = BigInt(`0x${sigIgn?.split(/\s+/)[1] ?? "x"}`);
    assert((ignored & (1n << 12n)) === 0n, `SIGPIPE must not be ignored (SigIgn ${sigIgn})`);
    assert(result.startupMs > 0 && result.filters.length === 1, "timings and filters reported");
  },
);

kernelTest(
  "runConfined reports command not found (127) and not executable (126) without running anything",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(
      probes.dir,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec: { defaultAction: allow }
`,
    );
    const notExecutable = `${probes.dir}/data.txt`;
    await Deno.writeTextFile(notExecutable, "#!/bin/sh\n");
    const cases: [string, string, number][] = [
      ["cordon-no-such-command", "COMMAND_NOT_FOUND", 127],
      [`${probes.dir}/missing`, "COMMAND_NOT_FOUND", 127],
      [notExecutable, "COMMAND_NOT_EXECUTABLE", 126],
    ];
    for (const [command, code, exitCode] of cases) {
      const caught = await rejection(runConfined({ set, command: [command] }));
      assert(caught instanceof LaunchError, `${command}: expected LaunchError, got ${caught}`);
      assert(caught.code === code && caught.exitCode === exitCode, `${command}: ${caught.code}`);
    }
  },
);

kernelTest(
  "launchConfined: a filter the kernel rejects fails with its errno and nothing runs",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const marker = `${probes.dir}/ran`;
    // `ja +5` jumps past the end: the kernel's checker refuses the program with EINVAL.
    const invalid = new Uint8Array([0x05, 0, 0, 0, 5, 0, 0, 0]);
    const caught = await rejection(launchConfined({
      file: "/usr/bin/touch",
      argv: ["touch", marker],
      filters: [{ name: "broken", program: invalid }],
    }));
    assert(caught instanceof LaunchError, `expected LaunchError, got ${caught}`);
    assert(caught.code === "CONFINEMENT_FAILED" && caught.stage === "seccomp", caught.message);
    assert(caught.cause instanceof KernelError && caught.cause.errno === 22, String(caught.cause));
    assert(caught.message.includes('policy "broken"'), caught.message);
    assert(!await exists(marker), "the target must not have run");
  },
);

kernelTest(
  "runConfined refuses a policy that denies execve before starting anything",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(probes.dir, NO_EXEC_POLICY);
    const caught = await rejection(runConfined({ set, command: ["true"] }));
    assert(caught instanceof FilterPlanError && caught.code === "EXECVE_DENIED", String(caught));
  },
);

// ---------------------------------------------------------------------------------------------
// The command line, as users run it.

kernelTest("cordon run: exit codes and messages of the command line", PROBES_REASON, async (t) => {
  await using probes = await buildProbes(["syscall_probe"]);
  const policy = `${probes.dir}/p.yaml`;
  await Deno.writeTextFile(
    policy,
    `apiVersion: cordon/v1
kind: Policy
metadata: { name: cli }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [mkdir, mkdirat], action: deny, errno: EACCES }
    - { syscalls: [acct], action: kill }
`,
  );
  await t.step("the command's exit code and output pass through", async () => {
    const r = await cordon(["run", "--policy", policy, "--", "sh", "-c", "echo out; exit 3"]);
    assert(r.code === 3 && r.stdout === "out\n" && r.stderr === "", JSON.stringify(r));
  });
  await t.step("standard input passes through", async () => {
    const r = await cordon(["run", "--policy", policy, "--", "cat"], { stdin: "piped text\n" });
    assert(r.code === 0 && r.stdout === "piped text\n", JSON.stringify(r));
  });
  await t.step("a denied call fails with the policy's errno", async () => {
    const r = await cordon(["run", "-p", policy, "--", "mkdir", `${probes.dir}/x`]);
    assert(r.code === 1 && r.stderr.includes("Permission denied"), JSON.stringify(r));
    assert(!await exists(`${probes.dir}/x`), "mkdir must not have run");
  });
  await t.step("a seccomp kill is reported as a shell does: 159, killed by SIGSYS", async () => {
    const r = await cordon([
      "run",
      "-p",
      policy,
      "--",
      probes.path("syscall_probe"),
      String(nr("acct")),
      "null",
    ]);
    assert(r.code === 159 && r.stderr.includes("killed by SIGSYS"), JSON.stringify(r));
  });
  await t.step("command not found: 127 with a message", async () => {
    const r = await cordon(["run", "-p", policy, "--", "cordon-no-such-command"]);
    assert(r.code === 127 && r.stderr.includes("command not found"), JSON.stringify(r));
  });
  await t.step("an invalid policy: every FILE:LINE:COL error, exit 125, nothing runs", async () => {
    const bad = `${probes.dir}/bad.yaml`;
    await Deno.writeTextFile(
      bad,
      `apiVersion: cordon/v1
kind: Policy
metadata: { name: bad }
spec:
  defaultAction: sometimes
  rules:
    - { syscalls: [no_such_syscall], action: deny }
`,
    );
    const marker = `${probes.dir}/ran`;
    const r = await cordon(["run", "-p", bad, "--", "touch", marker]);
    const located = r.stderr.split("\n").filter((l) => l.startsWith(`cordon run: ${bad}:`));
    assert(r.code === 125 && located.length >= 2, JSON.stringify(r));
    assert(located.every((l) => /^cordon run: .+:\d+:\d+: error\[[a-z-]+\]: /.test(l)), r.stderr);
    assert(r.stderr.includes("cordon run: 2 errors"), r.stderr);
    assert(!await exists(marker), "nothing must run");
  });
  await t.step("--format json reports on stderr, one object per line", async () => {
    const r = await cordon(["run", "-p", policy, "--format", "json", "--", "true"]);
    const events = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
    const exit = events.find((e) => e.event === "exit");
    assert(r.code === 0 && exit?.code === 0 && exit.signal === null, r.stderr);
    assert(typeof exit.startupMs === "number" && exit.filters[0].policy === "cli", r.stderr);
  });
  await t.step("usage errors: exit 125, as docker run gives", async () => {
    const r = await cordon(["run", "--", "true"]);
    assert(r.code === 125 && r.stderr.includes("--policy"), JSON.stringify(r));
  });
});

// ---------------------------------------------------------------------------------------------
// Real profiles on real commands.

const DOCKER_DEFAULT = new URL("../../../shared/data/oci/docker-default.json", import.meta.url)
  .pathname;

async function dockerDefault(dir: string): Promise<FilterSet> {
  const imported = importOciProfile(parseOciProfile(await Deno.readTextFile(DOCKER_DEFAULT)), {
    arch: nativeArch(),
    name: "docker-default",
    source: "docker-default.json",
  });
  // A second layer lets the command write `dir` (an OCI profile is seccomp only; under cordon
  // run as root nothing else would be writable).
  const profile = `${dir}/docker-default.yaml`;
  const scratch = `${dir}/scratch.yaml`;
  await Deno.writeTextFile(profile, imported.yaml);
  await Deno.writeTextFile(
    scratch,
    `apiVersion: cordon/v1
kind: Policy
metadata: { name: scratch }
spec:
  defaultAction: allow
  filesystem: { write: [${JSON.stringify(dir)}] }
`,
  );
  return (await loadPolicies([profile, scratch], { arches: imported.arches })).filters;
}

const PYTHON_ACCT = "import ctypes; libc = ctypes.CDLL(None, use_errno=True); " +
  "r = libc.syscall(ACCT, None); print(r, ctypes.get_errno())";

kernelTest(
  "the Docker default profile: ls, tar and python3 run normally; denied calls get its errno",
  unavailable(PROBES_REASON, needCommands("tar", "python3", "ls")),
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    const set = await dockerDefault(probes.dir);
    const arches = set.layers[0]!.arches.map((a) => a.arch);
    const run = async (command: string[]) => {
      const result = await runConfined({ set, command, arches, stdout: "piped", stderr: "piped" });
      const text = new TextDecoder();
      return { ...result, out: text.decode(result.stdout), err: text.decode(result.stderr) };
    };
    await t.step("ls lists a directory", async () => {
      const r = await run(["ls", "-la", "/etc"]);
      assert(r.code === 0 && r.out.includes("hostname"), r.err);
    });
    await t.step("tar creates and lists an archive", async () => {
      const archive = `${probes.dir}/a.tar`;
      const c = await run(["tar", "-cf", archive, "-C", "/etc", "hostname", "passwd"]);
      assert(c.code === 0, c.err);
      const l = await run(["tar", "-tf", archive]);
      assert(l.code === 0 && l.out === "hostname\npasswd\n", l.out + l.err);
    });
    await t.step("python3 runs, and its denied acct() gets the profile's EPERM", async () => {
      const code = PYTHON_ACCT.replace("ACCT", String(nr("acct")));
      const r = await run(["python3", "-c", code]);
      const predicted = predict(set, { arch: ARCH, nr: nr("acct"), args: [0n] }, arches);
      assert(predicted.kind === "errno" && predicted.errno === 1, JSON.stringify(predicted));
      assert(r.code === 0 && r.out === "-1 1\n", r.out + r.err);
    });
    const denied: [string, string[], bigint[], Outcome][] = [
      ["clone3 gets ENOSYS (errnoRet 38)", ["0", "88"], [0n, 88n], { kind: "errno", errno: 38 }],
      ["mount gets EPERM", ["0", "0", "0", "0", "0"], [0n, 0n, 0n, 0n, 0n], {
        kind: "errno",
        errno: 1,
      }],
      ["kexec_load gets EPERM", ["0", "0", "0", "0"], [0n, 0n, 0n, 0n], {
        kind: "errno",
        errno: 1,
      }],
      ["getppid is allowed", [], [], { kind: "ran" }],
    ];
    for (const [name, args, values, expected] of denied) {
      await t.step(name, async () => {
        const syscall = name.split(" ")[0]!;
        const predicted = predict(set, { arch: ARCH, nr: nr(syscall), args: values }, arches);
        assertOutcome(predicted, expected, `${name} (interpreter)`);
        const r = await runProbe(
          set,
          [probes.path("syscall_probe"), String(nr(syscall)), ...args],
          {
            arches,
          },
        );
        assertOutcome(observed(r, (ret) => ret > 0), predicted, name);
      });
    }
  },
);

const CLI_TOOL = new URL("../../examples/policies/cli-tool.yaml", import.meta.url).pathname;

kernelTest(
  "examples/policies/cli-tool.yaml: ls and cat work, programs outside system directories, chown and io_uring are denied",
  unavailable(
    PROBES_REASON,
    needCommands("ls", "cat", "chown"),
    !hasFile("/usr/bin/python3") && "needs /usr/bin/python3",
    landlockAbi() < 1 && "needs Landlock",
  ),
  async (t) => {
    await using probes = await buildProbes([]);
    const set = (await loadPolicies([CLI_TOOL], { arches: hostArches() })).filters;
    // The example as written: no degradation accepted, so builtin:baseline's
    // filesystem.execute rules are applied with Landlock (runConfined refuses otherwise).
    const options = { stdout: "piped", stderr: "piped" } as const;
    const text = new TextDecoder();
    await t.step("ls and cat run normally, with the filesystem rules enforced", async () => {
      const ls = await runConfined({ set, command: ["ls", "/etc"], ...options });
      assert(ls.code === 0 && text.decode(ls.stdout).includes("hostname"), text.decode(ls.stderr));
      const lost = ls.degraded.filter((d) => d.section === "filesystem");
      assert(
        lost.length === 0,
        `filesystem rules reported as not enforced: ${JSON.stringify(lost)}`,
      );
      const cat = await runConfined({ set, command: ["cat", "/etc/hostname"], ...options });
      const expected = await Deno.readTextFile("/etc/hostname");
      assert(cat.code === 0 && text.decode(cat.stdout) === expected, text.decode(cat.stderr));
    });
    await t.step("a program copied outside the system directories cannot be executed", async () => {
      const copy = `${probes.dir}/true`;
      await Deno.copyFile("/usr/bin/true", copy);
      await Deno.chmod(copy, 0o755);
      const direct = await new Deno.Command(copy).output();
      assert(direct.success, "the copy runs unconfined");
      const r = await runConfined({ set, command: ["sh", "-c", `exec ${copy}`], ...options });
      const err = text.decode(r.stderr);
      assert(r.code === 126 && err.includes("Permission denied"), `code ${r.code}: ${err}`);
    });
    await t.step("chown fails with EPERM and changes nothing", async () => {
      const file = `${probes.dir}/owned`;
      await Deno.writeTextFile(file, "x");
      const before = (await Deno.stat(file)).uid;
      const r = await runConfined({ set, command: ["chown", "65534", file], ...options });
      assert(r.code !== 0 && text.decode(r.stderr).includes("Operation not permitted"), "chown");
      assert((await Deno.stat(file)).uid === before, "the owner must not change");
    });
    await t.step("io_uring_setup fails with ENOSYS as the interpreter predicts", async () => {
      // /usr/bin/python3 (a system program the policy may run; not a PATH shim that may live
      // elsewhere) makes the call: io_uring_setup(4, NULL)
      // would fail with EFAULT if it ran.
      const setup = nr("io_uring_setup");
      const predicted = predict(set, { arch: ARCH, nr: setup, args: [4n, 0n] });
      assertOutcome(predicted, { kind: "errno", errno: 38 }, "io_uring_setup (interpreter)");
      const code = "import ctypes; libc = ctypes.CDLL(None, use_errno=True); " +
        `r = libc.syscall(${setup}, 4, None); print(r, ctypes.get_errno())`;
      const r = await runConfined({ set, command: ["/usr/bin/python3", "-c", code], ...options });
      assert(r.code === 0 && text.decode(r.stdout) === "-1 38\n", text.decode(r.stderr));
    });
  },
);
