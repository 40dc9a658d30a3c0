/**
 * Bypass suite: leaving the network cgroup under `cordon apply`. `apply` holds a target's
 * `network` rules through cgroup BPF programs on a cgroup it moves the target into; a root target
 * could write its pid to the cgroup2 root's `cgroup.procs` and its rules were gone. Now the
 * monitor's `tp_btf/cgroup_attach_task` program kills a process that must stay in its cgroup when
 * it is moved out (by itself or by another process), and `sched_process_fork` kills a child
 * created outside it (`clone3(CLONE_INTO_CGROUP)`), before it runs.
 *
 * Each case asserts the observable effect: no datagram from the target reaches a loopback UDP
 * listener the rules forbid, and the target is dead.
 */

import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { EbpfBackend, type EnforceNotice } from "../../backends/linux/ebpf_backend.ts";
import { cgroup2Root } from "../../backends/linux/cgroup.ts";
import { compilePolicies } from "../../compile/compile.ts";
import type { ResolvedPolicy } from "../../policies/types.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf, spawnGated } from "../kernel/_ebpf_helpers.ts";

const reason = unavailable(needEbpf());
const loc = { file: "t.yaml", line: 1, column: 1 };

/**
 * `p ROOT PORT MODE`: sends one datagram to 127.0.0.1:PORT (prints its errno: the rules are in
 * force), then MODE `self` writes its pid to ROOT/cgroup.procs, `clone` makes a child with
 * clone3(CLONE_INTO_CGROUP, ROOT), `none` does neither; then sends 5 datagrams (in the child for
 * `clone`) and prints "sent".
 */
const ESCAPE = gatedProgram(`
  int port = atoi(argv[2]);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int before = sendto(s, "before", 6, 0, (struct sockaddr *)&a, sizeof a) < 0 ? errno : 0;
  printf("before %d\\n", before);
  fflush(stdout);
  if (strcmp(argv[3], "self") == 0) {
    char path[4096], pid[32];
    snprintf(path, sizeof path, "%s/cgroup.procs", argv[1]);
    int fd = open(path, O_WRONLY);
    int n = snprintf(pid, sizeof pid, "%d", getpid());
    write(fd, pid, n);
  } else if (strcmp(argv[3], "clone") == 0) {
    int dir = open(argv[1], O_RDONLY | O_DIRECTORY);
    struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = dir };
    long child = syscall(SYS_clone3, &args, sizeof args);
    if (child == 0) {
      for (int i = 0; i < 5; i++) sendto(s, "escaped", 7, 0, (struct sockaddr *)&a, sizeof a);
      _exit(0);
    }
    if (child < 0) { printf("clone3 %d\\n", errno); return 3; }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child %s\\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "SIGKILL" : "ran");
    fflush(stdout);
  }
  for (int i = 0; i < 5; i++) sendto(s, "escaped", 7, 0, (struct sockaddr *)&a, sizeof a);
  printf("sent\\n");`)
  .replace(
    "#include <unistd.h>",
    "#include <unistd.h>\n#include <signal.h>\n#include <linux/sched.h>",
  );

function networkPolicy(pid: number): ResolvedPolicy {
  return {
    name: "no-udp",
    target: { pids: [pid] },
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    loc,
    rules: [],
    // Only TCP to 127.0.0.1:1: the listener's UDP port is forbidden.
    network: {
      connect: [{
        text: "tcp/127.0.0.1:1",
        protocol: "tcp",
        address: "127.0.0.1",
        ports: [1, 1],
        loc,
      }],
      bind: [],
      loc,
    },
  };
}

