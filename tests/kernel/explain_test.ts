/**
 * Issue 14, `cordon run --explain`, against the real kernel: seccomp denials reach the supervisor
 * through `SECCOMP_RET_USER_NOTIF`, each once, with the deciding rule and its location (or the
 * `defaultAction`'s line), and the program sees exactly the errno it sees without `--explain`;
 * a flood is counted exactly; allowed calls keep the kernel's action cache. The costs (a denied
 * call with and without `--explain`, 5M `getppid`) are printed, not asserted.
 */

import { hasFile, kernelTest, PYTHON } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import {
  allowProbes,
  assert,
  buildProbes,
  compileYaml,
  PROBES_REASON,
  runProbe,
} from "../_probes.ts";
import { hostArches, nativeArch, planFilters, runConfined } from "../../backends/linux/run.ts";
import { BUILTIN_PROFILES } from "../../policies/builtin_profiles.ts";
import { planExplain, type SeccompDenial } from "../../backends/linux/seccomp_notify.ts";
import type { NetworkDenial } from "../../backends/linux/net_explain.ts";
import { decodeAction, runSeccomp } from "../../compile/bpf_interpreter.ts";
import { AUDIT_ARCH, syscallNumber } from "../../policies/syscalls.ts";

const EACCES = 13;
const EPERM = 1;

const DENY_MKDIR = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: no-mkdir
spec:
  defaultAction: allow
  rules:
    - id: deny-mkdir
      syscalls: [mkdir, mkdirat]
      action: deny
      errno: EACCES
`;

// Extends builtin:baseline, which allows mkdir; vhangup is named by no rule: the default decides.
// This policy writes its defaultAction on line 7, column 3; INHERITS takes baseline's.
const DEFAULT_DENY = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: default-deny
spec:
  extends: [builtin:baseline]
  defaultAction: deny
  defaultErrno: EPERM
`;

const INHERITS = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: inherits
spec:
  extends: [builtin:baseline]
`;

// Two layers both deny mkdir with different errnos: the kernel keeps the first policy's (its
// filter is installed last), as the evaluator does.
const SECOND_LAYER = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: second
spec:
  defaultAction: allow
  rules:
    - { id: second-mkdir, syscalls: [mkdir, mkdirat], action: deny, errno: EROFS }
    - { id: second-rmdir, syscalls: [rmdir], action: deny, errno: EBUSY }
`;

/** JSON with bigints as hex, for messages. */
function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? `0x${v.toString(16)}` : v);
}

interface LoopResult {
  readonly calls: number;
  readonly errno: number;
  readonly same: boolean;
  readonly succeeded: number;
  readonly ns: number;
}

function asLoop(json: unknown): LoopResult {
  assert(json !== null && typeof json === "object", `probe printed no result: ${json}`);
  return json as LoopResult;
}

kernelTest(
  "run --explain: a denied mkdir is reported once with its rule and location, same errno",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["mkdir_loop"]);
    const set = await compileYaml(probes.dir, DENY_MKDIR);
    const target = `${probes.dir}/x`;
    const argv = [probes.path("mkdir_loop"), "1", target];
    const plain = asLoop((await runProbe(set, argv)).json);
    const denials: SeccompDenial[] = [];
    const explained = await runProbe(set, argv, { explain: { onDenial: (d) => denials.push(d) } });
    const seen = asLoop(explained.json);
    assert(plain.errno === EACCES, `without --explain mkdir must fail with EACCES: ${plain.errno}`);
    assert(
      seen.errno === plain.errno,
      `errno ${seen.errno} under --explain, ${plain.errno} without`,
    );
    assert(denials.length === 1, `exactly one report expected, got ${denials.length}`);
    const [d] = denials;
    assert(d!.ruleId === "deny-mkdir" && d!.policy === "no-mkdir", `rule: ${show(d)}`);
    assert(d!.loc.line === 8 && d!.loc.column === 7, `location: ${JSON.stringify(d!.loc)}`);
    assert(d!.syscall === "mkdir" && d!.errno === EACCES && d!.errnoName === "EACCES", "call");
    assert(d!.paths[0] === target, `path read from memory: ${JSON.stringify(d!.paths)}`);
    assert(d!.pid === explained.pid && d!.comm === "mkdir_loop", `pid/comm: ${d!.pid} ${d!.comm}`);
  },
);

