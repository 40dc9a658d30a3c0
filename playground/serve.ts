/**
 * `deno task playground`: builds the playground (`playground/build.ts`) and serves
 * `.cache/playground/` on 127.0.0.1 (loopback only; the page needs no server beyond static files
 * and works from the built files offline).
 *
 * Usage: `deno run -A playground/serve.ts [--port N] [--no-build]` (default port 8787; 0 picks
 * a free one). Prints the URL on stdout.
 *
 * @module
 */

import { buildPlayground, DEFAULT_OUT_DIR, PlaygroundBuildError } from "./build.ts";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/** A running static server of a built playground. */
export interface PlaygroundServer extends AsyncDisposable {
  /** The page's URL. */
  readonly url: string;
  /** The port. */
  readonly port: number;
}

/**
 * Serves the files of `dir` (the built playground) on 127.0.0.1. Only `index.html` and `app.js`
 * exist; any other path is 404.
 *
 * @param dir the directory with `index.html` and `app.js`
 * @param port the port (0: a free one)
 * @returns the server; dispose of it to stop it
 *
 * @example
 * ```ts ignore
 * import { servePlayground } from "./serve.ts";
 * await using server = await servePlayground(".cache/playground", 0);
 * console.log(server.url);
 * ```
 */
export async function servePlayground(dir: string, port: number): Promise<PlaygroundServer> {
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const name of ["index.html", "app.js"]) {
    files.set(`/${name}`, {
      body: await Deno.readFile(`${dir}/${name}`),
      type: TYPES[name.slice(name.lastIndexOf("."))]!,
    });
  }
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, (request) => {
    const path = new URL(request.url).pathname;
    const file = files.get(path === "/" ? "/index.html" : path);
    if (file === undefined) return new Response("not found\n", { status: 404 });
    return new Response(file.body.slice(), {
      headers: { "content-type": file.type, "cache-control": "no-store" },
    });
  });
  const addr = await listening;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    port: addr.port,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--port");
  const port = at >= 0 ? Number(Deno.args[at + 1]) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground: --port takes 0..65535, not ${Deno.args[at + 1]}`);
    Deno.exit(2);
  }
  const dir = DEFAULT_OUT_DIR;
  if (!Deno.args.includes("--no-build")) {
    try {
      const r = await buildPlayground(dir);
      console.error(`built app.js: ${r.bundleBytes} bytes, index.html: ${r.htmlBytes} bytes`);
    } catch (error) {
      if (!(error instanceof PlaygroundBuildError)) throw error;
      console.error(`playground build failed [${error.code}]:\n${error.message}`);
      Deno.exit(1);
    }
  }
  const server = await servePlayground(dir, port);
  console.log(`cordon playground: ${server.url}`);
}
