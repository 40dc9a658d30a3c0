/**
 * `cordon compile --emit oci|oci-runtime|seccomp-profile` and `cordon import oci` as a user runs
 * them (`deno run -A mod.ts …` in a subprocess): every example policy exports, a stricter
 * approximation is reported at its rule's FILE:LINE:COL, and each form imports back.
 */

import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type CliRun, cordon as runCordon } from "./_cli.ts";
import { parsePolicies } from "../policies/parse.ts";

const root = new URL("..", import.meta.url);

function cordon(args: readonly string[]): Promise<CliRun> {
  return runCordon(args, { cwd: root, env: { CORDON_DEBUG: "" } });
}

function expectCode(result: CliRun, code: number, what: string): void {
  if (result.code !== code) {
    throw new Error(
      `${what}: exit ${result.code}, expected ${code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

const EXAMPLES = [...Deno.readDirSync(new URL("examples/policies/", root))]
  .filter((e) => e.name.endsWith(".yaml")).map((e) => `examples/policies/${e.name}`).sort();

Deno.test("cordon compile --emit oci-runtime and seccomp-profile export every example", async (t) => {
  ok(EXAMPLES.length >= 7, EXAMPLES.join());
  for (const file of [...EXAMPLES, "builtin:baseline"]) {
    await t.step(file, async () => {
      const runtime = await cordon(["compile", file, "--arch", "x86_64", "--emit", "oci-runtime"]);
      expectCode(runtime, 0, `${file} oci-runtime`);
      const seccomp = JSON.parse(runtime.stdout);
      assertEquals(seccomp.architectures, ["SCMP_ARCH_X86_64"]);
      ok(seccomp.syscalls.length > 0 && !("archMap" in seccomp));
      const spo = await cordon(["compile", file, "--arch", "x86_64", "--emit", "seccomp-profile"]);
      expectCode(spo, 0, `${file} seccomp-profile`);
      ok(spo.stdout.startsWith("apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"));
      ok(spo.stdout.includes("\nkind: SeccompProfile\n"), spo.stdout.slice(0, 300));
      // every warning names the rule it concerns, or is about the whole profile
      for (const line of [...runtime.stderr.split("\n"), ...spo.stderr.split("\n")]) {
        if (line === "") continue;
        ok(
          /^warning: ((builtin:\w+|examples\/policies\/[\w-]+\.yaml):\d+:\d+: |a SeccompProfile)/
            .test(line),
          line,
        );
      }
    });
  }
});

Deno.test("cordon import oci reads back what compile --emit wrote, in every form", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-oci-cli-" });
  try {
    const outputs = [
      ["oci", `${dir}/p.json`],
      ["oci-runtime", `${dir}/runtime.json`],
      ["seccomp-profile", `${dir}/p.yaml`],
      ["seccomp-profile", `${dir}/object.json`],
    ] as const;
    for (const [emit, out] of outputs) {
      const wrote = await cordon([
        "compile",
        "examples/policies/web-server.yaml",
        "--arch",
        "x86_64",
        "--emit",
        emit,
        "-o",
        out,
      ]);
      expectCode(wrote, 0, `${emit} -o ${out}`);
      const text = await Deno.readTextFile(out);
      if (out.endsWith("object.json")) ok(JSON.parse(text).kind === "SeccompProfile");
      const back = await cordon(["import", "oci", out, "--arch", "x86_64", "--format", "json"]);
      expectCode(back, 0, `import ${out}`);
      const report = JSON.parse(back.stdout);
      assertEquals(report.arches, ["x86_64"]);
      assertEquals(
        report.warnings.filter((w: string) => /overlap/.test(w)),
        [],
        "disjoint entries",
      );
      const policy = parsePolicies(report.yaml, "back.yaml").policies[0]!;
      assertEquals(policy.name, emit === "seccomp-profile" ? "web-server" : policy.name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon compile --emit seccomp-profile takes one policy, and --help lists the forms", async () => {
  const two = await cordon([
    "compile",
    "examples/policies/web-server.yaml",
    "examples/policies/cli-tool.yaml",
    "--emit",
    "seccomp-profile",
  ]);
  expectCode(two, 2, "two policies");
  ok(/one profile per policy, and 2 policies were given/.test(two.stderr), two.stderr);
  const help = await cordon(["compile", "--help"]);
  expectCode(help, 0, "help");
  ok(/oci-runtime\s+the OCI runtime spec's linux\.seccomp/.test(help.stdout), help.stdout);
  ok(
    /seccomp-profile\s+a Security Profiles Operator SeccompProfile/.test(help.stdout),
    help.stdout,
  );
});
