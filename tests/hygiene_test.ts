/**
 * Repository hygiene as part of the suite, so CI enforces it: formatting, lint and the public
 * API's documentation lint are clean, every TypeScript file type-checks (benches, generators and
 * build scripts too, which no test imports), and every JSDoc example type-checks (most import
 * the package by its own name, `@cordon/cordon`, as a user would).
 */

const deno = Deno.execPath();
const root = new URL("..", import.meta.url);

async function run(args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(deno, {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
}

for (
  const [name, args] of [
    ["deno fmt --check is clean", ["fmt", "--check"]],
    ["deno lint is clean", ["lint"]],
    ["deno doc --lint mod.ts is clean", ["doc", "--lint", "mod.ts"]],
  ] as const
) {
  Deno.test(name, async () => {
    const { code, output } = await run([...args]);
    if (code !== 0) throw new Error(`${args.join(" ")} failed:\n${output.slice(-4000)}`);
  });
}

/** The modules whose JSDoc examples are checked: the library's, not tests, benches or bundles. */
async function documentedModules(): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "*.ts"],
    cwd: root,
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((path) =>
    path !== "" && !/^(tests|bench|action\/dist|\.ci)\//.test(path) &&
    !/_(test|bench)\.ts$/.test(path) &&
    // The playground's entry reads a global its bundle defines: it is checked by its build.
    path !== "playground/app.ts"
  );
}

Deno.test("every TypeScript file type-checks (deno check)", async () => {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "*.ts"],
    cwd: root,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(out.stdout).split("\n").filter((path) =>
    path !== "" && !path.startsWith("action/dist/")
  );
  if (files.length < 300) throw new Error(`only ${files.length} files listed by git`);
  // The playground's page script is checked on its own: its DOM library would change the
  // global types (streams, events) the Deno files are checked against.
  const page = "playground/app.ts";
  for (const group of [files.filter((f) => f !== page), [page]]) {
    const { code, output } = await run(["check", ...group]);
    if (code !== 0) throw new Error(`deno check failed:\n${output.slice(-4000)}`);
  }
});

Deno.test("every JSDoc example type-checks (deno test --doc --no-run)", async () => {
  const modules = await documentedModules();
  if (modules.length < 100) throw new Error(`only ${modules.length} modules listed by git`);
  const { code, output } = await run(["test", "--doc", "--no-run", ...modules]);
  if (code !== 0) throw new Error(`deno test --doc --no-run failed:\n${output.slice(-4000)}`);
});
