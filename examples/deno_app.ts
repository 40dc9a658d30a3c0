/**
 * The program of `examples/policies/deno-app.yaml` (issue 15): each step is decided either by
 * Cordon as Deno's permission broker (a `NotCapable` error naming the policy line) or by the
 * kernel (Landlock, seccomp, cgroup BPF) under the same policy.
 *
 *   ./deno task cordon deno --policy examples/policies/deno-app.yaml -- run examples/deno_app.ts
 *
 * @module
 */

const DATA = new URL("./policies/deno-app.yaml", import.meta.url).pathname;
const OUTSIDE = new URL("../README.md", import.meta.url).pathname; // not in filesystem.read
const RESULT = "/var/tmp/cordon-deno-app-result.txt";
const LIBC = Deno.build.arch === "aarch64"
  ? "/lib/aarch64-linux-gnu/libc.so.6"
  : "/lib/x86_64-linux-gnu/libc.so.6";

// Outside `cordon deno` nothing would stop the steps below: say how to run it instead.
if (Deno.env.get("DENO_PERMISSION_BROKER_PATH") === undefined) {
  console.log(
    "run me under Cordon: ./deno task cordon deno --policy examples/policies/deno-app.yaml -- " +
      "run examples/deno_app.ts",
  );
  Deno.exit(0);
}

const ERRNO: Record<number, string> = { 1: " (EPERM)", 13: " (EACCES)" };

/** Runs cat with `args`: its output, or an error with its message when it fails. */
function run(args: string[]): string {
  const out = new Deno.Command("cat", { args }).outputSync();
  const text = new TextDecoder();
  if (out.code !== 0) {
    throw new Error(`kernel: cat exited ${out.code}: ${text.decode(out.stderr).trim()}`);
  }
  return text.decode(out.stdout);
}

function step(name: string, run: () => unknown): void {
  try {
    const out = run();
    console.log(`ok      ${name}${out === undefined ? "" : `: ${out}`}`);
  } catch (error) {
    const e = error as Error;
    console.log(`refused ${name}: ${e.name}: ${e.message}`);
  }
}

async function stepAsync(name: string, run: () => Promise<unknown>): Promise<void> {
  try {
    const out = await run();
    console.log(`ok      ${name}${out === undefined ? "" : `: ${out}`}`);
  } catch (error) {
    const e = error as Error;
    console.log(`refused ${name}: ${e.name}: ${e.message}`);
  }
}

step("read its policy (filesystem.read)", () => Deno.readTextFileSync(DATA).split("\n")[1]);
step("write the result (deno rule result-file)", () => Deno.writeTextFileSync(RESULT, "42\n"));
step(
  "write /var/tmp/x (deno rule no-var-tmp-writes)",
  () => Deno.writeTextFileSync("/var/tmp/x", "x"),
);
step("read README.md (not in filesystem.read)", () => Deno.readTextFileSync(OUTSIDE).length);
step("env HOME (deno rule env-home)", () => Deno.env.get("HOME"));
step("env PATH (deno.default)", () => Deno.env.get("PATH"));
step("sys hostname (deno rule sys-info, logged)", () => Deno.hostname());
await stepAsync(
  "fetch https://example.com (deno rule no-example-com)",
  () => fetch("https://example.com/").then((r) => r.status),
);
await stepAsync(
  "connect 1.1.1.1:80 (network.connect: loopback only)",
  () => Deno.connect({ hostname: "1.1.1.1", port: 80 }).then((c) => c.close()),
);
// Deno grants run as a whole: the kernel decides what the child may do.
step("run cat on its policy (filesystem.read)", () => run([DATA]).split("\n")[1]);
step("run cat on README.md (kernel: Landlock)", () => run([OUTSIDE]));
// FFI is granted, but the code it reaches is still under seccomp: mount(2) gets the errno of
// the policy's no-mount rule (EACCES), not Deno's NotCapable. (Its target does not exist, so
// that outside Cordon it fails too, with ENOENT, instead of mounting anything.)
step("ffi libc mount(2) (kernel: seccomp)", () => {
  const libc = Deno.dlopen(LIBC, {
    mount: { parameters: ["buffer", "buffer", "buffer", "u64", "pointer"], result: "i32" },
    __errno_location: { parameters: [], result: "pointer" },
  });
  const z = (s: string) => new TextEncoder().encode(`${s}\0`);
  try {
    const rc = libc.symbols.mount(
      z("none"),
      z("/cordon-deno-app-no-such-dir"),
      z("tmpfs"),
      0n,
      null,
    );
    const errno = new Deno.UnsafePointerView(libc.symbols.__errno_location()!).getInt32();
    if (rc !== 0) {
      throw new Error(`kernel: mount returned ${rc}, errno ${errno}${ERRNO[errno] ?? ""}`);
    }
    return "mounted";
  } finally {
    libc.close();
  }
});
