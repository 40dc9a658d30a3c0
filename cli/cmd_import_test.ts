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
