/**
 * `deno task playground:screenshots`: builds the playground, serves it on loopback, and has
 * headless Chromium take screenshots of the playground (a policy with findings, a decision, a
 * dry run and a diff, all from the URL state) and of a `cordon dry-run --format html` report.
 * Prints the bundle's size and the page's load time (navigation start to the first complete
 * update, median of five loads).
 *
 * Usage: `deno run -A tests/browser/screenshots.ts [--out DIR]` (default `.cache/screenshots`)
 *
 * @module
 */

import { Chromium } from "./_chromium.ts";
import { buildPlayground } from "../../playground/build.ts";
import { servePlayground } from "../../playground/serve.ts";
import { DEFAULT_STATE, encodeState } from "../../playground/model.ts";
import { BUILTIN_PROFILES } from "../../policies/builtin_profiles.ts";
import { cordon } from "../_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const at = Deno.args.indexOf("--out");
const out = at >= 0 ? Deno.args[at + 1]! : `${ROOT}.cache/screenshots`;
await Deno.mkdir(out, { recursive: true });

const dist = `${out}/playground`;
const built = await buildPlayground(dist);
const gzipped = await new Response(
  new Blob([await Deno.readFile(`${dist}/app.js`)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  ),
).arrayBuffer();
console.log(
  `bundle: app.js ${built.bundleBytes} bytes (${gzipped.byteLength} gzipped), ` +
    `index.html ${built.htmlBytes} bytes, ${built.modules} modules`,
);

const trace = `${ROOT}tests/testdata/traces/python_socket_y.strace`;
const webServer = "examples/policies/web-server.yaml";
const report = await cordon(
  ["dry-run", webServer, "builtin:baseline", "--trace", trace, "--format", "html"],
  { cwd: ROOT },
);
if (report.stdout === "") throw new Error(`dry-run --format html failed: ${report.stderr}`);
const reportPath = `${out}/dry-run-report.html`;
await Deno.writeTextFile(reportPath, report.stdout);

await using server = await servePlayground(dist, 0);
// Tall enough for the whole page: Chromium does not paint iframes outside the window.
await using browser = await Chromium.launch({ width: 1400, height: 1900 });

// The baseline (which the traced Python program runs into) against web-server.yaml as OLD.
const state = {
  ...DEFAULT_STATE,
  policy: BUILTIN_PROFILES["builtin:baseline"]!,
  name: "baseline.yaml",
  syscall: "socket",
  args: "AF_PACKET,SOCK_RAW",
  trace: await Deno.readTextFile(trace),
  old: await Deno.readTextFile(`${ROOT}${webServer}`),
};
const url = `${server.url}#${encodeState(state)}`;

const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const page = await browser.open(url);
  loads.push(
    await page.evaluate<number>(
      "cordonPlayground.ready.then(() => cordonPlayground.loadedIn)",
    ),
  );
  if (i < 4) await page.close();
  else {
    await Deno.writeFile(`${out}/playground.png`, await page.screenshot(false));
    await page.close();
  }
}
loads.sort((a, b) => a - b);
console.log(
  `load: navigation start to first complete update ${Math.round(loads[2]!)} ms median ` +
    `(${loads.map(Math.round).join(", ")} ms; baseline, 396-call trace, diff with web-server.yaml)`,
);

const plain = await browser.open(`${server.url}#${encodeState(DEFAULT_STATE)}`);
const plainLoad = await plain.evaluate<number>(
  "cordonPlayground.ready.then(() => cordonPlayground.loadedIn)",
);
await plain.close();
console.log(`load: the default state (baseline, no trace) ${Math.round(plainLoad)} ms`);

const page = await browser.open(`file://${reportPath}`);
await Deno.writeFile(`${out}/dry-run-report.png`, await page.screenshot());
await page.close();
console.log(`wrote ${out}/playground.png, ${out}/dry-run-report.png, ${reportPath}`);
