import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { importCommand } from "./cmd_import.ts";
import { UsageError } from "./command.ts";
import { parsePolicies } from "../policies/parse.ts";

const DOCKER = new URL("../../shared/data/oci/docker-default.json", import.meta.url);

async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { code: await fn(), out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

Deno.test("cordon import oci writes a policy that parses, with --caps, --arch and --min-kernel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/docker.yaml`;
    const { code, out: printed } = await captured(() =>
      importCommand.run([
        "oci",
        DOCKER.pathname,
        "--caps",
        "sys_admin,CAP_NET_RAW",
        "--arch",
        "x86_64",
        "--min-kernel",
        "4.4",
        "-o",
        out,
        "--format",
        "json",
      ])
    );
    assertEquals(code, 0);
    const report = JSON.parse(printed);
    assertEquals(report.output, out);
    assertEquals(report.arches, ["x86_64", "i386", "x32"]);
    const yaml = await Deno.readTextFile(out);
    ok(yaml.includes("capabilities: CAP_SYS_ADMIN, CAP_NET_RAW"), "caps normalised");
    ok(yaml.includes("needs kernel 4.8"), "minKernel applied");
    const policy = parsePolicies(yaml, out).policies[0]!;
    assertEquals(policy.name, "docker-default");
    ok(policy.rules.some((r) => r.syscalls.some((s) => s.kind === "name" && s.name === "mount")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon import refuses unknown kinds, missing files and bad options", async () => {
  for (
    const argv of [
      ["docker", "x.json"],
      ["oci"],
      ["oci", "x.json", "--arch", "x32"],
      ["oci", "x.json", "--min-kernel", "six"],
      ["oci", "x.json", "--format", "xml"],
    ]
  ) {
    let usage = false;
    try {
      await importCommand.run(argv);
    } catch (error) {
      usage = error instanceof UsageError;
    }
    ok(usage, `usage error for ${argv.join(" ")}`);
  }
  const error = console.error;
  console.error = () => {};
  try {
    assertEquals(await importCommand.run(["oci", "/nonexistent/profile.json"]), 1);
  } finally {
    console.error = error;
  }
});

Deno.test("cordon import oci refuses a misspelt key, an unknown action, architecture or capability with FILE:LINE:COL, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    const docker = await Deno.readTextFile(DOCKER);
    const cases: [string, string, RegExp][] = [
      [
        "syscalls",
        '"sycalls"',
        /:\d+:\d+: sycalls: unknown key "sycalls"; did you mean "syscalls"\?/,
      ],
      [
        '"SCMP_ACT_ALLOW"',
        '"SCMP_ACT_ALOW"',
        /: syscalls\[0\]\.action: unknown action "SCMP_ACT_ALOW"/,
      ],
      [
        '"SCMP_ARCH_X86"',
        '"SCMP_ARCH_I386"',
        /: archMap\[0\]\.subArchitectures\[0\]: unknown architecture/,
      ],
      [
        '"CAP_SYS_ADMIN"',
        '"CAP_SYS_ADMN"',
        /: syscalls\[\d+\]\.includes\.caps\[0\]: unknown capability "CAP_SYS_ADMN"/,
      ],
    ];
    for (const [from, to, message] of cases) {
      const file = `${dir}/profile.json`;
      const text = from === "syscalls"
        ? docker.replace('"syscalls"', to)
        : docker.replace(from, to);
      await Deno.writeTextFile(file, text);
      errors.length = 0;
      const { code, out } = await captured(() => importCommand.run(["oci", file]));
      assertEquals(code, 1, `${to}: ${errors.join("\n")}`);
      assertEquals(out, "", "no policy for a profile that was not understood");
      const line = errors.join("\n");
      ok(line.startsWith(`${file}:`) && message.test(line), line);
      // The location points at the offending text.
      const [, l, c] = /^[^:]+:(\d+):(\d+):/.exec(line)!;
      const at = text.split("\n")[Number(l) - 1]!.slice(Number(c) - 1);
      ok(at.startsWith(to), `${l}:${c} is "${at}", not ${to}`);
    }
    let usage: unknown;
    try {
      await importCommand.run(["oci", DOCKER.pathname, "--caps", "CAP_NET_RAW,CAP_FOO"]);
    } catch (e) {
      usage = e;
    }
    ok(
      usage instanceof UsageError && /unknown capability "CAP_FOO"/.test(usage.message),
      String(usage),
    );
  } finally {
    console.error = error;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon import oci reads SeccompProfile YAML and a bundle's config.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spo = `${dir}/web.yaml`;
    await Deno.writeTextFile(
      spo,
      [
        "# a manifest as kubectl applies it",
        "apiVersion: security-profiles-operator.x-k8s.io/v1beta1",
        "kind: SeccompProfile",
        "metadata:",
        "  name: web-allowed",
        "spec:",
        "  defaultAction: SCMP_ACT_ERRNO",
        "  architectures: [SCMP_ARCH_X86_64]",
        "  syscalls:",
        "    - action: SCMP_ACT_ALLOW",
        "      names: [read, write, exit_group]",
        "    - action: SCMP_ACT_ALLOW",
        "      names: [socket]",
        "      args: [{ index: 0, value: 4294967295, valueTwo: 1, op: SCMP_CMP_MASKED_EQ }]",
      ].join("\n") + "\n",
    );
    const out = `${dir}/policy.yaml`;
    const { code, out: printed } = await captured(() =>
      importCommand.run(["oci", spo, "-o", out, "--format", "json"])
    );
    assertEquals(code, 0);
    assertEquals(JSON.parse(printed).arches, ["x86_64"]);
    assertEquals(JSON.parse(printed).form, "seccomp-profile");
    const policy = parsePolicies(await Deno.readTextFile(out), out).policies[0]!;
    assertEquals(policy.name, "web-allowed", "the object's metadata.name");
    ok(policy.rules.some((r) => r.args.some((a) => a.op === "masked_eq")));

    const config = `${dir}/config.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        ociVersion: "1.0.2",
        process: { args: ["sh"] },
        linux: {
          seccomp: {
            defaultAction: "SCMP_ACT_ALLOW",
            architectures: ["SCMP_ARCH_X86_64"],
            syscalls: [{ names: ["mount"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }],
          },
        },
      }),
    );
    const fromConfig = await captured(() =>
      importCommand.run(["oci", config, "-o", `${dir}/c.yaml`, "--format", "json"])
    );
    assertEquals(fromConfig.code, 0);
    const mount = parsePolicies(await Deno.readTextFile(`${dir}/c.yaml`), "c.yaml").policies[0]!;
    assertEquals(mount.name, "config");
    ok(mount.rules.some((r) => r.syscalls.some((s) => s.kind === "name" && s.name === "mount")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon import oci names FILE:LINE:COL of a mistake in SeccompProfile YAML", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    const spo = `${dir}/bad.yaml`;
    await Deno.writeTextFile(
      spo,
      "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n" +
        "metadata: { name: bad }\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  sycalls: []\n",
    );
    const code = await importCommand.run(["oci", spo]);
    assertEquals(code, 1);
    ok(
      errors.some((e) =>
        e.startsWith(`${spo}:6:3: sycalls: unknown key "sycalls"; did you mean "syscalls"?`)
      ),
      errors.join("\n"),
    );
  } finally {
    console.error = error;
    await Deno.remove(dir, { recursive: true });
  }
});
