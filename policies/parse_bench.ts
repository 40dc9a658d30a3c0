import { parsePolicies } from "./parse.ts";
import { readYamlFull } from "./_yaml_tree.ts";

function generatedPolicy(n: number): string {
  const names = ["read", "write", "openat", "close", "mmap", "socket", "connect", "ioctl"];
  const lines = [
    "apiVersion: cordon/v1",
    "kind: Policy",
    "metadata:",
    "  name: generated",
    "spec:",
    "  defaultAction: deny",
    "  rules:",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `    - syscalls: [${names[i % names.length]}]`,
      `      action: ${i % 3 === 0 ? "deny" : "allow"}`,
      `      priority: ${i}`,
      `      args: [{ index: ${i % 6}, op: eq, value: ${i} }]`,
    );
  }
  return lines.join("\n") + "\n";
}

const big = generatedPolicy(10_000);
const small = generatedPolicy(1_000);

Deno.bench("parsePolicies() on a 10,000-rule policy (1.1 MB, fast reader)", {
  group: "parse-10k",
  baseline: true,
  permissions: "none",
}, () => {
  parsePolicies(big, "big.yaml");
});

Deno.bench("yaml package alone on the same 10,000-rule policy", {
  group: "parse-10k",
  permissions: "none",
}, () => {
  readYamlFull(big, {
    maxBytes: 1 << 24,
    maxFastBytes: 1 << 24,
    maxDepth: 64,
    maxDocuments: 1000,
    maxAliasNodes: 10_000,
  });
});

Deno.bench("parsePolicies() on a 1,000-rule policy", {
  group: "parse-1k",
  baseline: true,
  permissions: "none",
}, () => {
  parsePolicies(small, "small.yaml");
});

Deno.bench("parsePolicies() on a 1,000-rule policy through the yaml package (an anchor)", {
  group: "parse-1k",
  permissions: "none",
}, () => {
  parsePolicies(small.replace("name: generated", "name: &n generated"), "small.yaml", {
    maxBytes: 1 << 24,
  });
});
