/** CLI tests of `cordon generate` (from a trace file) and `cordon diff` (text, json, sarif, exit codes). */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { cordon } from "./_cli.ts";

const ev = (o: Record<string, unknown>) => JSON.stringify({ v: 1, time: 0, pid: 9, ...o });
/** A trace reading `DIR/app/a.txt` (paths that exist: generated rules name existing paths). */
const trace = (dir: string) =>
  [
    ev({ kind: "process", op: "exec", executable: "/usr/bin/app" }),
    ev({ kind: "syscall", arch: "x86_64", nr: 39, name: "getpid", args: [] }),
    ev({ kind: "file", op: "open", path: `${dir}/app/a.txt`, flags: 0, result: 3 }),
  ].join("\n") + "\n";

Deno.test("cordon generate: writes a checkable, deterministic policy; json summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/app`);
    await Deno.writeTextFile(`${dir}/t.jsonl`, trace(dir));
    const args = ["generate", `${dir}/t.jsonl`, "--base", "none", "--date", "2026-01-01T00:00:00Z"];
    const a = await cordon([...args, "-o", `${dir}/a.yaml`, "--format", "json"]);
    assertEquals(a.code, 0, a.stderr);
    const summary = JSON.parse(a.stdout);
    assertEquals(summary.filesystem.read, [`${dir}/app`]);
    assertEquals(summary.traces[0].sha256.length, 64);
    const b = await cordon([...args, "-o", `${dir}/b.yaml`]);
    assertEquals(b.code, 0);
    assertEquals(
      await Deno.readTextFile(`${dir}/a.yaml`),
      await Deno.readTextFile(`${dir}/b.yaml`),
    );
    assertEquals((await cordon(["check", `${dir}/a.yaml`])).code, 0);
    // A policy extending the base is not growth over the base... a standalone one is compared.
    assertEquals((await cordon(["diff", `${dir}/a.yaml`, `${dir}/b.yaml`])).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon generate: refuses a trace that lost events; usage errors exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/t.jsonl`,
      trace(dir) + '# cordon record: {"command":["app"],"lost":17}\n',
    );
    const r = await cordon(["generate", `${dir}/t.jsonl`, "-o", `${dir}/p.yaml`]);
    assertEquals(r.code, 1);
    assert(r.stderr.includes("lost 17 events") && r.stderr.includes("--ring-mb"), r.stderr);
    await Deno.stat(`${dir}/p.yaml`).then(() => assert(false, "no policy written"), () => {});
    assertEquals((await cordon(["generate"])).code, 2);
    assertEquals((await cordon(["generate", `${dir}/t.jsonl`, "--name", "Bad Name"])).code, 2);
    assertEquals((await cordon(["diff", "only-one.yaml"])).code, 2);
    assertEquals((await cordon(["learn"])).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon diff: growth exits 1 with both locations; sarif and json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = (syscalls: string) =>
      `apiVersion: cordon/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  defaultAction: deny\n  rules:\n    - syscalls: [${syscalls}]\n      action: allow\n`;
    await Deno.writeTextFile(`${dir}/old.yaml`, policy("read"));
    await Deno.writeTextFile(`${dir}/new.yaml`, policy("read, mkdir"));
    const text = await cordon(["diff", `${dir}/old.yaml`, `${dir}/new.yaml`, "--arch", "x86_64"]);
    assertEquals(text.code, 1, text.stderr);
    assert(
      text.stdout.includes("mkdir") &&
        text.stdout.includes(`${dir}/new.yaml:8:24` /* the mkdir entry */),
      text.stdout,
    );
    // OLD decides by its default action, located at metadata.name when not written.
    assert(text.stdout.includes(`${dir}/old.yaml:4:9`), text.stdout);
    const json = await cordon(["diff", `${dir}/old.yaml`, `${dir}/new.yaml`, "--format", "json"]);
    assertEquals(JSON.parse(json.stdout).grew, true);
    const sarif = await cordon(["diff", `${dir}/old.yaml`, `${dir}/new.yaml`, "--format", "sarif"]);
    const log = JSON.parse(sarif.stdout);
    assertEquals(log.runs[0].results[0].ruleId, "privilege-added");
    const back = await cordon(["diff", `${dir}/new.yaml`, `${dir}/old.yaml`]);
    assertEquals(back.code, 0, back.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
