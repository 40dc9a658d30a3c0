/**
 * `cordon deno` end to end (issue 15), with the pinned Deno (`Deno.execPath()`): Cordon answers
 * Deno's permission checks from the policy's `deno` section, and the same policy confines the
 * Deno process in the kernel, so that a child started through `--allow-run` and code reached
 * through FFI are stopped by Landlock and seccomp where Deno's own checks no longer apply.
 *
 * The policy is `examples/policies/deno-app.yaml`: as it is in the checkout (its program's
 * directory is relative to the file; `cordon deno` adds the Deno executable and DENO_DIR), or
 * copied to a test directory with that directory made absolute and more paths readable.
 */

import { kernelTest, landlockAbi, needCommands, needRoot, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { type CliRun, cordon, jsonLines } from "../_cli.ts";
import { runNetworkUnavailable } from "../../backends/linux/cgroup_net.ts";
import { denoRuntime } from "../../engine/deno_runtime.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const EXAMPLE = `${ROOT}/examples/policies/deno-app.yaml`;

const REASON = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  needCommands("cat"),
  landlockAbi() < 1 && "needs Landlock",
  runNetworkUnavailable(),
);

/** The line of the example policy that holds `text` (1-based). */
function lineOf(text: string): number {
  return Deno.readTextFileSync(EXAMPLE).split("\n").findIndex((l) => l.includes(text)) + 1;
}

/** The example policy for a copy outside the checkout (and `extraRead` readable). */
function examplePolicy(extraRead?: string): string {
  const text = Deno.readTextFileSync(EXAMPLE);
  const relative = "      - ../ # examples/";
  assert(text.includes(relative), "the example reads its directory relative to the file");
  return text.replace(
    relative,
    `      - ${ROOT}/examples${extraRead ? `\n      - ${extraRead}` : ""} # `,
  );
}

