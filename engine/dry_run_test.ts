import assert from "node:assert/strict";
import { dryRun, TraceUnreadableError } from "./dry_run.ts";
import { EngineError } from "./errors.ts";
import { evaluate } from "../compile/evaluate.ts";
import type { ProcessInfo } from "../compile/target.ts";
import { loadPolicies } from "../compile/load_policies.ts";
import { StraceParser } from "./trace/strace_parser.ts";
import type { TraceItem } from "./trace/trace_item.ts";
import { eventsToJsonl } from "./trace/jsonl_trace.ts";
import { networkDecision, pathDecision } from "../compile/net_rules.ts";
import { isBeneath } from "../compile/landlock.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { intersectSubtrees } from "../compile/run_view.ts";

const TRACES = new URL("../tests/testdata/traces/", import.meta.url);
const EXAMPLES = new URL("../examples/policies/", import.meta.url);
const STOPPING = new Set(["deny", "kill", "kill_thread", "trap"]);

/**
 * What `cordon run` started as root leaves writable, computed as its planner does
 * (`planProcessConfinement`): the intersection of the write lists of the layers that list any.
 */
function writableInView(set: FilterSet): string[] {
  const lists = set.layers.flatMap((l) =>
    (l.filesystem?.write.length ?? 0) > 0 ? [l.filesystem!.write] : []
  );
  return intersectSubtrees(lists);
}

async function traceFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(TRACES)) if (e.name.endsWith(".strace")) files.push(e.name);
  return files.sort();
}

Deno.test("dry run of real strace traces reports exactly the calls evaluate() stops", async (t) => {
  for (const policy of ["untrusted-plugin.yaml", "build-step.yaml"]) {
    const { filters } = await loadPolicies([new URL(policy, EXAMPLES).pathname]);
    for (const file of await traceFiles()) {
      await t.step(`${policy} × ${file}`, async () => {
        const path = new URL(file, TRACES).pathname;
        const report = await dryRun(filters, path);
        assert.equal(report.malformedTotal, 0);
        // Syscall arguments are always decided; a relative path may not be (see below).
        assert.equal(report.undecided.filter((u) => u.reason === undefined).length, 0);
        // The reference: every call through evaluate() (the IR evaluator, not the flat tables).
        const text = await Deno.readTextFile(path);
        const parser = new StraceParser();
        const items: TraceItem[] = [];
        text.split("\n").forEach((line, i) => line !== "" && parser.push(line, i + 1, items));
        parser.end(items);
        const procs = new Map<number, ProcessInfo>();
        const expected: string[] = [];
        for (const item of items) {
          if (item.kind === "process") {
            if (item.op === "fork") {
              procs.set(item.pid, { ...(procs.get(item.ppid!) ?? {}), pid: item.pid });
            }
            if (item.op === "exec" && item.executable) {
              procs.set(item.pid, {
                pid: item.pid,
                executable: item.executable,
                comm: item.executable.split("/").pop()!.slice(0, 15),
              });
            }
            continue;
          }
          if (item.kind !== "call") continue;
          const args = Array.from({ length: 6 }, (_, i) => item.args[i] ?? 0n);
          const v = evaluate(
            filters,
            { arch: item.arch, nr: item.nr, args },
            procs.get(item.pid) ?? { pid: item.pid },
          );
          if (STOPPING.has(v.audited ?? v.action)) {
            expected.push(`${item.line}:${item.name}:${v.ruleId}`);
          }
        }
        const seccomp = report.findings.filter((f) => f.mechanism === "seccomp");
        const got = seccomp.map((f) => `${f.line}:${f.syscall}:${f.ruleId}`);
        assert.deepEqual(got, expected);
        // Every path or address finding is one the compiler's own decision functions deny, and
        // every read-only-view finding a write outside what the run's planner leaves writable.
        const writable = writableInView(filters);
        for (const f of report.findings.filter((f) => f.mechanism !== "seccomp")) {
          const layer = filters.layers.find((l) => l.policy === f.policy)!;
          if (f.mechanism === "read-only-view") {
            assert.equal(f.errno, 30);
            assert.equal(f.access, "write");
            assert.ok(!writable.some((w) => isBeneath(f.checked!, w)), f.checked);
          } else if (f.section!.startsWith("filesystem.")) {
            assert.equal(pathDecision(layer.filesystem, f.checked!, f.access!).allowed, false);
          } else {
            const query = {
              op: f.netOp!,
              protocol: f.protocol!,
              address: f.address!,
              port: f.port!,
            };
            assert.equal(networkDecision(layer.network, query).allowed, false);
          }
        }
      });
    }
  }
});

