/**
 * Cordon as a package: imported by path from a directory outside the repository with no
 * `deno.json` (so no import map), the README's library snippet runs and agrees with the library
 * run here; every export entry loads the same way; internals stay out of the main entry; and
 * `deno publish --dry-run` ships no tests, benches or scripts and warns about nothing.
 */

import { compilePolicies, Evaluator, parsePolicies, resolvePolicies } from "../mod.ts";
import { fail } from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const DENO = Deno.execPath();

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[], cwd: string | URL): Promise<Run> {
  const output = await new Deno.Command(DENO, {
    args: [...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A temporary directory with no Deno config in it or any directory above it. */
async function outsideDirectory(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "cordon-package-" }));
  if (dir.startsWith(await Deno.realPath(ROOT))) fail(`${dir} is inside the repository`);
  for (let at = dir; at !== "/"; at = at.slice(0, at.lastIndexOf("/")) || "/") {
    for (const name of ["deno.json", "deno.jsonc", "package.json", "import_map.json"]) {
      const found = await Deno.stat(`${at}/${name}`).then(() => true, () => false);
      if (found) fail(`${at}/${name} would configure the outside script`);
    }
  }
  return dir;
}

/** The ```ts block of the README's "As a library" section. */
async function readmeLibrarySnippet(): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const section = readme.split(/^## /m).find((part) => part.startsWith("As a library"));
  if (section === undefined) fail('README.md has no "As a library" section');
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (block === null) fail("the README's library section has no ```ts block");
  return block[1]!;
}

Deno.test("the README's library snippet runs from outside the repository with no config", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const snippet = await readmeLibrarySnippet();
  const specifiers = [...snippet.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
  if (specifiers.length !== 1 || !specifiers[0]!.endsWith("mod.ts")) {
    fail(`the snippet should import mod.ts once, imports: ${specifiers.join(", ")}`);
  }
  const dir = await outsideDirectory();
  try {
    // The snippet as a user would save it, importing the package by its file URL.
    const script = snippet.replace(`"${specifiers[0]}"`, `"${new URL("mod.ts", ROOT).href}"`);
    await Deno.writeTextFile(`${dir}/main.ts`, script);
    await Deno.mkdir(`${dir}/examples/policies`, { recursive: true });
    const policy = await Deno.readTextFile(new URL("examples/policies/cli-tool.yaml", ROOT));
    await Deno.writeTextFile(`${dir}/examples/policies/cli-tool.yaml`, policy);

    const result = await run(["run", "--allow-read", "main.ts"], dir);
    if (result.code !== 0) fail(`exit ${result.code}:\n${result.stderr}`);
    if (/not a dependency|import map/i.test(result.stderr)) fail(result.stderr);
    const checked = await run(["check", "main.ts"], dir);
    if (checked.code !== 0) fail(`deno check: exit ${checked.code}:\n${checked.stderr}`);

    const verdict = new Evaluator(compilePolicies(resolvePolicies(parsePolicies(
      policy,
      "cli-tool.yaml",
    )))).decide("x86_64", 101);
    const first = result.stdout.trim().split("\n")[0] ?? "";
    const expected = `${verdict.action} ${verdict.ruleId}`;
    if (!first.startsWith(expected)) fail(`printed "${first}", the library decides "${expected}"`);
    if (verdict.loc !== undefined && !first.includes(`line: ${verdict.loc.line}`)) {
      fail(`printed "${first}" without the deciding rule's line ${verdict.loc.line}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every export entry loads from outside the repository with no config", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  };
  const entries = Object.entries(config.exports);
  for (const name of [".", "./linux", "./dtrace", "./cli"]) {
    if (!entries.some(([key]) => key === name)) fail(`deno.json exports no "${name}"`);
  }
  const dir = await outsideDirectory();
  try {
    const lines = entries.map(([name, path], i) =>
      `import * as e${i} from "${new URL(path, ROOT).href}";\n` +
      `console.log(${JSON.stringify(name)}, Object.keys(e${i}).sort().join(","));`
    );
    await Deno.writeTextFile(`${dir}/entries.ts`, lines.join("\n") + "\n");
    const result = await run(["run", "--allow-read", "--allow-env", "entries.ts"], dir);
    if (result.code !== 0) fail(`exit ${result.code}:\n${result.stderr}`);
    const exported = new Map(
      result.stdout.trim().split("\n").map((line) => {
        const [name, keys = ""] = line.split(" ");
        return [name!, new Set(keys.split(",").filter((k) => k !== ""))] as const;
      }),
    );
    const has = (entry: string, symbol: string) => exported.get(entry)?.has(symbol) === true;
    for (const entry of [".", "./linux", "./dtrace", "./cli"]) {
      if ((exported.get(entry)?.size ?? 0) === 0) fail(`"${entry}" exports nothing`);
    }
    // What each entry is for.
    for (const symbol of ["parsePolicies", "compilePolicies", "Engine", "SimulationBackend"]) {
      if (!has(".", symbol)) fail(`"." does not export ${symbol}`);
    }
    for (const symbol of ["EbpfBackend", "installSeccompFilter", "probeAllFeatures"]) {
      if (!has("./linux", symbol)) fail(`"./linux" does not export ${symbol}`);
    }
    if (!has("./dtrace", "BpftraceBackend")) fail(`"./dtrace" does not export BpftraceBackend`);
    for (const symbol of ["main", "VERSION", "toSarif"]) {
      if (!has("./cli", symbol)) fail(`"./cli" does not export ${symbol}`);
    }
    // FFI internals and the CLI's formatters are not part of the main entry.
    for (const symbol of ["EbpfBackend", "installSeccompFilter", "BpfObject", "main", "toSarif"]) {
      if (has(".", symbol)) fail(`"." exports the internal ${symbol}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the export entries' modules import packages only through versioned npm: specifiers", {
  permissions: { read: true, run: true, env: true },
}, async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  };
  const bad = new Set<string>();
  for (const path of Object.values(config.exports)) {
    const result = await run(["info", "--json", path], ROOT);
    if (result.code !== 0) fail(`deno info ${path}: exit ${result.code}:\n${result.stderr}`);
    const graph = JSON.parse(result.stdout) as {
      modules: { specifier: string; dependencies?: { specifier: string }[] }[];
    };
    for (const module of graph.modules) {
      if (!module.specifier.startsWith(ROOT.href)) continue;
      for (const { specifier } of module.dependencies ?? []) {
        if (/^\.{1,2}\//.test(specifier) || specifier.startsWith("node:")) continue;
        if (/^npm:(@[^/@]+\/)?[^/@]+@\d[^/]*(\/.*)?$/.test(specifier)) continue;
        bad.add(`${module.specifier.slice(ROOT.href.length)}: "${specifier}"`);
      }
    }
  }
  if (bad.size > 0) {
    fail(`imports that need an import map or carry no version:\n  ${[...bad].join("\n  ")}`);
  }
});

Deno.test("deno doc --lint is clean for every export entry on its own", {
  permissions: { read: true, run: true, env: true },
}, async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  };
  for (const [name, path] of Object.entries(config.exports)) {
    const result = await run(["doc", "--lint", path], ROOT);
    if (result.code !== 0) fail(`deno doc --lint ${path} ("${name}"):\n${result.stderr}`);
  }
});

Deno.test("deno publish --dry-run ships no tests, benches or scripts and warns about nothing", {
  permissions: { read: true, run: true, env: true },
}, async () => {
  const result = await run(["publish", "--dry-run", "--allow-dirty"], ROOT);
  const output = result.stdout + result.stderr;
  if (result.code !== 0) fail(`exit ${result.code}:\n${output}`);
  const warnings = output.split("\n").filter((line) => /^\s*(warning|error)\b/i.test(line));
  if (warnings.length > 0) fail(`publish warnings:\n${warnings.join("\n")}`);
  const files = [...output.matchAll(/file:\/\/\S+/g)].map((m) =>
    m[0].slice(new URL(".", ROOT).href.length)
  );
  for (const needed of ["mod.ts", "linux.ts", "dtrace.ts", "cli.ts", "README.md", "deno.json"]) {
    if (!files.includes(needed)) fail(`the package would not ship ${needed}`);
  }
  const shipped = files.filter((file) =>
    /(^|\/)[^/]*_(test|bench)\.ts$/.test(file) ||
    /^(tests|bench|scripts|action|\.ci|\.cache)\//.test(file) ||
    ["deno", "DEVELOPERS.md", "action.yml"].includes(file)
  );
  if (shipped.length > 0) fail(`the package would ship:\n  ${shipped.join("\n  ")}`);
});
