import { compileLandlock, type LandlockRuleset } from "../../compile/landlock.ts";
import type { FilesystemRules, NetworkRules } from "../../policies/types.ts";
import { landlockAbiVersion, missingLandlockPaths, restrictSelfWithLandlock } from "./landlock.ts";
import { NotSupportedError } from "./errors.ts";
import { kernelTest, needRoot, unavailable } from "../../tests/_kernel.ts";
import { fail } from "node:assert/strict";

const loc = { file: "test.yaml", line: 1, column: 1 };
const LANDLOCK_URL = new URL("./landlock.ts", import.meta.url).href;
const SECCOMP_URL = new URL("./seccomp_install.ts", import.meta.url).href;

function linux(): string | null {
  return Deno.build.os === "linux" ? null : "needs Linux";
}

/** Whether the running kernel is at least `major.minor`. */
function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = Deno.osRelease().split(".").map((p) => parseInt(p, 10));
  return a > major || (a === major && b >= minor);
}

function fs(read: string[], write: string[], execute: string[]): FilesystemRules {
  return { read, write, execute, loc };
}

/**
 * Runs `body` (TypeScript statements; `results` is an object they fill) in a fresh Deno process
 * that first sets no_new_privs and restricts itself with `ruleset`; returns `results`, or the
 * error the restriction threw as `{ restrictError: { name, code, message } }`.
 */
async function inSandbox(
  ruleset: LandlockRuleset,
  body: string,
): Promise<Record<string, unknown>> {
  const code = `
import { restrictSelfWithLandlock } from "${LANDLOCK_URL}";
import { setNoNewPrivs } from "${SECCOMP_URL}";
const results: Record<string, unknown> = {};
const attempt = async (name: string, fn: () => unknown) => {
  try { await fn(); results[name] = "ok"; } catch (e) { results[name] = (e as { code?: string }).code ?? /(E[A-Z]{2,})/.exec(String(e))?.[1] ?? String(e); }
};
setNoNewPrivs();
try {
  restrictSelfWithLandlock(${JSON.stringify(ruleset)});
} catch (e) {
  const error = e as { name: string; code?: string; message: string };
  results.restrictError = { name: error.name, code: error.code, message: error.message };
}
${body}
console.log(JSON.stringify(results));
`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", "--quiet", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  if (!output.success) {
    fail(`sandboxed child failed: ${new TextDecoder().decode(output.stderr)}\n${text}`);
  }
  return JSON.parse(text.split("\n").at(-1)!);
}

kernelTest(
  "landlockAbiVersion() reports Landlock on a kernel that has it",
  unavailable(linux()),
  () => {
    const abi = landlockAbiVersion();
    if (!Number.isInteger(abi) || abi < 0) fail(`bad ABI ${abi}`);
    // Landlock is in every kernel since 5.13, enabled by default on the kernels we run on.
    if (kernelAtLeast(6, 12) && abi < 6) fail(`kernel ${Deno.osRelease()} but Landlock ABI ${abi}`);
    if (landlockAbiVersion() !== abi) fail("the probe is not stable");
  },
);

kernelTest(
  "restrictSelfWithLandlock() enforces read, write and execute path rules",
  unavailable(linux(), needRoot()),
  async () => {
    const inside = await Deno.makeTempDir({ prefix: "cordon-ll-in-" });
    const outside = await Deno.makeTempDir({ prefix: "cordon-ll-out-" });
    try {
      await Deno.writeTextFile(`${outside}/existing`, "x");
      await Deno.copyFile("/bin/true", `${inside}/true-copy`);
      await Deno.chmod(`${inside}/true-copy`, 0o755);
      const ruleset = compileLandlock(
        fs(["/usr", "/etc", "/lib", "/lib64", "/proc", "/dev"], [inside, "/dev/null"], [
          "/usr/bin",
          "/usr/lib",
          "/lib",
          "/lib64",
        ]),
        undefined,
        landlockAbiVersion(),
      );
      const results = await inSandbox(
        ruleset,
        `
await attempt("readEtc", () => Deno.readTextFileSync("/etc/hostname"));
await attempt("createInside", () => Deno.writeTextFileSync("${inside}/new", "y"));
await attempt("mkdirInside", () => Deno.mkdirSync("${inside}/sub"));
await attempt("readInside", () => Deno.readTextFileSync("${inside}/new"));
await attempt("writeOutside", () => Deno.writeTextFileSync("${outside}/new", "y"));
await attempt("appendOutside", () => Deno.writeTextFileSync("${outside}/existing", "y", { append: true }));
await attempt("writeEtc", () => Deno.writeTextFileSync("/etc/cordon-landlock-test", "y"));
await attempt("truncateEtc", () => Deno.truncateSync("/etc/hostname", 0));
await attempt("readOutside", () => Deno.readTextFileSync("${outside}/existing"));
await attempt("execUsrBin", () => new Deno.Command("/usr/bin/true").outputSync());
await attempt("execInside", () => new Deno.Command("${inside}/true-copy").outputSync());
`,
      );
      const expected: Record<string, string> = {
        readEtc: "ok",
        createInside: "ok",
        mkdirInside: "ok",
        readInside: "EACCES", // write does not imply read
        writeOutside: "EACCES",
        appendOutside: "EACCES",
        writeEtc: "EACCES",
        truncateEtc: "EACCES",
        readOutside: "EACCES",
        execUsrBin: "ok",
        execInside: "EACCES",
      };
      if (results.restrictError) fail(JSON.stringify(results.restrictError));
      for (const [name, want] of Object.entries(expected)) {
        if (results[name] !== want) fail(`${name}: got ${results[name]}, want ${want}`);
      }
      if ((await Deno.readTextFile(`${inside}/new`)) !== "y") fail("file not created inside");
      if ((await Deno.readTextFile(`${outside}/existing`)) !== "x") fail("outside file changed");
    } finally {
      await Deno.remove(inside, { recursive: true });
      await Deno.remove(outside, { recursive: true });
    }
  },
);