Deno.test("dry run findings match the trace's own lines for a name-only deny list", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = `${dir}/deny.yaml`;
    await Deno.writeTextFile(
      policy,
      [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: { name: deny-some }",
        "spec:",
        "  defaultAction: allow",
        "  rules:",
        "    - id: no-close",
        "      syscalls: [close]",
        "      action: deny",
        "    - id: no-mmap",
        "      syscalls: [mmap]",
        "      action: trap",
        "",
      ].join("\n"),
    );
    const { filters } = await loadPolicies([policy]);
    const call = /^(?:\[pid +\d+\] +|\d+ +)?(?:[\d:.]+ +)?(close|mmap)\(/;
    let viewFindings = 0;
    for (const file of await traceFiles()) {
      const path = new URL(file, TRACES).pathname;
      const lines = (await Deno.readTextFile(path)).split("\n");
      const expected = lines.flatMap((line, i) => {
        const m = call.exec(line);
        return m === null ? [] : [`${i + 1}:${m[1]}`];
      });
      // Without the read-only view (a run by another user) seccomp's findings are all.
      const user = await dryRun(filters, path, { view: "user" });
      const got = user.findings.map((f) => `${f.line}:${f.syscall}`).sort((a, b) =>
        parseInt(a) - parseInt(b)
      );
      assert.deepEqual(got, expected, file);
      assert.ok(expected.length > 5, file);
      const loc = user.findings.find((f) => f.syscall === "mmap")!.loc;
      assert.deepEqual([loc.file, loc.line, loc.column], [policy, 10, 7]);
      // Started as root, the policy (no write paths) lets the command write nowhere: the same
      // seccomp findings, and each write the trace made is an EROFS at the policy's location.
      const root = await dryRun(filters, path);
      const seccomp = root.findings.filter((f) => f.mechanism === "seccomp");
      assert.deepEqual(
        seccomp.map((f) => `${f.line}:${f.syscall}`).sort((a, b) => parseInt(a) - parseInt(b)),
        expected,
        file,
      );
      for (const f of root.findings.filter((f) => f.mechanism !== "seccomp")) {
        assert.equal(f.mechanism, "read-only-view", file);
        assert.equal(f.errno, 30);
        assert.equal(f.section, "filesystem.write");
        assert.deepEqual(f.loc, filters.layers[0]!.loc);
        assert.match(f.reason!, /no policy lists filesystem\.write paths/);
        viewFindings++;
      }
    }
    // tar_gzip_tt.strace creates its archive in /tmp, among others.
    assert.ok(viewFindings > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dry run replays JSON Lines traces and names processes from their exec", async () => {
  const { filters } = await loadPolicies([new URL("untrusted-plugin.yaml", EXAMPLES).pathname]);
  const jsonl = eventsToJsonl([
    { kind: "process", op: "exec", time: 0, pid: 5, executable: "/usr/bin/app" },
    {
      kind: "syscall",
      time: 1,
      pid: 5,
      arch: "x86_64",
      nr: 41,
      name: "socket",
      args: [2n, 1n, 0n],
    },
    { kind: "file", op: "open", time: 2, pid: 5, path: "/etc/passwd" },
    { kind: "syscall", time: 3, pid: 5, arch: "x86_64", nr: 0, name: "read", args: [3n, 0n, 10n] },
  ]) + "not json\n";
  const report = await dryRun(filters, jsonl.split("\n"));
  assert.equal(report.format, "jsonl");
  assert.equal(report.calls, 2);
  // The file event is held to the policy's filesystem section (read is limited to its paths).
  assert.deepEqual(
    report.findings.map((f) => [f.line, f.syscall, f.comm, f.mechanism]),
    [[2, "socket", "app", "seccomp"], [3, "open", "app", "landlock"]],
  );
  assert.equal(report.findings[1]!.path, "/etc/passwd");
  assert.equal(report.findings[1]!.errno, 13);
  assert.deepEqual(report.malformed.map((m) => m.line), [5]);
});

Deno.test("dry run stops at the first malformed line with --on-malformed fail", async () => {
  const { filters } = await loadPolicies([new URL("build-step.yaml", EXAMPLES).pathname]);
  const error = await dryRun(filters, ["1 getpid() = 1", "1 getpid(", "1 getpid() = 1"], {
    onMalformed: "fail",
  })
    .catch((e) => e);
  assert.ok(error instanceof EngineError && error.code === "TRACE_MALFORMED", String(error));
  assert.equal(error.line, 2);
  const missing = await dryRun(filters, "/nonexistent/trace").catch((e) => e);
  assert.ok(missing instanceof EngineError && missing.code === "TRACE_IO");
});

Deno.test("dry run reports a call whose deciding argument is unknown as undecided", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = `${dir}/p.yaml`;
    await Deno.writeTextFile(
      policy,
      [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: { name: futex-guard }",
        "spec:",
        "  defaultAction: allow",
        "  rules:",
        "    - syscalls: [futex]",
        "      action: deny",
        "      args: [{ index: 1, op: eq, value: 0 }]",
        "",
      ].join("\n"),
    );
    const { filters } = await loadPolicies([policy]);
    const report = await dryRun(filters, [
      "9 futex(0x7f, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = 0",
      "9 futex(0x7f, 0, 0, NULL) = 0",
    ]);
    assert.deepEqual(report.undecided.map((u) => [u.line, u.missing]), [[1, [1]]]);
    assert.deepEqual(report.findings.map((f) => f.line), [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const DEMO_POLICY = new URL("../tests/testdata/policies/paths-net-demo.yaml", import.meta.url);

Deno.test("dry run of a real trace reports exactly the path and address denials of filesystem and network sections", async (t) => {
  const { filters } = await loadPolicies([DEMO_POLICY.pathname]);
  const layer = filters.layers[0]!;
  // Recorded with and without `-y` (the working directory is then followed through chdir, and
  // socket protocols through socket()): the same denials.
  for (
    const [file, view] of [
      ["python_paths_net_y.strace", "user"],
      ["python_paths_net.strace", "user"],
      ["python_paths_net_y.strace", "root"],
      ["python_paths_net.strace", "root"],
    ] as const
  ) {
    await t.step(`${file}, ${view} view`, async () => {
      const report = await dryRun(filters, new URL(file, TRACES).pathname, { view });
      // Started as root, the writes outside the write paths fail on the read-only view (EROFS)
      // before Landlock decides; by another user, Landlock refuses them (EACCES).
      const writeDenial = view === "root" ? "read-only-view 30" : "landlock 13";
      assert.equal(report.malformedTotal, 0);
      assert.equal(report.undecidedTotal, 0);
      const got = report.findings.map((f) =>
        [
          f.line,
          f.syscall,
          f.mechanism,
          f.errno,
          f.section,
          f.path ?? `${f.protocol}/${f.address}:${f.port}`,
        ].join(" ")
      );
      assert.deepEqual(got, [
        `631 openat ${writeDenial} filesystem.write /tmp/cordon-demo/elsewhere.txt`,
        `638 mkdir ${writeDenial} filesystem.write /tmp/cordon-demo/newdir`,
        `647 openat ${writeDenial} filesystem.write /tmp/cordon-demo/rel-outside.txt`,
        // Port 47012 is allowed (to 127.0.0.2), so Landlock passes it; the address is not: EPERM.
        "658 connect cgroup-bpf 1 network.connect tcp/127.0.0.1:47012",
        // No TCP rule has port 47013: Landlock's port rule answers first, EACCES.
        "661 connect landlock 13 network.connect tcp/::1:47013",
        "664 sendto cgroup-bpf 1 network.connect udp/127.0.0.1:47014",
        "736 execve landlock 13 filesystem.execute /bin/true",
      ]);
      for (const f of report.findings) {
        assert.equal(f.policy, "paths-net-demo");
        assert.deepEqual(
          f.loc,
          f.section!.startsWith("filesystem") ? layer.filesystem!.loc : layer.network!.loc,
        );
      }
      // Cross-check each against the compiler's decision functions directly.
      const path = (p: string, access: "read" | "write" | "execute") =>
        pathDecision(layer.filesystem, p, access).allowed;
      assert.equal(path("/tmp/cordon-demo/elsewhere.txt", "write"), false);
      assert.equal(path("/tmp/cordon-demo", "write"), false); // mkdir: the parent
      assert.equal(path("/tmp/cordon-demo/rel-outside.txt", "write"), false);
      assert.equal(path("/bin/true", "execute"), false);
      const inView = (p: string) => writableInView(filters).some((w) => isBeneath(p, w));
      assert.equal(inView("/tmp/cordon-demo/elsewhere.txt"), false);
      assert.equal(inView("/tmp/cordon-demo"), false);
      assert.equal(inView("/tmp/cordon-demo/out/ok.txt"), true);
      const net = (
        op: "connect" | "sendmsg",
        protocol: "tcp" | "udp",
        address: string,
        port: number,
      ) => networkDecision(layer.network, { op, protocol, address, port }).allowed;
      assert.equal(net("connect", "tcp", "127.0.0.1", 47012), false);
      assert.equal(net("connect", "tcp", "::1", 47013), false);
      assert.equal(net("sendmsg", "udp", "127.0.0.1", 47014), false);
      // What the trace did that the policy allows is not reported, and the functions agree.
      assert.equal(path("/tmp/cordon-demo/out/ok.txt", "write"), true);
      assert.equal(path("/tmp/cordon-demo/out/rel.txt", "write"), true);
      assert.equal(path("/usr/bin/python3", "execute"), true);
      assert.equal(net("connect", "tcp", "127.0.0.1", 47011), true);
      const lines = (await Deno.readTextFile(new URL(file, TRACES))).split("\n");
      const okLine = lines.findIndex((l) => l.includes('"/tmp/cordon-demo/out/ok.txt"')) + 1;
      const port11 = lines.findIndex((l) => l.includes("htons(47011)")) + 1;
      assert.ok(okLine > 0 && port11 > 0);
      assert.ok(!report.findings.some((f) => f.line === okLine || f.line === port11));
    });
  }
});

Deno.test("dry run resolves relative paths from -y, chdir or the cwd option, and otherwise reports them undecided", async () => {
  const { filters } = await loadPolicies([DEMO_POLICY.pathname]);
  const rel = '7 openat(AT_FDCWD, "x.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3';
  const unknown = await dryRun(filters, [rel]);
  assert.equal(unknown.findingsTotal, 0);
  assert.equal(unknown.undecidedTotal, 1);
  assert.match(unknown.undecided[0]!.reason!, /relative path "x.txt": the working directory/);
  const hinted = await dryRun(filters, [rel], { cwd: "/tmp/cordon-demo/out/sub" });
  assert.equal(hinted.findingsTotal + hinted.undecidedTotal, 0);
  const outside = await dryRun(filters, [rel], { cwd: "/tmp" });
  assert.deepEqual(outside.findings.map((f) => f.path), ["/tmp/x.txt"]);
  const viaChdir = await dryRun(filters, ['7 chdir("/var") = 0', rel]);
  assert.deepEqual(viaChdir.findings.map((f) => f.path), ["/var/x.txt"]);
  const viaDecoration = await dryRun(filters, [
    '7 openat(AT_FDCWD</tmp/cordon-demo/out>, "../y", O_RDONLY) = 3</tmp/cordon-demo/y>',
    '7 openat(AT_FDCWD</tmp/cordon-demo/out>, "z", O_RDWR) = 3</tmp/cordon-demo/out/z>',
    '7 openat(4</etc>, "hosts", O_WRONLY) = 3</etc/hosts>',
  ]);
  assert.deepEqual(viaDecoration.findings.map((f) => `${f.access} ${f.path}`), [
    "write /etc/hosts",
  ]);
  // A file call that failed in the trace fails before Landlock decides it.
  const failed = await dryRun(filters, [
    '7 openat(AT_FDCWD, "/etc/nope", O_WRONLY|O_CREAT, 0666) = -1 ENOENT (No such file or directory)',
  ]);
  assert.equal(failed.findingsTotal, 0);
});

Deno.test("dry run holds connect, bind and UDP sends to the network section, with unknown socket protocols undecided", async () => {
  const { filters } = await loadPolicies([DEMO_POLICY.pathname]);
  const v4 = (port: number, addr = "127.0.0.1") =>
    `{sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("${addr}")}`;
  const report = await dryRun(filters, [
    "7 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3",
    `7 bind(3, ${v4(8080, "0.0.0.0")}, 16) = 0`,
    "7 socket(AF_INET, SOCK_DGRAM, 0) = 4",
    `7 connect(4, ${v4(53)}, 16) = 0`,
    `7 sendto(4, "q", 1, 0, ${v4(54)}, 16) = 1`,
    "7 dup2(4, 9) = 9",
    `7 sendmsg(9, {msg_name=${
      v4(55)
    }, msg_namelen=16, msg_iov=[{iov_base="q", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1`,
    "7 close(4) = 0",
    `7 connect(4, ${v4(53)}, 16) = 0`,
    `7 connect(5<TCPv6:[7]>, {sa_family=AF_INET6, sin6_port=htons(47011), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0`,
    `7 connect(6, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 110) = 0`,
  ]);
  assert.deepEqual(
    report.findings.map((f) => `${f.line} ${f.netOp} ${f.mechanism} ${f.address}:${f.port}`),
    [
      // No bind rule at all: Landlock handles BIND_TCP with no port allowed.
      "2 bind landlock 0.0.0.0:8080",
      "5 sendmsg cgroup-bpf 127.0.0.1:54",
      "7 sendmsg cgroup-bpf 127.0.0.1:55",
    ],
  );
  // fd 4 was closed: its protocol is unknown again.
  assert.deepEqual(report.undecided.map((u) => u.line), [9]);
  assert.match(report.undecided[0]!.reason!, /protocol of socket 4 is unknown/);
});

Deno.test("dry run refuses a trace with nothing to replay, and gives up on binary data early", async () => {
  const { filters } = await loadPolicies([new URL("build-step.yaml", EXAMPLES).pathname]);
  const reasons = [];
  for (const lines of [[], ["", "  "], ["# a comment only"], ["\u0000\u0001garbage\uFFFD"]]) {
    const error = await dryRun(filters, lines, { format: "auto" }).catch((e) => e);
    assert.ok(error instanceof TraceUnreadableError, String(error));
    assert.equal(error.code, "TRACE_MALFORMED");
    reasons.push(error.reason);
  }
  // A comment alone is a malformed strace line, so the trace has no line in its format.
  assert.deepEqual(reasons, ["empty", "empty", "unparseable", "binary"]);
  const none = await dryRun(filters, ["# c"], { format: "jsonl" }).catch((e) => e);
  assert.ok(none instanceof TraceUnreadableError && none.reason === "empty", String(none));
  // An endless binary stream: the dry run stops after a few lines instead of reading it all.
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(4096).map((_, i) => (i % 97 === 0 ? 10 : 0xff)));
    },
  });
  const binary = await dryRun(filters, endless).catch((e) => e);
  assert.ok(binary instanceof TraceUnreadableError && binary.reason === "binary", String(binary));
  assert.ok(pulled < 10, `read ${pulled} chunks of binary data`);
  // Some malformed lines among readable ones: a report, with the malformed lines listed.
  const mixed = await dryRun(filters, ["\u0000bad", "1 getpid() = 1"]);
  assert.equal(mixed.calls, 1);
  assert.match(mixed.malformed[0]!.reason, /^binary data, not text/);
});

