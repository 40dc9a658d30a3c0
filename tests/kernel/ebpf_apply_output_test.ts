/**
 * What `cordon apply` prints, on a real python3 process under `examples/policies/watch-python.yaml`
 * (audit mode): a call the policy allows is not reported even when the kernel streams it for its
 * arguments to be decided; a call the policy would deny is reported with its verdict (action,
 * errno, audit, rule id, FILE:LINE:COL, policy); the cgroup programs let an audited connect
 * through and report it as a would-be denial; the totals say "would be denied (audit)".
 *
 * The example targets `comms: [python3]`, which would also capture the python3 processes other
 * test files run in parallel (and move them out of their own cgroups). The tests apply a copy whose
 * target line names the test's process instead (`pids: [N]`): every other line, so every location,
 * is the example's. That the example itself needs no `--allow-degraded` is checked on the plan.
 */

import { EbpfBackend } from "../../backends/linux/ebpf_backend.ts";
import { loadPolicyFiles } from "../../policies/load_policy_files.ts";
import { resolvePolicies } from "../../policies/resolve.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { parsePolicies } from "../../policies/parse.ts";
import { eventFromJsonLine, type NetworkEvent, type SyscallEvent } from "../../engine/events.ts";
import { kernelTest, needCommands, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { needEbpf } from "./_ebpf_helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLE = "examples/policies/watch-python.yaml";
const reason = unavailable(needEbpf(), needCommands("python3"));

/**
 * Waits for a line on stdin, then: three AF_INET6 sockets (the example would deny them), one
 * AF_INET socket (allowed; the kernel streams it because `socket` is decided by its arguments),
 * and a TCP connect to 127.0.0.1:argv[1] (outside the example's network rules). Prints the
 * connect's errno (0: connected).
 */
const SCRIPT = `
import socket, sys
sys.stdin.readline()
for _ in range(3):
    socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close()
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print(s.connect_ex(("127.0.0.1", int(sys.argv[1]))), flush=True)
s.close()
`;

/** Collects the lines of a stream; `until` resolves once a predicate accepts the lines so far. */
class Lines {
  readonly lines: string[] = [];
  readonly done: Promise<void>;
  #waiters: { test: (lines: string[]) => boolean; resolve: () => void }[] = [];

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      let rest = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        this.lines.push(...parts);
        this.#check();
      }
      if (rest) this.lines.push(rest);
      this.#check();
    })();
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(this.lines)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when `test` holds; rejects after `timeoutMs` (a failure, not a synchronisation). */
  until(test: (lines: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (test(this.lines)) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const timer = setTimeout(
      () => reject(new Error(`no ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.#waiters.push({
      test,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    });
    this.done.then(() => {
      if (this.#waiters.some((w) => w.test === test)) {
        clearTimeout(timer);
        reject(new Error(`the stream ended without ${what}:\n${this.lines.join("\n")}`));
      }
    });
    return promise;
  }
}

interface Session {
  readonly policyFile: string;
  readonly pythonPid: number;
  readonly port: number;
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** What the python script printed: the connect's errno. */
  readonly connectErrno: string;
  /** `FILE:LINE:COL` of rule `no-ipv6-sockets` in the applied copy, as the parser places it. */
  readonly ipv6RuleAt: string;
}

/**
 * Runs `cordon apply` on a copy of the example targeting a gated python3, lets the script run
 * once the policy is in force, waits until `stdoutDone` holds, then stops apply with SIGINT.
 */
async function applySession(
  format: "text" | "json",
  stdoutDone: (lines: string[], pid: number, port: number) => boolean,
): Promise<Session> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })().catch(() => {});
  const dir = await Deno.makeTempDir({ prefix: "cordon-apply-out-" });
  const python = new Deno.Command(PYTHON, {
    args: ["-c", SCRIPT, String(port)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let apply: Deno.ChildProcess | undefined;
  try {
    const example = await Deno.readTextFile(`${ROOT}${EXAMPLE}`);
    const copy = example.replace("comms: [python3]", `pids: [${python.pid}]`);
    assert(copy !== example, "the example no longer targets comms: [python3]");
    const policyFile = `${dir}/watch-python.yaml`;
    await Deno.writeTextFile(policyFile, copy);
    const ipv6RuleAt = await ruleLocation(policyFile, "no-ipv6-sockets");
    apply = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}mod.ts`, "apply", policyFile, "--format", format],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = new Lines(apply.stdout);
    const err = new Lines(apply.stderr);
    if (format === "text") {
      await err.until((l) => l.some((x) => x.includes("applied watch-python")), "applied line");
    } else {
      // JSON mode prints nothing before events: the policy is in force once apply has moved the
      // target into its network cgroup (done in the same step as writing its decisions). No
      // event announces it: bounded polling of /proc.
      const deadline = Date.now() + 15_000;
      while (!(await Deno.readTextFile(`/proc/${python.pid}/cgroup`)).includes("cordon-")) {
        if (Date.now() > deadline) {
          throw new Error(`python3 not in a cordon cgroup:\n${err.lines.join("\n")}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const writer = python.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
    const result = await python.output();
    const connectErrno = new TextDecoder().decode(result.stdout).trim();
    assert(
      result.success,
      `python3 failed: ${result.code} ${new TextDecoder().decode(result.stderr)}`,
    );
    await out.until((l) => stdoutDone(l, python.pid, port), "expected events");
    apply.kill("SIGINT");
    const status = await apply.status;
    await Promise.all([out.done, err.done]);
    listener.close();
    await accepting;
    return {
      policyFile,
      pythonPid: python.pid,
      port,
      code: status.code,
      stdout: out.lines,
      stderr: err.lines,
      connectErrno,
      ipv6RuleAt,
    };
  } finally {
    try {
      python.kill("SIGKILL");
    } catch {
      // exited
    }
    await python.status;
    if (apply) {
      try {
        apply.kill("SIGKILL");
      } catch {
        // exited
      }
      await apply.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
}

/** `file:line:column` of rule `id` as the parser places it, and that line's text. */
async function ruleLocation(file: string, id: string): Promise<string> {
  const text = await Deno.readTextFile(file);
  const rule = parsePolicies(text, file).policies[0]!.rules.find((r) => r.id === id);
  assert(rule, `no rule ${id} in ${file}`);
  assert(
    text.split("\n")[rule.loc.line - 1]?.includes(id),
    `line ${rule.loc.line} of ${file} does not name ${id}`,
  );
  return `${rule.loc.file}:${rule.loc.line}:${rule.loc.column}`;
}

kernelTest(
  "watch-python.yaml is applied without --allow-degraded: nothing in it is degraded",
  reason,
  async () => {
    using backend = await EbpfBackend.create();
    const resolved = resolvePolicies(await loadPolicyFiles([`${ROOT}${EXAMPLE}`]));
    const plan = backend.plan(compilePolicies(resolved, { arches: ["x86_64", "i386"] }));
    const degraded = plan.layers.flatMap((l) => l.degraded);
    assert(degraded.length === 0, `degraded: ${degraded.join("; ")}`);
    assert(plan.layers[0]?.syscalls === "observe", `syscalls ${plan.layers[0]?.syscalls}`);
    assert(plan.layers[0]?.network === "observe", `network ${plan.layers[0]?.network}`);
  },
);

kernelTest(
  "apply --format json reports only calls the audit policy would stop, each with its verdict",
  reason,
  async () => {
    const parse = (lines: string[]) =>
      lines.filter((l) => l.startsWith('{"v":1')).map((l) => eventFromJsonLine(l));
    const s = await applySession("json", (lines, pid, port) => {
      const events = parse(lines);
      return events.filter((e) => e.kind === "syscall" && e.pid === pid).length >= 3 &&
        events.some((e) => e.kind === "network" && e.pid === pid && e.port === port && e.verdict);
    });
    assert(s.code === 0, `apply exited ${s.code}: ${s.stderr.join("\n")}`);
    // Audit mode: the cgroup programs saw the connect and let it through.
    assert(s.connectErrno === "0", `connect in audit mode failed with errno ${s.connectErrno}`);

    const events = parse(s.stdout).filter((e) => e.pid === s.pythonPid);
    const syscalls = events.filter((e): e is SyscallEvent => e.kind === "syscall");
    const unexplained = syscalls.filter((e) => !e.verdict || e.verdict.action === "allow");
    assert(
      unexplained.length === 0,
      `syscall events without a stopping verdict: ${unexplained.map((e) => e.name).join(", ")}`,
    );
    const sockets = syscalls.filter((e) => e.name === "socket");
    assert(
      !sockets.some((e) => e.args?.[0] === 2n),
      "the allowed AF_INET socket was reported",
    );
    const inet6 = sockets.filter((e) => e.args?.[0] === 10n);
    assert(inet6.length === 3, `${inet6.length} AF_INET6 socket events, expected 3`);
    const where = s.ipv6RuleAt;
    for (const e of inet6) {
      const v = e.verdict!;
      const at = v.loc ? `${v.loc.file}:${v.loc.line}:${v.loc.column}` : "";
      assert(
        v.action === "deny" && v.errno === 97 && v.audit === true && v.enforced === false &&
          v.ruleId === "no-ipv6-sockets" && v.policy === "watch-python" && at === where,
        `verdict ${
          JSON.stringify(v)
        }, expected deny EAFNOSUPPORT audit by no-ipv6-sockets at ${where}`,
      );
    }
    const denial = events.find((e): e is NetworkEvent =>
      e.kind === "network" && e.port === s.port && e.verdict !== undefined
    )!;
    const nv = denial.verdict!;
    assert(
      nv.action === "deny" && nv.audit === true && nv.enforced === false &&
        nv.mechanism === "cgroup-bpf" && nv.ruleId === "watch-python:network.connect" &&
        nv.loc?.file === s.policyFile && denial.result === undefined,
      `network verdict ${JSON.stringify(denial)}`,
    );

    const stats = s.stdout.map((l) => JSON.parse(l)).find((j) => j.kind === "stats");
    assert(stats, `no stats line:\n${s.stdout.slice(-5).join("\n")}`);
    assert(
      stats.audit === true && stats.networkDenied === 0 && stats.networkWouldDeny >= 1 &&
        stats.syscallsWouldDeny >= 3 && stats.kills === 0,
      `stats ${JSON.stringify(stats)}`,
    );
  },
);

kernelTest(
  "apply text output gives each reported call its verdict and words audit totals as would-be",
  reason,
  async () => {
    const s = await applySession(
      "text",
      (lines, pid, port) =>
        lines.filter((l) => l.includes(` ${pid} python3 syscall socket(0xa,`)).length >= 3 &&
        // The connect shows twice: as activity (the syscall and its result) and as the cgroup
        // program's decision; wait for the one that carries the verdict.
        lines.some((l) =>
          l.includes(` ${pid} python3 connect tcp 127.0.0.1:${port} `) && l.includes(" -> ")
        ),
    );
    assert(s.code === 0, `apply exited ${s.code}: ${s.stderr.join("\n")}`);
    assert(s.connectErrno === "0", `connect in audit mode failed with errno ${s.connectErrno}`);
    const mine = s.stdout.filter((l) => l.includes(` ${s.pythonPid} python3 `));
    const where = s.ipv6RuleAt;
    const inet6 = mine.filter((l) => l.includes(" syscall socket(0xa,"));
    for (const line of inet6) {
      assert(
        line.endsWith(
          `-> would deny EAFNOSUPPORT (audit) by no-ipv6-sockets at ${where} (policy watch-python)`,
        ),
        `line without its verdict: ${line}`,
      );
    }
    const bare = mine.filter((l) => / syscall /.test(l) && !l.includes(" -> "));
    assert(bare.length === 0, `syscall lines without a verdict:\n${bare.join("\n")}`);
    assert(!mine.some((l) => l.includes(" syscall socket(0x2,")), "allowed AF_INET socket shown");
    const connects = mine.filter((l) => l.includes(`connect tcp 127.0.0.1:${s.port} `));
    const connect = connects.find((l) => l.includes(" -> ")) ?? connects.join("\n");
    assert(
      connect.includes("-> would deny EPERM (audit) by watch-python:network.connect at "),
      `connect line: ${connect}`,
    );
    const totals = s.stderr.find((l) => l.includes("syscalls seen"));
    assert(totals, `no totals:\n${s.stderr.join("\n")}`);
    assert(
      /\b[1-9]\d* network calls? would be denied \(audit\)/.test(totals) &&
        !totals.includes("denials"),
      `totals: ${totals}`,
    );
    assert(
      s.stderr.some((l) => l.includes("applied watch-python") && l.includes("audit")),
      `the applied line does not say audit:\n${s.stderr.join("\n")}`,
    );
  },
);
