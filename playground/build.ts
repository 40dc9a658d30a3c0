/**
 * Builds the playground with esbuild (npm) into `.cache/playground/`: `index.html` and one bundle,
 * `app.js`, from `playground/app.ts` and the pure parts of the library. The example policies are
 * embedded. The build fails when the bundle uses `Deno` (the playground has no server and the
 * browser no `Deno`): every reference is attributed to its source module and reported, except
 * where {@linkcode DENO_ALLOWED} names the module and says why the code is unreachable in the
 * browser.
 *
 * Usage: `deno run -A playground/build.ts [--out DIR]`
 *
 * @module
 */

// esbuild is a build tool of the playground only, not a dependency of the library: it stays out
// of deno.json's import map (which is the published module's).
// deno-lint-ignore no-import-prefix
import * as esbuild from "npm:esbuild@0.28.2";
// Static imports so that Deno has the npm packages the bundle needs in its cache.
import "yaml";
import "jsonc-parser";
import denoJson from "../deno.json" with { type: "json" };

/** Why building failed. */
export class PlaygroundBuildError extends Error {
  /** `USES_DENO` when bundled code uses `Deno`; `ESBUILD` when esbuild failed. */
  readonly code: "USES_DENO" | "ESBUILD";
  /**
   * @param code what failed
   * @param message one sentence per problem
   */
  constructor(code: PlaygroundBuildError["code"], message: string) {
    super(message);
    this.name = "PlaygroundBuildError";
    this.code = code;
  }
}

/**
 * Modules that may keep a `Deno` reference in the bundle, with the reason the browser never runs
 * it. Each entry is a reviewed exception; the build fails for any other module.
 */
export const DENO_ALLOWED: Readonly<Record<string, string>> = {
  "engine/trace/read_lines.ts":
    "readTraceFile opens a trace by path (Deno.open); the playground passes dryRun the trace's " +
    "lines, and a call by path would throw ReferenceError, never run",
  "policies/errors.ts":
    'fileErrorText reads Deno.errors guarded by `typeof Deno === "undefined"` (plain messages ' +
    "in a browser); only readTraceFile's errors, never raised in the playground, call it",
};

/** What a build produced. */
export interface BuildResult {
  /** The output directory. */
  readonly outDir: string;
  /** The bundle's size in bytes. */
  readonly bundleBytes: number;
  /** index.html's size in bytes. */
  readonly htmlBytes: number;
  /** Repository modules in the bundle. */
  readonly modules: number;
  /** Modules with a `Deno` reference that {@linkcode DENO_ALLOWED} permits. */
  readonly allowedDeno: readonly string[];
}

const ROOT = new URL("../", import.meta.url).pathname;

/** Where the build writes by default (ignored by git, fmt and lint, like the rest of .cache/). */
export const DEFAULT_OUT_DIR: string = `${ROOT}.cache/playground`;

async function npmCacheDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { npmCache: string };
  return `${info.npmCache}/registry.npmjs.org`;
}

/** `deno.json` imports of npm packages, as esbuild node_modules entries (name -> version). */
function npmImports(): Map<string, { name: string; version: string }> {
  const out = new Map<string, { name: string; version: string }>();
  for (const [alias, target] of Object.entries(denoJson.imports as Record<string, string>)) {
    const m = /^npm:(@?[^@]+)@(.+)$/.exec(target);
    if (m !== null) out.set(alias, { name: m[1]!, version: m[2]! });
  }
  return out;
}

async function examples(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const dir = `${ROOT}examples/policies`;
  const names = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".yaml")) names.push(e.name);
  }
  for (const name of names.sort()) {
    out[`examples/policies/${name}`] = await Deno.readTextFile(`${dir}/${name}`);
  }
  return out;
}

function denoPlugin(cache: string): esbuild.Plugin {
  const npm = npmImports();
  return {
    name: "cordon-deno",
    setup(build) {
      // `policies/_yaml_tree.ts` swaps `process.env` (of node:process) around parsing, because
      // the yaml package's Node build reads debug switches from it. In the browser the yaml
      // package's browser build is bundled, which reads no environment: the page's process is
      // an object with an empty, configurable `env`. Any other `node:` module fails the build.
      build.onResolve({ filter: /^node:process$/ }, (args) => ({
        path: args.path,
        namespace: "cordon-node-process",
      }));
      build.onLoad({ filter: /.*/, namespace: "cordon-node-process" }, () => ({
        contents: "const process = { env: {} };\nexport default process;\n",
        loader: "js",
      }));
      // Bare names from deno.json's imports and npm: specifiers -> Deno's npm cache.
      build.onResolve({ filter: /^(npm:|[a-z@])/ }, async (args) => {
        let name: string;
        let version: string;
        let sub = "";
        const spec = /^npm:(@?[^@/]+(?:\/[^@/]+)?)@([^/]+)(\/.*)?$/.exec(args.path);
        if (spec !== null) {
          [name, version, sub] = [spec[1]!, spec[2]!, spec[3] ?? ""];
        } else {
          const bare = /^(@?[^/]+(?:\/[^/]+)?)(\/.*)?$/.exec(args.path);
          const mapped = bare === null ? undefined : npm.get(bare[1]!);
          if (mapped === undefined) return undefined;
          [name, version, sub] = [mapped.name, mapped.version, bare![2] ?? ""];
        }
        const pkg = `${cache}/${name}/${version}`;
        const result = await build.resolve(`./${sub.replace(/^\//, "")}`, {
          resolveDir: pkg,
          kind: args.kind,
        });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
      });
    },
  };
}

