/**
 * Repository hygiene as part of the suite, so CI enforces it: formatting, lint and the public
 * API's documentation lint are clean.
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
