import { loadPolicyFiles } from "./load_policy_files.ts";
import { PolicyErrors } from "./errors.ts";
import { fail } from "node:assert/strict";

const doc = (name: string, spec = "{ defaultAction: allow }") =>
  `apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

async function withFiles(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-load-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function loadErrors(paths: string[]): Promise<PolicyErrors> {
  try {
    await loadPolicyFiles(paths);
  } catch (e) {
    if (e instanceof PolicyErrors) return e;
    throw e;
  }
  return fail("expected PolicyErrors");
}

Deno.test("loadPolicyFiles() merges files in order", async () => {
  await withFiles({ "a.yaml": doc("a") + "---\n" + doc("b"), "c.yaml": doc("c") }, async (dir) => {
    const set = await loadPolicyFiles([`${dir}/c.yaml`, `${dir}/a.yaml`]);
    const names = set.policies.map((p) => `${p.name}@${p.loc.file.slice(dir.length + 1)}`);
    if (names.join(" ") !== "c@c.yaml a@a.yaml b@a.yaml") fail(names.join(" "));
  });
});

Deno.test("loadPolicyFiles() reports errors of all files, unreadable ones and duplicate names", async () => {
  await withFiles({
    "one.yaml": doc("dup") + "---\n" + doc("x", "{ defaultAction: allow, mode: loud }"),
    "two.yaml": doc("dup"),
    "bad.bin": "\xff\xfe",
  }, async (dir) => {
    await Deno.writeFile(`${dir}/bad.bin`, new Uint8Array([0xff, 0xfe, 0x00]));
    const e = await loadErrors([
      `${dir}/one.yaml`,
      `${dir}/two.yaml`,
      `${dir}/missing.yaml`,
      `${dir}/bad.bin`,
      dir,
    ]);
    const got = e.errors.map((x) => [x.path.slice(dir.length), x.code, x.line, x.column]);
    const expected = [
      ["", "unreadable-file", 1, 1],
      ["/bad.bin", "unreadable-file", 1, 1],
      ["/missing.yaml", "unreadable-file", 1, 1],
      ["/one.yaml", "bad-value", 9, 37],
      ["/two.yaml", "duplicate-name", 3, 18],
    ];
    if (JSON.stringify(got) !== JSON.stringify(expected)) fail(JSON.stringify(got));
    const missing = e.errors.find((x) => x.path.endsWith("missing.yaml"))!;
    if (!missing.message.startsWith(`${dir}/missing.yaml:1:1: cannot read policy file`)) {
      fail(missing.message);
    }
    if (!(missing.cause instanceof Deno.errors.NotFound)) fail("the cause is kept");
    const dup = e.errors.find((x) => x.code === "duplicate-name")!;
    if (!dup.message.includes(`first defined at ${dir}/one.yaml:3:18`)) fail(dup.message);
  });
});

Deno.test("loadPolicyFiles() reads standard input for -", async () => {
  await withFiles({ "in.yaml": doc("from-stdin") }, async (dir) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { loadPolicyFiles } from ${
          JSON.stringify(new URL("./load_policy_files.ts", import.meta.url).href)
        };` +
        `const set = await loadPolicyFiles(["-"]); console.log(set.policies[0].name, set.policies[0].loc.file);`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(await Deno.readFile(`${dir}/in.yaml`));
    await writer.close();
    const out = await child.output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (text !== "from-stdin -") fail(`${text}\n${new TextDecoder().decode(out.stderr)}`);
  });
});

Deno.test("loadPolicyFiles() refuses no paths and stdin twice", async () => {
  for (const paths of [[], ["-", "-"]]) {
    try {
      await loadPolicyFiles(paths);
      fail(`accepted ${JSON.stringify(paths)}`);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
    }
  }
});

Deno.test("loadPolicyFiles() reads builtin:NAME profiles and names unknown ones", async () => {
  const set = await loadPolicyFiles(["builtin:baseline"]);
  if (set.policies.map((p) => p.name).join() !== "baseline") fail("baseline not loaded");
  if (set.policies[0]?.loc.file !== "builtin:baseline") {
    fail("location file is not builtin:baseline");
  }
  try {
    await loadPolicyFiles(["builtin:nope"]);
    fail("an unknown builtin must be an error");
  } catch (error) {
    if (!(error instanceof PolicyErrors)) throw error;
    if (error.errors[0]?.code !== "unreadable-file" || error.errors[0]?.path !== "builtin:nope") {
      fail(`unexpected error: ${error.message}`);
    }
  }
});
