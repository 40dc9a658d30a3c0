/**
 * Dry-run throughput by phase, on the real traces of `tests/testdata/traces/` (the `-o` ones,
 * about 2,700 lines) held in memory: the strace parser alone, the whole dry run against
 * `examples/policies/untrusted-plugin.yaml` (seccomp decisions and Landlock paths), and the same
 * without its `filesystem` section (seccomp only). The figure (1,000,000 lines from a
 * file, with peak RSS) is `bench/engine_figures.ts`.
 */

import { dryRun } from "./dry_run.ts";
import { StraceParser } from "./trace/strace_parser.ts";
import type { TraceItem } from "./trace/trace_item.ts";
import { loadPolicies } from "../compile/load_policies.ts";

const root = new URL("../", import.meta.url);
const lines: string[] = [];
const names = [...Deno.readDirSync(new URL("tests/testdata/traces/", root))].map((e) => e.name);
for (const name of names.sort()) {
  if (!name.endsWith(".strace") || name.includes("stderr")) continue;
  const text = Deno.readTextFileSync(new URL(`tests/testdata/traces/${name}`, root));
  lines.push(...text.split("\n").filter((l) => l !== ""));
}
const { filters } = await loadPolicies([
  new URL("examples/policies/untrusted-plugin.yaml", root).pathname,
]);
const seccompOnly = {
  ...filters,
  layers: filters.layers.map(({ filesystem: _, ...layer }) => layer),
};

Deno.bench(`strace parser, ${lines.length} lines`, { group: "dry run", baseline: true }, () => {
  const parser = new StraceParser();
  const items: TraceItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    parser.push(lines[i]!, i + 1, items);
    items.length = 0;
  }
  parser.end(items);
});

Deno.bench(`dry run, seccomp and paths, ${lines.length} lines`, { group: "dry run" }, async () => {
  const report = await dryRun(filters, lines, { format: "strace" });
  if (report.lines !== lines.length) throw new Error("lines lost");
});

Deno.bench(`dry run, seccomp only, ${lines.length} lines`, { group: "dry run" }, async () => {
  const report = await dryRun(seccompOnly, lines, { format: "strace" });
  if (report.lines !== lines.length) throw new Error("lines lost");
});