kernelTest(
  "run --explain: a default-action denial names the defaultAction line, builtin's included",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["syscall_probe"]);
    const vhangup = String(syscallNumber(nativeArch(), "vhangup"));
    const baselineLine = BUILTIN_PROFILES["builtin:baseline"]!.split("\n")
      .findIndex((l) => /^\s*defaultAction:/.test(l)) + 1;
    for (
      const [yaml, file, line, column] of [
        [DEFAULT_DENY, undefined, 7, 3],
        [INHERITS, "builtin:baseline", baselineLine, 3],
      ] as const
    ) {
      const set = await compileYaml(probes.dir, allowProbes(yaml, probes.dir));
      const argv = [probes.path("syscall_probe"), vhangup];
      const plain = (await runProbe(set, argv)).json;
      const denials: SeccompDenial[] = [];
      const seen = (await runProbe(set, argv, { explain: { onDenial: (d) => denials.push(d) } }))
        .json;
      assert(plain?.errno === EPERM, `vhangup without --explain: ${JSON.stringify(plain)}`);
      assert(JSON.stringify(seen) === JSON.stringify(plain), `${JSON.stringify(seen)} vs plain`);
      const mine = denials.filter((d) => d.syscall === "vhangup");
      assert(mine.length === 1, `one vhangup report expected: ${show(denials)}`);
      const d = mine[0]!;
      assert(d.ruleId === null && d.errno === EPERM, `decided by ${d.ruleId}`);
      assert(
        (file === undefined ? d.loc.file.endsWith(".yaml") : d.loc.file === file) &&
          d.loc.line === line && d.loc.column === column,
        `defaultAction at ${file ?? "the policy"}:${line}:${column}, reported ${
          JSON.stringify(d.loc)
        }`,
      );
    }
  },
);

kernelTest(
  "run --explain with two layers: the first policy's errno and rule, as without --explain",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["mkdir_loop"]);
    const first = await compileYaml(probes.dir, DENY_MKDIR);
    const second = await compileYaml(probes.dir, SECOND_LAYER);
    const set = { version: 1 as const, layers: [...first.layers, ...second.layers] };
    const argv = [probes.path("mkdir_loop"), "3", `${probes.dir}/z`];
    const plain = asLoop((await runProbe(set, argv)).json);
    const denials: SeccompDenial[] = [];
    const seen = asLoop(
      (await runProbe(set, argv, { explain: { onDenial: (d) => denials.push(d) } })).json,
    );
    assert(plain.errno === EACCES && seen.errno === EACCES && seen.same, `errno ${seen.errno}`);
    assert(denials.length === 3, `three reports expected, got ${denials.length}`);
    assert(denials.every((d) => d.ruleId === "deny-mkdir"), "the first policy's rule decides");
    // rmdir, denied by the second layer only, is reported with its rule
    const rmdirs: SeccompDenial[] = [];
    const result = await runConfined({
      set,
      command: ["/usr/bin/rmdir", probes.dir],
      stderr: "piped",
      explain: { onDenial: (d) => rmdirs.push(d) },
    });
    assert(result.code !== 0, "rmdir must fail");
    assert(rmdirs.length === 1 && rmdirs[0]!.ruleId === "second-rmdir", show(rmdirs));
    assert(rmdirs[0]!.errnoName === "EBUSY" && rmdirs[0]!.paths[0] === probes.dir, "rmdir call");
  },
);

