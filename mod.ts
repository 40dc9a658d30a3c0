/**
 * Cordon: declarative YAML sandbox and capability policies compiled into prioritized syscall
 * filter sets, seccomp programs and BPF map contents, and applied for real on Linux.
 *
 * Run as a program it is the `cordon` command line: `deno run -A mod.ts --help`.
 *
 * @module
 */

export * from "./policies/types.ts";
export * from "./compile/filter_set.ts";

if (import.meta.main) {
  const { main } = await import("./cli/main.ts");
  Deno.exit(await main(Deno.args));
}
