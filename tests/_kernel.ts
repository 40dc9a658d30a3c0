/**
 * Registration of tests that need the real kernel. Outside CI such a test is skipped with a
 * one-line reason when what it needs is missing; with `CORDON_REQUIRE_KERNEL=1` (CI) it runs
 * and fails with that reason instead, so a missing mechanism can never pass silently.
 *
 * @module
 */

import { landlockAbiVersion } from "../backends/linux/landlock.ts";

/** Whether kernel tests must run (CI sets `CORDON_REQUIRE_KERNEL=1`). */
export const REQUIRE_KERNEL: boolean = Deno.env.get("CORDON_REQUIRE_KERNEL") === "1";

/** Whether this process runs as root. */
export function isRoot(): boolean {
  return Deno.build.os === "linux" && Deno.uid() === 0;
}

/** Whether `name` is an executable on PATH. */
export function hasCommand(name: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (hasFile(`${dir}/${name}`)) return true;
  }
  return false;
}

/** Whether `path` is a regular file. */
export function hasFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The interpreter the kernel suites run confined Python programs with. */
export const PYTHON = "/usr/bin/python3";

/** The Landlock ABI version of this kernel, 0 where there is none (or not Linux). */
export function landlockAbi(): number {
  try {
    return Deno.build.os === "linux" ? landlockAbiVersion() : 0;
  } catch {
    return 0;
  }
}

/** The first reason among `checks` that makes a kernel test impossible here, or `null`. */
export function unavailable(...checks: (string | null | false | undefined)[]): string | null {
  for (const check of checks) if (check) return check;
  return null;
}

/** A reason when not root on Linux. */
export function needRoot(): string | null {
  return isRoot() ? null : "needs root on Linux";
}

/** A reason when one of `commands` is missing. */
export function needCommands(...commands: string[]): string | null {
  const missing = commands.filter((c) => !hasCommand(c));
  return missing.length ? `needs ${missing.join(", ")} (run scripts/setup.sh)` : null;
}

/**
 * Registers a kernel test. `reason` is `null` when it can run, else why it cannot.
 *
 * @example
 * ```ts ignore
 * kernelTest("seccomp denies mkdir", unavailable(needRoot()), async () => {});
 * ```
 */
export function kernelTest(
  name: string,
  reason: string | null,
  fn: (t: Deno.TestContext) => void | Promise<void>,
  options: { sanitizeResources?: boolean; sanitizeOps?: boolean } = {},
): void {
  if (reason === null) {
    Deno.test({ name, fn, ...options });
  } else if (REQUIRE_KERNEL) {
    Deno.test({
      name,
      fn() {
        throw new Error(`kernel test cannot run: ${reason} (CORDON_REQUIRE_KERNEL=1)`);
      },
    });
  } else {
    Deno.test({ name: `${name} (skipped: ${reason})`, ignore: true, fn });
  }
}

/**
 * A test that checks Cordon's tables or objects against the system (kernel headers, gcc,
 * bpftool, `/proc`): when `reason` says it cannot run here, it is skipped outside CI and fails
 * with the reason in CI (`CORDON_REQUIRE_KERNEL=1`), like {@linkcode kernelTest}, instead of
 * being ignored silently.
 *
 * @param reason Why it cannot run (`null`, `undefined` or `false`: it can).
 * @param def The test.
 */
export function oracleTest(
  reason: string | null | undefined | false,
  def: Deno.TestDefinition,
): void {
  if (!reason) {
    Deno.test(def);
  } else if (REQUIRE_KERNEL) {
    Deno.test({
      ...def,
      fn() {
        throw new Error(`oracle test cannot run: ${reason} (CORDON_REQUIRE_KERNEL=1)`);
      },
    });
  } else {
    Deno.test({ ...def, ignore: true });
  }
}