/** A loopback UDP listener that counts the datagrams other than the control one. */
async function listener(): Promise<{ port: number; settle(): Promise<number>; close(): void }> {
  const socket = dgram.createSocket("udp4");
  const received: string[] = [];
  let control: (() => void) | undefined;
  socket.on("message", (msg: Buffer) => {
    const text = msg.toString();
    if (text === "control") control?.();
    else received.push(text);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  return {
    port,
    /** Sends the control datagram and waits for it: what the target sent arrived before it. */
    async settle() {
      const seen = new Promise<void>((resolve) => control = resolve);
      socket.send(Buffer.from("control"), port, "127.0.0.1");
      await seen;
      return received.length;
    },
    close: () => socket.close(),
  };
}

async function underApply(
  mode: string,
  beforeGo?: (pid: number) => void | Promise<void>,
  expectNotice = true,
): Promise<{ out: Deno.CommandOutput; text: string; datagrams: number; notices: EnforceNotice[] }> {
  const exe = await compileC(ESCAPE);
  const udp = await listener();
  const notices: EnforceNotice[] = [];
  const backend = await EbpfBackend.create();
  try {
    await backend.open({ emit() {}, lost() {} });
    backend.onEnforce((n) => notices.push(n));
    const c = spawnGated(exe, [cgroup2Root(), String(udp.port), mode]);
    await backend.apply(compilePolicies([networkPolicy(c.pid)], { arches: ["x86_64", "i386"] }), {
      enforce: true,
    });
    if (beforeGo) await beforeGo(c.pid);
    await c.go().catch(() => {}); // the target may be dead already (EPIPE)
    const out = await c.child.output();
    const datagrams = await udp.settle();
    const deadline = Date.now() + 5000;
    while (expectNotice && notices.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return { out, text: new TextDecoder().decode(out.stdout), datagrams, notices };
  } finally {
    backend.close();
    udp.close();
  }
}

kernelTest(
  "bypass: a target writing its pid to the cgroup2 root's cgroup.procs is killed, nothing is sent",
  reason,
  async () => {
    const { out, text, datagrams, notices } = await underApply("self");
    if (!text.includes("before 1")) throw new Error(`the rules were not in force before: ${text}`);
    if (datagrams !== 0) throw new Error(`${datagrams} datagrams escaped`);
    if (out.signal !== "SIGKILL" || text.includes("sent")) {
      throw new Error(`target ended with ${out.code}/${out.signal}: ${text}`);
    }
    if (!notices.some((n) => n.reason === "cgroup-escape")) {
      throw new Error("no cgroup-escape notice");
    }
  },
);

kernelTest(
  "bypass: a target moved out of its cgroup by another process is killed at the move",
  reason,
  async () => {
    let mover: Deno.CommandOutput | undefined;
    const { out, text, datagrams, notices } = await underApply("none", async (pid) => {
      mover = await new Deno.Command("sh", {
        args: ["-c", `echo ${pid} > ${cgroup2Root()}/cgroup.procs`],
      }).output();
    });
    if (!mover?.success) throw new Error("the untracked mover could not move the target");
    if (datagrams !== 0) throw new Error(`${datagrams} datagrams escaped`);
    if (out.signal !== "SIGKILL" || text.includes("sent")) {
      throw new Error(`target ended with ${out.code}/${out.signal}: ${text}`);
    }
    const notice = notices.find((n) => n.reason === "cgroup-escape");
    if (!notice || notice.writerKilled) {
      throw new Error(
        `notice ${JSON.stringify(notice, (_, v) => typeof v === "bigint" ? `${v}` : v)}`,
      );
    }
  },
);

kernelTest(
  "bypass: a child created outside the cgroup with clone3(CLONE_INTO_CGROUP) is killed before it runs",
  reason,
  async () => {
    const { text, datagrams, notices } = await underApply("clone");
    if (!text.includes("before 1")) throw new Error(`the rules were not in force before: ${text}`);
    if (!text.includes("child SIGKILL")) throw new Error(`the escaped child: ${text}`);
    if (datagrams !== 0) throw new Error(`${datagrams} datagrams escaped`);
    if (!notices.some((n) => n.reason === "cgroup-escape")) {
      throw new Error("no cgroup-escape notice");
    }
  },
);

/** A cgroup v1 hierarchy to move a process in: an existing one, or a named one mounted here. */
async function v1Hierarchy(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const mounts = Deno.readTextFileSync("/proc/mounts").split("\n");
  const existing = mounts.map((l) => l.split(" ")).find((f) =>
    f[2] === "cgroup" && /(^|,)(pids|name=systemd|cpu)(,|$)/.test(f[3] ?? "")
  );
  const made: string[] = [];
  let root = existing?.[1];
  if (!root) {
    root = await Deno.makeTempDir({ prefix: "cordon-v1-" });
    const out = await new Deno.Command("mount", {
      args: ["-t", "cgroup", "-o", "none,name=cordontest", "cgroup", root],
    }).output();
    if (!out.success) {
      throw new Error(
        `cannot mount a cgroup v1 hierarchy: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    made.push(root);
  }
  const dir = `${root}/cordon-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  Deno.mkdirSync(dir);
  return {
    dir,
    async [Symbol.asyncDispose]() {
      // Move what is left back to the hierarchy's root, then remove.
      for (const pid of Deno.readTextFileSync(`${dir}/cgroup.procs`).split("\n").filter((l) => l)) {
        try {
          Deno.writeTextFileSync(`${root}/cgroup.procs`, pid);
        } catch {
          // exited
        }
      }
      await Deno.remove(dir);
      for (const m of made) {
        await new Deno.Command("umount", { args: [m] }).output();
        await Deno.remove(m);
      }
    },
  };
}

kernelTest(
  "a move within a cgroup v1 hierarchy keeps the network rules and does not kill the target",
  reason,
  async () => {
    await using v1 = await v1Hierarchy();
    let moved = false;
    const { out, text, datagrams, notices } = await underApply("none", (pid) => {
      Deno.writeTextFileSync(`${v1.dir}/cgroup.procs`, String(pid));
      moved = Deno.readTextFileSync(`${v1.dir}/cgroup.procs`).split("\n").includes(String(pid));
    }, false);
    if (!moved) throw new Error("the target was not moved in the v1 hierarchy");
    if (!out.success || !text.includes("sent")) {
      throw new Error(`target ended with ${out.code}/${out.signal}: ${text}`);
    }
    // Still held by the cgroup2 rules: every send was denied.
    if (!text.includes("before 1")) throw new Error(`the rules were not in force: ${text}`);
    if (datagrams !== 0) throw new Error(`${datagrams} datagrams escaped`);
    if (notices.length !== 0) throw new Error(`unexpected notices ${notices.length}`);
  },
);