Deno.test("dry run in the root view reports metadata changes outside the write paths as EROFS", async () => {
  const { filters } = await loadPolicies([DEMO_POLICY.pathname]);
  const trace = [
    '7 chmod("/etc/hosts", 0644) = 0',
    '7 fchmodat(AT_FDCWD</tmp/cordon-demo/out>, "run.sh", 0755) = 0',
    '7 fchownat(AT_FDCWD</tmp/cordon-demo>, "a.txt", 0, 0, 0) = 0',
    "7 fchown(3</var/lib/x>, 0, 0) = 0",
    "7 fchown(3, 0, 0) = 0",
    '7 fsetxattr(4<pipe:[99]>, "user.a", "b", 1, 0) = 0',
    '7 setxattr("/usr/bin/ls", "security.capability", "\\x01", 20, 0) = 0',
    "7 utimensat(5</srv/www>, NULL, NULL, 0) = 0",
    '7 lchown("/etc/shadow", 0, 0) = -1 EPERM (Operation not permitted)',
    '7 removexattr("/tmp/cordon-demo/out/f", "user.a") = 0',
  ];
  const root = await dryRun(filters, trace, { view: "root" });
  assert.deepEqual(
    root.findings.map((f) => `${f.line} ${f.syscall} ${f.mechanism} ${f.errno} ${f.path}`),
    [
      "1 chmod read-only-view 30 /etc/hosts",
      "3 fchownat read-only-view 30 /tmp/cordon-demo/a.txt",
      "4 fchown read-only-view 30 /var/lib/x",
      "7 setxattr read-only-view 30 /usr/bin/ls",
      "8 utimensat read-only-view 30 /srv/www",
    ],
  );
  for (const f of root.findings) {
    assert.equal(f.section, "filesystem.write");
    assert.equal(f.access, "write");
    assert.deepEqual(f.loc, filters.layers[0]!.filesystem!.loc);
  }
  // An fd without -y's decoration cannot be placed; a failed call is not checked.
  assert.deepEqual(root.undecided.map((u) => u.line), [5]);
  assert.match(root.undecided[0]!.reason!, /file of fd 3 is unknown/);
  // Another user's run has no read-only view, and Landlock does not restrict metadata.
  const user = await dryRun(filters, trace, { view: "user" });
  assert.equal(user.findingsTotal + user.undecidedTotal, 0);
});