kernelTest(
  "restrictSelfWithLandlock() names a missing path and restricts nothing",
  unavailable(linux(), needRoot()),
  async () => {
    const ruleset = compileLandlock(
      fs(["/usr", "/nonexistent/cordon-path"], [], []),
      undefined,
      landlockAbiVersion(),
    );
    if (missingLandlockPaths([ruleset]).join() !== "/nonexistent/cordon-path") {
      fail(`missingLandlockPaths: ${missingLandlockPaths([ruleset])}`);
    }
    const results = await inSandbox(
      ruleset,
      `await attempt("readEtc", () => Deno.readTextFileSync("/etc/hostname"));`,
    );
    const error = results.restrictError as { name: string; code: string; message: string };
    if (error?.code !== "ENOENT" || !error.message.includes('"/nonexistent/cordon-path"')) {
      fail(JSON.stringify(results));
    }
    if (results.readEtc !== "ok") fail("the failed ruleset restricted the process anyway");
  },
);

kernelTest(
  "restrictSelfWithLandlock() enforces TCP connect and bind port rules",
  unavailable(linux(), needRoot(), landlockAbiVersionOr0() < 4 && "needs Landlock ABI 4"),
  async () => {
    using allowed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    using denied = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const portA = (allowed.addr as Deno.NetAddr).port;
    const portB = (denied.addr as Deno.NetAddr).port;
    const accepting = [allowed, denied].map(async (l) => {
      try {
        for await (const conn of l) conn.close();
      } catch {
        // closed at the end of the test
      }
    });
    const network: NetworkRules = {
      connect: [{
        text: `127.0.0.1:${portA}`,
        protocol: "tcp",
        address: "127.0.0.1",
        ports: [portA, portA],
        loc,
      }],
      bind: [],
      loc,
    };
    const ruleset = compileLandlock(undefined, network, landlockAbiVersion());
    const results = await inSandbox(
      ruleset,
      `
await attempt("connectA", async () => (await Deno.connect({ hostname: "127.0.0.1", port: ${portA} })).close());
await attempt("connectB", async () => (await Deno.connect({ hostname: "127.0.0.1", port: ${portB} })).close());
await attempt("bind", () => Deno.listen({ hostname: "127.0.0.1", port: 0 }).close());
await attempt("readEtc", () => Deno.readTextFileSync("/etc/hostname"));
`,
    );
    allowed.close();
    denied.close();
    await Promise.all(accepting);
    if (results.restrictError) fail(JSON.stringify(results.restrictError));
    if (results.connectA !== "ok") fail(`connect to allowed port: ${results.connectA}`);
    if (results.connectB !== "EACCES") fail(`connect to other port: ${results.connectB}`);
    if (results.bind !== "EACCES") fail(`bind: ${results.bind}`);
    if (results.readEtc !== "ok") fail("a network-only ruleset restricted files");
  },
);

kernelTest(
  "restrictSelfWithLandlock() scopes signals to the sandbox at ABI 6",
  unavailable(linux(), needRoot(), landlockAbiVersionOr0() < 6 && "needs Landlock ABI 6"),
  async () => {
    const outsider = new Deno.Command("cat", { stdin: "piped", stdout: "null" }).spawn();
    try {
      const ruleset = compileLandlock(fs(["/"], [], ["/"]), undefined, landlockAbiVersion());
      const results = await inSandbox(
        ruleset,
        `await attempt("signalOutside", () => Deno.kill(${outsider.pid}, "SIGCONT"));
await attempt("readEtc", () => Deno.readTextFileSync("/etc/hostname"));`,
      );
      if (results.signalOutside !== "EPERM") fail(`signal outside: ${results.signalOutside}`);
      if (results.readEtc !== "ok") fail(`read: ${results.readEtc}`);
    } finally {
      await outsider.stdin.close();
      await outsider.status;
    }
  },
);

Deno.test("restrictSelfWithLandlock() refuses a ruleset newer than the kernel's ABI", () => {
  if (Deno.build.os !== "linux") return;
  const future = { ...compileLandlock(fs(["/usr"], [], []), undefined, 7), abi: 99 };
  let error: unknown;
  try {
    restrictSelfWithLandlock(future);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof NotSupportedError) || !error.feature.includes("ABI 99")) {
    fail(`expected NotSupportedError, got ${error}`);
  }
});

Deno.test("restrictSelfWithLandlock() does nothing for rulesets that handle nothing", () => {
  // No scopes either (compileLandlock adds signal and abstract-socket scoping by default): a
  // ruleset with any would confine this test process, and every test sharing it.
  const empty = compileLandlock(undefined, undefined, 7, []);
  if (empty.scoped !== 0 || empty.handledAccessFs !== 0) fail(JSON.stringify(empty));
  restrictSelfWithLandlock([empty]);
  Deno.readTextFileSync("/etc/hostname");
});

function landlockAbiVersionOr0(): number {
  try {
    return Deno.build.os === "linux" ? landlockAbiVersion() : 0;
  } catch {
    return 0;
  }
}