/**
 * Finds `Deno` references in an unminified bundle, attributed to the source module through the
 * `// path` comments esbuild puts before each module's code.
 */
function denoReferences(bundle: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let module = "(bundle prelude)";
  for (const line of bundle.split("\n")) {
    const header = /^\s*\/\/ (\S+\.(?:ts|js|mjs|cjs|json))$/.exec(line);
    if (header !== null) {
      module = header[1]!;
      continue;
    }
    if (/(?<![\w$."'`])Deno\s*[.[]|globalThis\.Deno\b/.test(line)) {
      const list = found.get(module) ?? [];
      list.push(line.trim());
      found.set(module, list);
    }
  }
  return found;
}

/**
 * Builds the playground.
 *
 * @param outDir where to write `index.html` and `app.js`
 * @param options `entry`: the module to bundle (default `playground/app.ts`)
 * @returns sizes and the modules bundled
 * @throws {PlaygroundBuildError} when esbuild fails or bundled code uses `Deno`
 *
 * @example
 * ```ts ignore
 * import { buildPlayground } from "./build.ts";
 * const result = await buildPlayground();
 * console.log(result.bundleBytes);
 * ```
 */
export async function buildPlayground(
  outDir = DEFAULT_OUT_DIR,
  options: { readonly entry?: string } = {},
): Promise<BuildResult> {
  const cache = await npmCacheDir();
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [options.entry ?? `${ROOT}playground/app.ts`],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
      minify: false,
      legalComments: "none",
      absWorkingDir: ROOT,
      outfile: `${outDir}/app.js`,
      plugins: [denoPlugin(cache)],
      define: { CORDON_EXAMPLES: JSON.stringify(await examples()) },
      logLevel: "silent",
    });
  } catch (error) {
    const failure = error as { errors?: esbuild.Message[] };
    const text = (failure.errors ?? []).map((e) =>
      `${e.location?.file ?? "?"}:${e.location?.line ?? 0}: ${e.text}`
    ).join("\n");
    throw new PlaygroundBuildError("ESBUILD", text || String(error));
  } finally {
    await esbuild.stop();
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!;
  const refs = denoReferences(js.text);
  const forbidden = [...refs].filter(([module]) => DENO_ALLOWED[module] === undefined);
  if (forbidden.length > 0) {
    throw new PlaygroundBuildError(
      "USES_DENO",
      forbidden.map(([module, lines]) =>
        `${module} uses Deno in the browser bundle: ${lines.slice(0, 3).join(" | ")}`
      ).join("\n"),
    );
  }
  // Minify for the page after the check (the check needs the module comments).
  const minified = await esbuild.transform(js.text, {
    minify: true,
    legalComments: "none",
    target: "es2022",
  });
  await esbuild.stop();
  await Deno.mkdir(outDir, { recursive: true });
  const html = await Deno.readTextFile(`${ROOT}playground/index.html`);
  await Deno.writeTextFile(`${outDir}/app.js`, minified.code);
  await Deno.writeTextFile(`${outDir}/index.html`, html);
  const modules = Object.keys(result.metafile.inputs).filter((p) =>
    !p.includes("registry.npmjs.org") && !p.startsWith("cordon-")
  );
  return {
    outDir,
    bundleBytes: new TextEncoder().encode(minified.code).length,
    htmlBytes: new TextEncoder().encode(html).length,
    modules: modules.length,
    allowedDeno: [...refs.keys()],
  };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--out");
  const out = at >= 0 ? Deno.args[at + 1] : undefined;
  try {
    const r = await buildPlayground(out);
    console.log(
      `built ${r.outDir}: app.js ${r.bundleBytes} bytes (${r.modules} modules), ` +
        `index.html ${r.htmlBytes} bytes` +
        (r.allowedDeno.length > 0 ? `; reviewed Deno uses: ${r.allowedDeno.join(", ")}` : ""),
    );
  } catch (error) {
    if (!(error instanceof PlaygroundBuildError)) throw error;
    console.error(`playground build failed [${error.code}]:\n${error.message}`);
    Deno.exit(1);
  }
}
