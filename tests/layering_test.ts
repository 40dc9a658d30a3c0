/**
 * The brief's one-way data flow, checked: policies → compile → engine → backends → cli. A module
 * may import its own area and the areas before it (and `bpf/`'s shared struct mirror, which
 * imports only policies); never one after it. The imports that break the rule today are listed in
 * {@linkcode KNOWN} with why, so that no new one creeps in and each can be removed when fixed
 * (issue 18); a listed import that is gone fails the test too, so the list stays true.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const LAYERS = ["policies", "bpf", "compile", "engine", "backends", "cli"] as const;
type Layer = typeof LAYERS[number];

/** Imports against the flow that exist today: `from -> to` (files relative to the root). */
const KNOWN: Readonly<Record<string, string>> = {
  "engine/select_backend.ts -> backends/simulation/simulation_backend.ts":
    "the simulation is the default backend of the pure engine",
  "engine/engine.ts -> backends/simulation/simulation_backend.ts": "a type, as above",
  "engine/select_backend.ts -> backends/linux/ebpf_backend.ts":
    "backend choice (engine/ in the layout) loads the backends lazily, by literal specifier",
  "engine/select_backend.ts -> backends/dtrace/dtrace_backend.ts": "as above",
};

function layerOf(path: string): Layer | undefined {
  const top = path.split("/")[0];
  return LAYERS.find((l) => l === top);
}

async function* sources(dir: URL, prefix: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) yield* sources(new URL(`${entry.name}/`, dir), `${path}/`);
    else if (/\.ts$/.test(entry.name) && !/_(test|bench)\.ts$/.test(entry.name)) yield path;
  }
}

/** `path`'s relative imports (static and dynamic), resolved against its directory. */
function importsOf(path: string, text: string): string[] {
  const out: string[] = [];
  const pattern = /^(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/gm;
  for (const match of text.matchAll(pattern)) {
    const spec = match[1] ?? match[2]!;
    out.push(new URL(spec, new URL(path, ROOT)).pathname.slice(ROOT.pathname.length));
  }
  return out;
}

Deno.test("imports follow policies → compile → engine → backends → cli", async () => {
  const found = new Set<string>();
  const broken: string[] = [];
  for (const layer of LAYERS) {
    for await (const file of sources(new URL(`${layer}/`, ROOT), `${layer}/`)) {
      const text = await Deno.readTextFile(new URL(file, ROOT));
      for (const target of importsOf(file, text)) {
        const to = layerOf(target);
        if (to === undefined) continue;
        if (LAYERS.indexOf(to) <= LAYERS.indexOf(layer)) continue;
        const key = `${file} -> ${target}`;
        if (key in KNOWN) found.add(key);
        else broken.push(key);
      }
    }
  }
  assert.deepEqual(broken, [], `imports against the flow:\n${broken.join("\n")}`);
  const gone = Object.keys(KNOWN).filter((k) => !found.has(k));
  assert.deepEqual(gone, [], `listed in KNOWN but gone (remove them):\n${gone.join("\n")}`);
});

/** Unit tests and micro-benchmarks beside the code. */
async function* besideTheCode(dir: URL, prefix: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) yield* besideTheCode(new URL(`${entry.name}/`, dir), `${path}/`);
    else if (/_(test|bench)\.ts$/.test(entry.name)) yield path;
  }
}

Deno.test("the library's own tests and benches use the library, not cli/", async () => {
  const broken: string[] = [];
  for (const layer of LAYERS.filter((l) => l !== "cli")) {
    for await (const file of besideTheCode(new URL(`${layer}/`, ROOT), `${layer}/`)) {
      const text = await Deno.readTextFile(new URL(file, ROOT));
      for (const target of importsOf(file, text)) {
        if (layerOf(target) === "cli") broken.push(`${file} -> ${target}`);
      }
    }
  }
  assert.deepEqual(broken, [], `library tests importing cli/:\n${broken.join("\n")}`);
});

Deno.test("the layering check sees a violation", () => {
  const imports = importsOf(
    "compile/x.ts",
    'import { a } from "../cli/a.ts";\nconst m = await import("../backends/b.ts");\n',
  );
  assert.deepEqual(imports, ["cli/a.ts", "backends/b.ts"]);
  assert.deepEqual(imports.map(layerOf), ["cli", "backends"]);
});
