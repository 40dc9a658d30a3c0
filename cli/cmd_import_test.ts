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
