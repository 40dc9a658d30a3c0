/**
 * `cordon compile`, `cordon eval` and `cordon demo` as a user runs them: `deno run -A mod.ts …`
 * in a subprocess, asserting outputs and exit codes.
 */

import { type CliRun, cordon as runCordon } from "./_cli.ts";

const root = new URL("..", import.meta.url);

function cordon(args: readonly string[], stdin?: string): Promise<CliRun> {
  return runCordon(args, { cwd: root, env: { CORDON_DEBUG: "" }, stdin });
}

function expectCode(result: CliRun, code: number, what: string): void {
  if (result.code !== code) {
    throw new Error(
      `${what}: exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

function expectIncludes(text: string, part: string, what: string): void {
  if (!text.includes(part)) throw new Error(`${what}: ${JSON.stringify(part)} not in:\n${text}`);
}

const POLICY = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: web
spec:
  defaultAction: allow
  defaultErrno: EPERM
  rules:
    - id: no-debug
      syscalls: [ptrace, process_vm_readv]
      action: kill
      priority: 1000
    - id: no-packet-sockets
      syscalls: [socket]
      action: deny
      errno: EACCES
      priority: 100
      args:
        - { index: 0, op: eq, value: AF_PACKET }
    - id: no-mount
      syscalls: [mount]
      action: deny
---
apiVersion: cordon/v1
kind: Policy
metadata:
  name: nginx-only
spec:
  target:
    comms: [nginx]
  defaultAction: allow
  rules:
    - id: nginx-no-fork
      syscalls: [fork, vfork]
      action: deny
      errno: EAGAIN
`;

const BROKEN = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: broken
spec:
  defaultAction: maybe
  rules:
    - syscalls: [read]
      action: allow
      priorty: 3
`;

// Path and network rules, for the Landlock and network map emitters.
const FETCHER = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: fetcher
spec:
  defaultAction: allow
  rules:
    - { id: no-debug, syscalls: [ptrace], action: kill }
  filesystem:
    read: [/usr, /etc]
    write: [/tmp/app]
  network:
    connect: ["tcp/443", "10.0.0.0/8:5432"]
`;

const dir = await Deno.makeTempDir({ prefix: "cordon-cli-compile-" });
const policyFile = `${dir}/web.yaml`;
const brokenFile = `${dir}/broken.yaml`;
const fetcherFile = `${dir}/fetcher.yaml`;
await Deno.writeTextFile(policyFile, POLICY);
await Deno.writeTextFile(brokenFile, BROKEN);
await Deno.writeTextFile(fetcherFile, FETCHER);

/** Runs `cordon compile ARGS` twice at once: same bytes both times, parsed as JSON. */
// deno-lint-ignore no-explicit-any
async function compileJsonTwice(args: readonly string[]): Promise<any> {
  const [a, b] = await Promise.all([cordon(["compile", ...args]), cordon(["compile", ...args])]);
  expectCode(a, 0, `compile ${args.join(" ")}`);
  if (a.stdout !== b.stdout) throw new Error(`two runs of compile ${args.join(" ")} differ`);
  return JSON.parse(a.stdout);
}

Deno.test({
  name: "cordon compile / eval / demo",
  permissions: { read: true, write: true, run: true, env: true },
  async fn(t) {
    try {
      await t.step("compile prints the IR, byte-identical on every run", async () => {
        const [a, b] = await Promise.all([
          cordon(["compile", policyFile]),
          cordon(["compile", policyFile]),
        ]);
        expectCode(a, 0, "compile");
        if (a.stdout !== b.stdout) throw new Error("two compile runs differ");
        const ir = JSON.parse(a.stdout);
        if (ir.format !== "cordon-ir" || ir.version !== 1 || ir.layers.length !== 2) {
          throw new Error("IR header");
        }
        if (Object.keys(ir.layers[0].arches).join() !== "aarch64,i386,x32,x86_64") {
          throw new Error("all four architectures by default");
        }
        const x86 = ir.layers[0].arches.x86_64;
        const ptrace = ir.layers[0].decisions[x86.syscalls["ptrace:101"]];
        if (
          ptrace.action !== "kill" || ptrace.ruleId !== "no-debug" ||
          !ptrace.loc.startsWith(policyFile)
        ) {
          throw new Error(`ptrace: ${JSON.stringify(ptrace)}`);
        }
      });

      await t.step("compile -o writes the file and prints a JSON summary", async () => {
        const out = `${dir}/web.ir.json`;
        const r = await cordon([
          "compile",
          policyFile,
          "--arch",
          "x86_64,arm64",
          "-o",
          out,
          "--format",
          "json",
        ]);
        expectCode(r, 0, "compile -o");
        const summary = JSON.parse(r.stdout);
        const written = await Deno.readTextFile(out);
        if (summary.bytes !== new TextEncoder().encode(written).length) throw new Error("bytes");
        if (summary.arches.join() !== "x86_64,aarch64") throw new Error(`arches ${summary.arches}`);
        const ir = JSON.parse(written);
        if (Object.keys(ir.layers[0].arches).join() !== "aarch64,x86_64") {
          throw new Error("IR arches");
        }
        const x86 = summary.layers[0].arches[0];
        // conditional: socket (no-packet-sockets), execveat (the implied AT_EMPTY_PATH deny) and
        // ioctl (the implied TIOCSTI/TIOCLINUX denies)
        if (x86.arch !== "x86_64" || x86.byAction.kill !== 2 || x86.conditional !== 3) {
          throw new Error(`summary: ${JSON.stringify(x86)}`);
        }
      });

      await t.step("compile reads standard input and builtin profiles", async () => {
        const r = await cordon(["compile", "-", "builtin:baseline", "--arch", "x86_64"], POLICY);
        expectCode(r, 0, "compile - builtin:baseline");
        const names = JSON.parse(r.stdout).layers.map((l: { policy: string }) => l.policy);
        if (names.join() !== "web,nginx-only,baseline") throw new Error(names.join());
      });

      await t.step("--emit maps: the eBPF map entries, deterministic JSON", async () => {
        const out = await compileJsonTwice([fetcherFile, "--emit", "maps", "--arch", "x86_64"]);
        if (out.format !== "cordon-bpf-maps" || out.layers.length !== 1) throw new Error("header");
        const layer = out.layers[0];
        // deno-lint-ignore no-explicit-any
        const ptrace = layer.maps.decisions.find((d: any) => d.slot === 101);
        // key: policy slot 1, syscall 101 (little-endian u32s)
        if (
          layer.policy !== "fetcher" || ptrace?.action !== "kill" || ptrace.rule !== "no-debug" ||
          ptrace.key !== "0100000065000000"
        ) throw new Error(`ptrace: ${JSON.stringify(ptrace)}`);
        if (layer.maps.net_rules.length !== 2) throw new Error("two network rules");
      });

      await t.step("--emit landlock: rulesets at the latest ABI or --landlock-abi", async () => {
        const latest = await compileJsonTwice([fetcherFile, "--emit", "landlock"]);
        if (latest.format !== "cordon-landlock" || latest.abi !== 7) throw new Error("header");
        const ruleset = latest.layers[0].ruleset;
        // deno-lint-ignore no-explicit-any
        const app = ruleset.paths.find((p: any) => p.path === "/tmp/app");
        if (!app?.rights.includes("IOCTL_DEV") || app.rights.includes("READ_FILE")) {
          throw new Error(`/tmp/app: ${JSON.stringify(app)}`);
        }
        // deno-lint-ignore no-explicit-any
        if (ruleset.ports.map((p: any) => p.port).join() !== "443,5432") {
          throw new Error(`ports: ${JSON.stringify(ruleset.ports)}`);
        }
        const old = await compileJsonTwice([
          fetcherFile,
          "--emit",
          "landlock",
          "--landlock-abi",
          "3",
        ]);
        const gaps = old.layers[0].ruleset.gaps;
        // deno-lint-ignore no-explicit-any
        const subjects = gaps.map((g: any) => `${g.section}:${g.subject}`);
        if (
          old.abi !== 3 || old.layers[0].ruleset.ports.length !== 0 ||
          !subjects.includes("filesystem:IOCTL_DEV") || !subjects.includes("network:all endpoints")
        ) throw new Error(`ABI 3: ${JSON.stringify(old)}`);
        const bad = await cordon([
          "compile",
          fetcherFile,
          "--emit",
          "landlock",
          "--landlock-abi",
          "8",
        ]);
        expectCode(bad, 2, "--landlock-abi 8");
        expectIncludes(bad.stderr, "from 0 to 7", "ABI range");
        const misplaced = await cordon(["compile", fetcherFile, "--landlock-abi", "3"]);
        expectCode(misplaced, 2, "--landlock-abi without --emit landlock");
      });

      await t.step("--emit net-maps: the network rule tuples, byte for byte", async () => {
        const out = await compileJsonTwice([fetcherFile, "--emit", "net-maps"]);
        if (out.format !== "cordon-net-maps" || out.layers.length !== 1) throw new Error("header");
        const [https, db] = out.layers[0].tuples;
        // struct cordon_net_rule: 16-byte address, prefix, ports 443-443, tcp, ops.
        if (https?.bytes !== "00000000000000000000000000000000bb01bb0100060100") {
          throw new Error(`tcp/443: ${JSON.stringify(https)}`);
        }
        if (db?.family !== "ipv4" || db.portLo !== 5432 || db.bytes.length !== 48) {
          throw new Error(`10.0.0.0/8:5432: ${JSON.stringify(db)}`);
        }
      });

      await t.step("compile prints every policy error as FILE:LINE:COL and exits 1", async () => {
        const r = await cordon(["compile", brokenFile]);
        expectCode(r, 1, "compile broken");
        expectIncludes(r.stderr, `${brokenFile}:6:18`, "defaultAction error");
        expectIncludes(r.stderr, `${brokenFile}:10:7`, "unknown key error");
        if (r.stdout !== "") throw new Error("nothing on stdout");
        if (r.stderr.includes("    at ")) throw new Error("no stack trace");
      });

      await t.step("compile refuses usage errors with exit 2", async () => {
        const emit = await cordon(["compile", policyFile, "--emit", "iir"]);
        expectCode(emit, 2, "--emit iir");
        expectIncludes(emit.stderr, 'did you mean "ir"', "emit suggestion");
        const arch = await cordon(["compile", policyFile, "--arch", "x86-65"]);
        expectCode(arch, 2, "--arch x86-65");
        expectIncludes(arch.stderr, 'unknown architecture "x86-65"', "arch message");
        expectCode(await cordon(["compile"]), 2, "no file");
      });

      await t.step("compile of a missing file exits 1 naming it", async () => {
        const r = await cordon(["compile", `${dir}/missing.yaml`]);
        expectCode(r, 1, "missing file");
        expectIncludes(r.stderr, "missing.yaml", "names the file");
      });

      await t.step("eval names the deciding rule and exits 1 when killed", async () => {
        const r = await cordon(["eval", policyFile, "--syscall", "ptrace"]);
        expectCode(r, 1, "eval ptrace");
        expectIncludes(r.stdout, "ptrace(101) on x86_64: kill", "action");
        expectIncludes(r.stdout, `rule "no-debug" of policy "web" at ${policyFile}:9:`, "rule");
      });

      await t.step("eval exits 0 for an allowed syscall, decided by the default", async () => {
        const r = await cordon(["eval", policyFile, "--syscall", "read"]);
        expectCode(r, 0, "eval read");
        expectIncludes(r.stdout, "read(0) on x86_64: allow", "action");
        expectIncludes(r.stdout, 'default action of policy "web"', "source");
      });

      await t.step("eval decides by arguments given as constants or numbers", async () => {
        const packet = await cordon([
          "eval",
          policyFile,
          "--syscall",
          "socket",
          "--args",
          "AF_PACKET,SOCK_RAW",
        ]);
        expectCode(packet, 1, "socket AF_PACKET");
        expectIncludes(packet.stdout, "deny EACCES (13)", "errno");
        expectIncludes(packet.stdout, "no-packet-sockets", "rule");
        const inet = await cordon(["eval", policyFile, "--syscall", "41", "--args", "0x2,1"]);
        expectCode(inet, 0, "socket AF_INET");
        const bad = await cordon(["eval", policyFile, "--syscall", "socket", "--args", "AF_NOPE"]);
        expectCode(bad, 2, "unknown constant");
      });

      await t.step("eval applies targeted policies only to matching processes", async () => {
        const nginx = await cordon(["eval", policyFile, "--syscall", "fork", "--comm", "nginx"]);
        expectCode(nginx, 1, "nginx fork");
        expectIncludes(nginx.stdout, "deny EAGAIN (11)", "nginx errno");
        const bash = await cordon(["eval", policyFile, "--syscall", "fork", "--comm", "bash"]);
        expectCode(bash, 0, "bash fork");
      });

      await t.step("eval --format json gives the verdict and every layer", async () => {
        const r = await cordon(["eval", policyFile, "--syscall", "mount", "--format", "json"]);
        expectCode(r, 1, "eval mount json");
        const out = JSON.parse(r.stdout);
        const v = out.verdict;
        if (
          v.action !== "deny" || v.errno !== 1 || v.errnoName !== "EPERM" ||
          v.ruleId !== "no-mount" ||
          v.layer !== 0 || out.allowed !== false || out.layers.length !== 2 ||
          out.syscall.nr !== 165
        ) throw new Error(r.stdout);
      });

      await t.step("eval resolves x32 numbers with the x32 bit", async () => {
        const r = await cordon([
          "eval",
          policyFile,
          "--syscall",
          "0",
          "--arch",
          "x32",
          "--format",
          "json",
        ]);
        expectCode(r, 0, "x32 read");
        const out = JSON.parse(r.stdout);
        if (out.syscall.name !== "read" || out.syscall.nr !== 0x40000000) throw new Error(r.stdout);
      });

      await t.step("eval of an unknown syscall is a usage error with a suggestion", async () => {
        const r = await cordon(["eval", policyFile, "--syscall", "ptrac"]);
        expectCode(r, 2, "ptrac");
        expectIncludes(r.stderr, 'unknown syscall "ptrac"; did you mean "ptrace"?', "suggestion");
        const wrongArch = await cordon([
          "eval",
          policyFile,
          "--syscall",
          "open",
          "--arch",
          "aarch64",
        ]);
        expectCode(wrongArch, 2, "open on aarch64");
        expectIncludes(wrongArch.stderr, "does not exist on aarch64", "arch message");
        expectCode(await cordon(["eval", policyFile]), 2, "no --syscall");
      });

      await t.step("eval prints policy errors and exits 1", async () => {
        const r = await cordon(["eval", brokenFile, "--syscall", "read"]);
        expectCode(r, 1, "eval broken");
        expectIncludes(r.stderr, `${brokenFile}:6:18`, "error location");
      });

      await t.step("demo shows check, compile and evaluations of builtin:baseline", async () => {
        const r = await cordon(["demo"]);
        expectCode(r, 0, "demo");
        for (
          const part of ["1. check", "2. compile", "3. eval", "x86_64", "aarch64", "io_uring_setup"]
        ) {
          expectIncludes(r.stdout, part, "demo text");
        }
        if (r.stdout.includes("\x1b[")) throw new Error("no colors when stdout is not a terminal");
        const json = await cordon(["demo", "--format", "json"]);
        expectCode(json, 0, "demo json");
        const out = JSON.parse(json.stdout);
        const action = (label: string) =>
          out.eval.find((e: { label: string; action: string }) => e.label === label)?.action;
        if (action("read") !== "allow") throw new Error("read allowed");
        if (action("ptrace") !== "kill") throw new Error("ptrace killed");
        if (action("io_uring_setup") !== "deny") throw new Error("io_uring_setup denied");
        if (out.check.errors !== 0 || out.compile.arches.length !== 4) {
          throw new Error("check/compile");
        }
      });

      await t.step("every command answers --help", async () => {
        for (const name of ["compile", "eval", "demo"]) {
          const r = await cordon([name, "--help"]);
          expectCode(r, 0, `${name} --help`);
          expectIncludes(r.stdout, `cordon ${name}`, `${name} help`);
        }
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