/** Runs `cordon deno`; `policy` is YAML text, or `{ file }` a policy file used as it is. */
async function cordonDeno(
  policy: string | { file: string },
  denoArgs: string[],
  extra: string[] = [],
): Promise<CliRun & { events: Record<string, unknown>[] }> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-deno-test-" });
  try {
    // A policy text sits in the test's directory: decisions cite it by this path.
    const file = typeof policy === "string" ? `${dir}/deno-app.yaml` : policy.file;
    if (typeof policy === "string") await Deno.writeTextFile(file, policy);
    const run = await cordon([
      "deno",
      "--policy",
      file,
      "--deno",
      Deno.execPath(),
      "--format",
      "json",
      ...extra,
      "--",
      ...denoArgs,
    ], { cwd: ROOT });
    const events = jsonLines(run.stderr);
    return { ...run, events };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function show(run: CliRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** The output line of `examples/deno_app.ts` whose step name starts with `name`. */
function stepLine(run: CliRun, name: string): string {
  const line = run.stdout.split("\n").find((l) => l.slice(8).startsWith(name));
  assert(line !== undefined, `no step "${name}":\n${show(run)}`);
  return line;
}

kernelTest(
  "cordon deno: examples/deno_app.ts gets Deno-level and kernel-level decisions from one policy",
  REASON,
  async () => {
    // The example as a user runs it from this checkout, wherever it is.
    const run = await cordonDeno({ file: "examples/policies/deno-app.yaml" }, [
      "run",
      "examples/deno_app.ts",
    ]);
    assert(run.code === 0, show(run));
    const runtime = run.events.find((e) => e.event === "runtime");
    assert(runtime?.executable === Deno.realPathSync(Deno.execPath()), show(run));
    const at = (line: number) => new RegExp(`examples/policies/deno-app\\.yaml:${line}:\\d+$`);
    assert(stepLine(run, "read its policy").startsWith("ok "), show(run));
    assert(stepLine(run, "write the result").startsWith("ok "), show(run));
    assert(Deno.readTextFileSync("/var/tmp/cordon-deno-app-result.txt") === "42\n", "result");
    // Denied by deno rules and sections, each citing its line (NotCapable in the program).
    const write = stepLine(run, "write /var/tmp/x");
    assert(
      /NotCapable: .*rule "no-var-tmp-writes"/.test(write) &&
        at(lineOf("- id: no-var-tmp-writes")).test(write),
      write,
    );
    const readme = stepLine(run, "read README.md");
    assert(
      /NotCapable: .*filesystem/.test(readme) && at(lineOf("  filesystem:")).test(readme),
      readme,
    );
    const fetch = stepLine(run, "fetch https://example.com");
    assert(/NotCapable: .*rule "no-example-com"/.test(fetch), fetch);
    const connect = stepLine(run, "connect 1.1.1.1:80");
    assert(/NotCapable: .*network\.connect/.test(connect), connect);
    assert(/NotCapable: .*deno\.default is deny/.test(stepLine(run, "env PATH")), show(run));
    assert(stepLine(run, "env HOME").startsWith("ok "), show(run));
    // Granted by Deno (run, ffi), refused by the kernel.
    assert(stepLine(run, "run cat on its policy").startsWith("ok "), show(run));
    const cat = stepLine(run, "run cat on README.md");
    assert(cat.includes("kernel: cat exited 1") && cat.includes("Permission denied"), cat);
    const mount = stepLine(run, "ffi libc mount(2)");
    assert(mount.includes("errno 13 (EACCES)"), mount);
    // Every decision is an event; the summary counts them.
    const permissions = run.events.filter((e) => e.event === "permission");
    const exit = run.events.find((e) => e.event === "exit");
    assert(exit !== undefined && exit.checks === permissions.length, show(run));
    assert(exit.denied === permissions.filter((e) => e.result === "deny").length, show(run));
    assert(
      permissions.some((e) => e.action === "log" && e.rule === "sys-info"),
      "the log rule's decision is an event",
    );
  },
);

kernelTest(
  "cordon deno --explain: the kernel's seccomp denial cites its policy line too, and changes nothing",
  REASON,
  async () => {
    const run = await cordonDeno(examplePolicy(), ["run", "examples/deno_app.ts"], ["--explain"]);
    assert(run.code === 0, show(run));
    // The FFI mount(2) that Deno allowed is refused by seccomp, with the same EACCES as without.
    assert(stepLine(run, "ffi libc mount(2)").includes("errno 13 (EACCES)"), show(run));
    const mounts = run.events.filter((e) => e.event === "denial" && e.syscall === "mount");
    assert(mounts.length === 1, `mount denials: ${JSON.stringify(mounts)}`);
    const denial = mounts[0]!;
    assert(denial.ruleId === "no-mount" && denial.errno === 13, JSON.stringify(denial));
    assert(/deno-app\.yaml:18:7: mount\(/.test(String(denial.message)), String(denial.message));
    const summary = run.events.find((e) => e.event === "explain" && e.mechanism === "seccomp");
    assert(summary !== undefined && Number(summary.total) >= 1, show(run));
  },
);

kernelTest(
  "cordon deno: a child of --allow-run cannot read outside filesystem (EACCES), Deno itself gets NotCapable",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-deno-outside-" });
    try {
      await Deno.writeTextFile(`${dir}/secret.txt`, "secret");
      // The script is readable (filesystem.read), the secret beside it is not.
      await Deno.mkdir(`${dir}/code`);
      const script = `${dir}/code/script.ts`;
      await Deno.writeTextFile(
        script,
        `const r = new Deno.Command("cat", { args: [${
          JSON.stringify(`${dir}/secret.txt`)
        }] }).outputSync();
console.log(JSON.stringify({ code: r.code, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr) }));
try { Deno.readTextFileSync(${JSON.stringify(`${dir}/secret.txt`)}); console.log("read"); }
catch (e) { console.log(e.name); }
`,
      );
      const run = await cordonDeno(examplePolicy(`${dir}/code`), [
        "run",
        "--allow-run",
        "--allow-read",
        script,
      ]);
      assert(run.code === 0, show(run));
      const [first, second] = run.stdout.trim().split("\n");
      const child = JSON.parse(first!);
      assert(child.code !== 0 && child.out === "", show(run));
      assert(/Permission denied/.test(child.err), `cat must fail with EACCES: ${child.err}`);
      assert(second === "NotCapable", show(run));
      // The same cat outside cordon deno reads the file: the kernel layer made the difference.
      const plain = new Deno.Command("cat", { args: [`${dir}/secret.txt`], stdout: "piped" })
        .outputSync();
      assert(new TextDecoder().decode(plain.stdout) === "secret", "cat outside Cordon");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon deno: a broker-denied write fails with NotCapable naming the rule; the kernel keeps /etc read-only",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-deno-write-" });
    const policy = examplePolicy(dir).replace(
      "      - id: no-var-tmp-writes",
      "      - { id: etc-ok, permission: write, values: [/etc/cordon-deno-test], action: allow }\n" +
        "      - id: no-var-tmp-writes",
    );
    const script = `${dir}/script.ts`;
    await Deno.writeTextFile(
      script,
      `for (const p of ["/var/tmp/cordon-deno-denied", "/etc/cordon-deno-test"]) {
  try { Deno.writeTextFileSync(p, "x"); console.log("wrote"); } catch (e) { console.log(e.name + ": " + e.message); }
}
`,
    );
    try {
      const run = await cordonDeno(policy, ["run", "-A", script]);
      assert(run.code === 0, show(run));
      const [tmp, etc] = run.stdout.trim().split("\n");
      assert(/^NotCapable: .*"no-var-tmp-writes" .* at \/.*deno-app\.yaml:\d+:9$/.test(tmp!), tmp!);
      // Deno allows it (rule etc-ok), the kernel refuses: /etc is not a filesystem.write path.
      // EROFS: cordon run's read-only view (as root) or EACCES: Landlock.
      assert(/^Error: (Read-only file system|Permission denied) /.test(etc!), etc!);
      let exists = true;
      try {
        Deno.statSync("/etc/cordon-deno-test");
      } catch {
        exists = false;
      }
      assert(!exists, "the kernel let /etc/cordon-deno-test be written");
      const check = await cordon(["check", "--format", "json", "-"], {
        stdin: policy,
        cwd: ROOT,
      });
      assert(check.stdout.includes("deno-grant-kernel-denies"), `check: ${check.stdout}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon deno: the broker's socket is reachable through the guard, other sockets stay closed",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-deno-guard-" });
    try {
      await Deno.mkdir(`${dir}/out`);
      await Deno.mkdir(`${dir}/code`);
      // No filesystem.write path covers /tmp: only the guard's extra allowance lets Deno reach
      // the broker that cordon deno serves in a directory of its own under /tmp.
      const policy = examplePolicy(`${dir}/code`).replace(
        "write: [/var/tmp]",
        `write: [${dir}/out]`,
      );
      await Deno.writeTextFile(`${dir}/code/env.ts`, `console.log(Deno.env.get("HOME"));\n`);
      const brokered = await cordonDeno(policy, ["run", `${dir}/code/env.ts`]);
      assert(brokered.code === 0 && brokered.stdout.trim() !== "", show(brokered));
      assert(
        brokered.events.some((e) => e.event === "permission" && e.rule === "env-home"),
        show(brokered),
      );
      // The same Deno under cordon run, pointed at a broker Cordon did not add: the guard
      // refuses the connect, and Deno refuses to run without its broker.
      await using other = (await import("../../engine/permission_broker.ts")).PermissionBroker
        .listen({
          path: `${dir}/other.sock`,
          decide: () => {
            throw new Error("must not be reached");
          },
        });
      // Under plain cordon run the policy names Deno's own files itself (cordon deno adds them).
      const runtime = denoRuntime(Deno.execPath());
      await Deno.writeTextFile(
        `${dir}/p.yaml`,
        policy.replace(
          "    write: [",
          `      - ${runtime.executable}\n      - ${runtime.denoDir}\n` +
            `    execute: [${runtime.executable}]\n    write: [`,
        ),
      );
      // (Set inside the run: Cordon is a Deno program too, and would ask that broker itself.)
      const run = await cordon([
        "run",
        "-p",
        `${dir}/p.yaml`,
        "--",
        "/usr/bin/env",
        `DENO_PERMISSION_BROKER_PATH=${other.path}`,
        Deno.execPath(),
        "run",
        `${dir}/code/env.ts`,
      ], { cwd: ROOT });
      assert(run.code === 87 && /Failed to create permission broker/.test(run.stderr), show(run));
      assert(other.counts.connections === 0, `connections: ${other.counts.connections}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon deno --learn: the learned policy runs the program again, and denies what it never asked",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-deno-learn-" });
    try {
      await Deno.writeTextFile(`${dir}/data.txt`, "data");
      const script = `${dir}/app.ts`;
      await Deno.writeTextFile(
        script,
        `console.log(Deno.readTextFileSync(${
          JSON.stringify(`${dir}/data.txt`)
        }), Deno.env.get("HOME"));
if (Deno.args[0] === "more") {
  try { Deno.env.get("USER"); console.log("user"); } catch (e) { console.log(e.name); }
}
`,
      );
      const learn = await cordon([
        "deno",
        "--learn",
        "-o",
        `${dir}/learned.yaml`,
        "--deno",
        Deno.execPath(),
        "--",
        "run",
        script,
      ], { cwd: ROOT });
      assert(learn.code === 0 && learn.stdout.startsWith("data /"), show(learn));
      // Recorded with eBPF (root): the kernel sections are learned too, from the same run.
      assert(!learn.stderr.includes("NOT confined in the kernel"), show(learn));
      const yaml = Deno.readTextFileSync(`${dir}/learned.yaml`);
      assert(yaml.includes(JSON.stringify(`${dir}/data.txt`)) && yaml.includes('"HOME"'), yaml);
      assert(
        /^ {2}defaultAction: deny$/m.test(yaml) &&
          /^ {2}extends: \[builtin:baseline\]$/m.test(yaml),
        yaml,
      );
      assert(
        /^ {2}filesystem:\n {4}read:\n(?: {6}- .*\n)*? {6}- \/tmp\/cordon-deno-learn-/m.test(yaml),
        yaml,
      );
      assert(/^ {2}deno:$/m.test(yaml) && /writeExecute: allow/.test(yaml), yaml);
      const check = await cordon(["check", `${dir}/learned.yaml`], { cwd: ROOT });
      assert(check.code === 0, show(check));
      // Again under the learned policy, kernel confinement included: same output; a new check
      // (env USER) is denied, citing the learned policy.
      const again = await cordonDeno(yaml, ["run", script, "more"]);
      assert(again.code === 0, show(again));
      const [first, second] = again.stdout.trim().split("\n");
      assert(first === learn.stdout.trim() && second === "NotCapable", show(again));
      const denied = again.events.find((e) => e.event === "permission" && e.result === "deny");
      assert(
        denied?.value === "USER" && /deno-app\.yaml:\d+:\d+$/.test(String(denied.reason)),
        show(again),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