Deno.test("dry run of JSON Lines file events holds chmod, chown and writes to the root view", async () => {
  const set = (await loadPolicies([new URL("build-step.yaml", EXAMPLES).pathname])).filters;
  const writable = writableInView(set);
  assert.ok(writable.includes("/tmp/cordon-build/out"), writable.join());
  const inside = "/tmp/cordon-build/out/f";
  const jsonl = eventsToJsonl([
    { kind: "file", op: "chmod", time: 0, pid: 5, path: "/etc/passwd" },
    { kind: "file", op: "chown", time: 1, pid: 5, path: "/usr/bin/sudo" },
    { kind: "file", op: "open", time: 2, pid: 5, path: "/dev/null", flags: 1 },
    { kind: "file", op: "mkdir", time: 3, pid: 5, path: "/var/cache/x" },
    { kind: "file", op: "chmod", time: 4, pid: 5, path: inside },
    { kind: "file", op: "chmod", time: 5, pid: 5, path: "rel", result: 0 },
  ]);
  const report = await dryRun(set, jsonl.split("\n"));
  const view = report.findings.filter((f) => f.mechanism === "read-only-view");
  assert.deepEqual(view.map((f) => `${f.line} ${f.syscall} ${f.checked}`), [
    "1 chmod /etc/passwd",
    "2 chown /usr/bin/sudo",
    "4 mkdir /var/cache",
  ]);
  assert.ok(view.every((f) => f.errno === 30));
  // A relative path in an event cannot be placed, and a chmod could be refused: undecided.
  assert.deepEqual(report.undecided.map((u) => u.line), [6]);
  const user = await dryRun(set, jsonl.split("\n"), { view: "user" });
  assert.equal(user.findings.filter((f) => f.syscall === "chmod").length, 0);
});