kernelTest(
  "run --explain: 100k denied calls are answered and counted exactly; costs printed",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["mkdir_loop", "getppid_loop"]);
    const set = await compileYaml(probes.dir, DENY_MKDIR);
    const N = 100_000;
    const argv = [probes.path("mkdir_loop"), String(N), `${probes.dir}/flood`];
    const plain = asLoop((await runProbe(set, argv)).json);
    let reported = 0;
    const started = performance.now();
    const run = await runProbe(set, argv, {
      explain: { onDenial: () => reported++, readPaths: false },
    });
    const seconds = (performance.now() - started) / 1000;
    const seen = asLoop(run.json);
    assert(seen.calls === N && seen.same && seen.errno === EACCES && seen.succeeded === 0, "flood");
    assert(reported === N, `${reported} of ${N} denials reported`);
    const result = await runConfined({
      set,
      command: argv,
      stdout: "piped",
      explain: { readPaths: false },
    });
    assert(result.explain?.total === N, `summary counts ${result.explain?.total}`);
    const rule = result.explain.byRule[0]!;
    assert(
      rule.ruleId === "deny-mkdir" && rule.count === N && rule.bySyscall.mkdir === N,
      "byRule",
    );
    // with path reading (the report's default): same exact count
    let withPaths = 0;
    const pathRun = asLoop(
      (await runProbe(set, [argv[0]!, "20000", argv[2]!], {
        explain: { onDenial: (d) => d.paths[0] === argv[2] && withPaths++ },
      })).json,
    );
    assert(withPaths === 20000 && pathRun.same, `${withPaths} of 20000 with their path`);

    const getppid = async (explain: boolean) =>
      parseFloat(
        (await runProbe(
          set,
          [probes.path("getppid_loop"), "5000000"],
          explain ? { explain: {} } : {},
        ))
          .stdout,
      );
    const without = await getppid(false);
    const withExplain = await getppid(true);
    console.log(
      `explain: denied mkdir ${plain.ns.toFixed(0)} ns without --explain, ` +
        `${seen.ns.toFixed(0)} ns with (no path read), ${
          pathRun.ns.toFixed(0)
        } ns with the path; ` +
        `${Math.round(N / seconds)} denials/s through the supervisor (whole run ${
          seconds.toFixed(2)
        } s); 5M getppid ${without.toFixed(1)} ns/call without, ${withExplain.toFixed(1)} with ` +
        `(ratio ${(withExplain / without).toFixed(2)})`,
    );
  },
);

kernelTest(
  "run --explain keeps allowed calls on the cacheable path (getppid loads only nr and arch)",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(
      probes.dir,
      DENY_MKDIR.replace(
        "defaultAction: allow",
        "extends: [builtin:baseline]\n  defaultAction: allow",
      ),
    );
    const arches = hostArches();
    const plan = planExplain(set, planFilters(set, arches), arches);
    const programs = [...plan.layers.map((l) => l.program), plan.listener];
    for (const arch of arches.filter((a) => a !== "x32")) {
      const nr = syscallNumber(arch, "getppid")!;
      for (const program of programs) {
        const run = runSeccomp(program, { nr, arch: AUDIT_ARCH[arch] >>> 0, args: [] });
        assert(!run.loadsArguments, `getppid on ${arch} must load only nr and arch`);
        assert(decodeAction(run.action).action === "allow", `getppid on ${arch} must be allowed`);
      }
      const mkdir = syscallNumber(arch, "mkdir");
      if (mkdir === undefined) continue;
      const run = runSeccomp(plan.listener, { nr: mkdir, arch: AUDIT_ARCH[arch] >>> 0, args: [] });
      assert(
        decodeAction(run.action).action === "user_notif",
        `mkdir on ${arch} goes to the listener`,
      );
    }
  },
);

kernelTest(
  "cordon run --explain: the report line, JSON Lines and the summary",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["mkdir_loop"]);
    const file = `${probes.dir}/p.yaml`;
    await Deno.writeTextFile(file, DENY_MKDIR);
    const target = `${probes.dir}/w`;
    const text = await cordon([
      "run",
      "-p",
      file,
      "--explain",
      "--",
      probes.path("mkdir_loop"),
      "2",
      target,
    ]);
    assert(text.code === 0, `exit ${text.code}: ${text.stderr}`);
    const lines = text.stderr.split("\n").filter((l) => l.includes("denied by"));
    const expected = `cordon run: ${file}:8:7: mkdir(`;
    assert(lines.length === 2 && lines.every((l) => l.startsWith(expected)), text.stderr);
    assert(
      lines.every((l) =>
        l.includes(
          `) [${target}] denied by rule deny-mkdir of policy "no-mkdir" (seccomp: EACCES, pid `,
        )
      ),
      text.stderr,
    );
    assert(text.stderr.includes("explain: 2 seccomp denials by 1 rule"), text.stderr);
    assert(
      text.stderr.includes(`${file}:8:7: rule deny-mkdir of policy "no-mkdir": 2 (mkdir 2)`),
      text.stderr,
    );

    const json = await cordon([
      "run",
      "-p",
      file,
      "--explain",
      "--format",
      "json",
      "--",
      probes.path("mkdir_loop"),
      "25",
      target,
    ]);
    const records = json.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) =>
      JSON.parse(l)
    );
    const denials = records.filter((r) => r.event === "denial");
    assert(
      denials.length === 25,
      `25 denial records (no throttling in JSON), got ${denials.length}`,
    );
    assert(
      denials.every((r) => r.ruleId === "deny-mkdir" && r.loc.line === 8 && r.errno === EACCES),
      "fields",
    );
    const summary = records.find((r) => r.event === "explain");
    assert(summary?.total === 25 && summary.byRule[0].count === 25, JSON.stringify(summary));
    assert(new Set(records.map((r) => r.runId)).size === 1, "one runId");

    // text throttles to 20 per rule and syscall, and says so once
    const many = await cordon([
      "run",
      "-p",
      file,
      "--explain",
      "--",
      probes.path("mkdir_loop"),
      "25",
      target,
    ]);
    const shown = many.stderr.split("\n").filter((l) => l.includes("denied by rule"));
    assert(shown.length === 20, `20 lines shown, got ${shown.length}`);
    assert(many.stderr.includes("further mkdir denials by rule deny-mkdir"), many.stderr);
    assert(many.stderr.includes("explain: 25 seccomp denials"), many.stderr);
  },
);

