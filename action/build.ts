/**
 * Builds the GitHub Action's bundle with esbuild: `action/main.ts` and the pure parts of Cordon
 * it uses (policies, compile, the dry run, SARIF) into one ES module for node 20,
 * `action/dist/index.mjs`, which is committed (a workflow runs it without installing anything).
 * npm packages come from Deno's npm cache through `npm:` specifiers. The build fails when the
 * bundle would use `Deno`, which node does not have.
 *
 * Run: `deno task build:action` (writes the bundle) or `--check` (exit 1 when it is stale).
 *
 * @module
 */

// A build tool of the Action only, pinned here rather than in the package's dependencies.
// deno-lint-ignore no-import-prefix
import * as esbuild from "npm:esbuild@0.28.2";

const ROOT = new URL("../", import.meta.url).pathname;

/** `to` relative to the directory `from` (both absolute), with `/` separators. */
function relativePath(from: string, to: string): string {
  const a = from.split("/").filter((p) => p !== "");
  const b = to.split("/").filter((p) => p !== "");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

/** The bundle's path, relative to the repository. */
export const BUNDLE_PATH = "action/dist/index.mjs";

async function npmCacheDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { npmCache: string };
  return `${info.npmCache}/registry.npmjs.org`;
}

/** Resolves `npm:NAME@VERSION[/SUB]` into Deno's npm cache (run `deno cache` first). */
function npmPlugin(cache: string): esbuild.Plugin {
  return {
    name: "cordon-npm",
    setup(build) {
      build.onResolve({ filter: /^npm:/ }, async (args) => {
        const spec = /^npm:(@?[^@/]+(?:\/[^@/]+)?)@([^/]+)(\/.*)?$/.exec(args.path);
        if (spec === null) {
          return { errors: [{ text: `${args.path}: npm: specifiers need a version` }] };
        }
        const [, name, version, sub = ""] = spec;
        const result = await build.resolve(`./${sub.replace(/^\//, "")}`, {
          resolveDir: `${cache}/${name}/${version}`,
          kind: args.kind,
        });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
      });
    },
  };
}

/**
 * Modules whose `Deno` references are in functions the Action never calls, and why. Anything else
 * that refers to `Deno` fails the build; tests/action_test.ts runs every command under node.
 */
const DENO_ALLOWED: Readonly<Record<string, string>> = {
  "engine/trace/read_lines.ts": "readTraceFile opens a trace by path; the Action passes its lines",
  "policies/errors.ts": "fileErrorText reads Deno.errors only where `typeof Deno` says it exists",
};

/** `Deno` references in the bundle (esbuild's `// path` comments name the module). */
function denoReferences(bundle: string): string[] {
  const found: string[] = [];
  let module = "(prelude)";
  for (const line of bundle.split("\n")) {
    const header = /^\/\/ (\S+\.(?:ts|js|mjs|cjs|json))$/.exec(line);
    if (header !== null) {
      module = header[1]!;
      continue;
    }
    if (DENO_ALLOWED[module] !== undefined) continue;
    if (/(?<![\w$."'`])Deno\s*[.[]|globalThis\.Deno\b/.test(line)) {
      found.push(`${module}: ${line.trim()}`);
    }
  }
  return found;
}

/**
 * Bundles the Action.
 *
 * @returns the bundle's text
 * @throws {Error} when esbuild fails or the bundle refers to `Deno`
 *
 * @example
 * ```ts ignore
 * import { buildAction } from "./build.ts";
 * const js = await buildAction();
 * if (!js.includes("INPUT_")) throw new Error("not the Action");
 * ```
 */
export async function buildAction(): Promise<string> {
  // The npm packages the bundle needs, in Deno's cache.
  const cached = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--quiet", `${ROOT}action/main.ts`],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!cached.success) throw new Error(new TextDecoder().decode(cached.stderr));
  const cache = await npmCacheDir();
  try {
    const result = await esbuild.build({
      entryPoints: [`${ROOT}action/main.ts`],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      minify: false,
      legalComments: "eof",
      charset: "utf8",
      absWorkingDir: ROOT,
      outfile: `${ROOT}${BUNDLE_PATH}`,
      banner: {
        js: [
          "// Built by action/build.ts (deno task build:action); do not edit.",
          // CommonJS packages (yaml's node build) require node's built-in modules.
          'import { createRequire as __cordonCreateRequire } from "node:module";',
          "const require = __cordonCreateRequire(import.meta.url);",
        ].join("\n"),
      },
      plugins: [npmPlugin(cache)],
      logLevel: "silent",
    });
    // Module names relative to the repository would spell out this machine's npm cache
    // (`../../root/.cache/deno/npm/registry.npmjs.org/yaml/2.9.1/…`): written as `npm/yaml/2.9.1/…`
    // the bundle is the same wherever it is built.
    const js = result.outputFiles[0]!.text.replaceAll(`${relativePath(ROOT, cache)}/`, "npm/");
    const deno = denoReferences(js);
    if (deno.length > 0) {
      throw new Error(`the bundle uses Deno, which node lacks:\n  ${deno.join("\n  ")}`);
    }
    return js;
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  const js = await buildAction();
  const path = `${ROOT}${BUNDLE_PATH}`;
  if (Deno.args.includes("--check")) {
    const current = await Deno.readTextFile(path).catch(() => "");
    if (current !== js) {
      console.error(`${BUNDLE_PATH} is stale: run deno task build:action`);
      Deno.exit(1);
    }
    console.log(`${BUNDLE_PATH} is up to date`);
  } else {
    await Deno.mkdir(`${ROOT}action/dist`, { recursive: true });
    await Deno.writeTextFile(path, js);
    console.log(`wrote ${BUNDLE_PATH} (${js.length} bytes)`);
  }
}