Deno.test("dry run decides descriptor paths on the file -y shows, and leaves unplaced paths undecided only when they could be denied", async () => {
  const { filters: seccompOnly } = await loadPolicies(["builtin:baseline"]);
  const trace = [
    // Reopening stdout: a pipe (strace -y shows no path for it), then a file.
    '7 openat(AT_FDCWD, "/proc/self/fd/1", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3',
    '7 openat(AT_FDCWD, "/dev/stdout", O_WRONLY) = 4</tmp/out.txt>',
    // Relative paths with no working directory: a read cannot be denied, a write can.
    '7 openat(AT_FDCWD, "in.txt", O_RDONLY) = 5',
    '7 openat(AT_FDCWD, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 6',
    '7 mkdir("dir", 0777) = 0',
  ];
  const root = await dryRun(seccompOnly, trace);
  assert.deepEqual(root.findings.map((f) => `${f.line} ${f.mechanism} ${f.checked}`), [
    "2 read-only-view /dev/stdout",
  ]);
  assert.equal(root.findings[0]!.errno, 30);
  assert.deepEqual(root.undecided.map((u) => u.line), [4, 5]);
  // builtin:baseline restricts only execution: another user's run decides none of these.
  const user = await dryRun(seccompOnly, trace, { view: "user" });
  assert.equal(user.findingsTotal + user.undecidedTotal, 0);
});