kernelTest("cordon show builtin:baseline prints the profile with line numbers", null, async () => {
  const shown = await cordon(["show", "builtin:baseline"]);
  assert(shown.code === 0, shown.stderr);
  const line = shown.stdout.split("\n").find((l) => /^\s*\d+ {2}\s*defaultAction:/.test(l));
  assert(line !== undefined, shown.stdout);
  const missing = await cordon(["show", "builtin:nope"]);
  assert(missing.code === 1 && missing.stderr.includes("no builtin profile"), missing.stderr);
});

kernelTest(
  "run --explain: when the supervisor dies, the converted calls stay denied (ENOSYS)",
  PROBES_REASON,
  async () => {
    await using probes = await buildProbes(["mkdir_loop"]);
    const file = `${probes.dir}/p.yaml`;
    await Deno.writeTextFile(file, DENY_MKDIR);
    const script = `echo started; read line; ${probes.path("mkdir_loop")} 1 ${probes.dir}/k`;
    const mod = new URL("../../mod.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", mod, "run", "-p", file, "--explain", "--", "/bin/sh", "-c", script],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    const decoder = new TextDecoder();
    let out = "";
    while (!out.includes("started\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the command ended before starting: ${out}`);
      out += decoder.decode(value);
    }
    child.kill("SIGKILL"); // the supervisor (cordon run) dies; the command keeps running
    await child.status;
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += decoder.decode(value);
    }
    const line = out.split("\n").find((l) => l.startsWith("{"));
    assert(line !== undefined, `mkdir_loop printed nothing: ${out}`);
    const result = JSON.parse(line) as LoopResult;
    assert(result.errno === 38 && result.succeeded === 0, `ENOSYS expected: ${line}`);
  },
);

const NET_POLICY = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: net
spec:
  defaultAction: allow
  network:
    connect: ["127.0.0.1:9"]
`;

// A UDP connect to a port the network rules do not allow: refused by the cgroup program (TCP is
// refused by Landlock first on kernels with Landlock TCP rules, and not reported yet).
const UDP_CONNECT = `
import errno, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.connect(("127.0.0.1", 4444)); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])
`;

kernelTest(
  "run --explain: a UDP connect the network rules refuse is reported once, same errno",
  PROBES_REASON ?? (hasFile(PYTHON) ? null : `needs ${PYTHON}`),
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(probes.dir, NET_POLICY);
    const command = [PYTHON, "-c", UDP_CONNECT];
    const plain = await runConfined({ set, command, stdout: "piped" });
    const denials: NetworkDenial[] = [];
    const explained = await runConfined({
      set,
      command,
      stdout: "piped",
      explain: { onNetworkDenial: (d) => denials.push(d) },
    });
    const text = (r: { stdout?: Uint8Array }) => new TextDecoder().decode(r.stdout).trim();
    assert(text(plain) === "EPERM", `without --explain: ${text(plain)}`);
    assert(text(explained) === text(plain), `with --explain: ${text(explained)}`);
    assert(denials.length === 1, `one network report expected: ${show(denials)}`);
    const [d] = denials;
    assert(d!.op === "connect" && d!.address === "127.0.0.1" && d!.port === 4444, show(d));
    assert(d!.protocol === "udp" && d!.policy === "net" && d!.pid === explained.pid, show(d));
    assert(d!.loc.line === 7 && d!.loc.column === 3, `network section location: ${show(d!.loc)}`);
    assert(
      explained.explain?.network?.total === 1 && explained.explain.network.lost === 0,
      show(explained.explain),
    );
  },
);
