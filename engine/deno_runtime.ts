/**
 * What `cordon deno` lets Deno itself reach in the kernel layer (issue 15): the Deno executable
 * (read and execute) and `DENO_DIR`, its module and npm cache (read), added to every policy whose
 * `filesystem` section restricts reading or execution. Without them Deno could not start under
 * a policy that does not name this machine's paths; with them a policy says only what the
 * program needs. Deno's own permission checks (the broker) are still decided by the policies as
 * written: this widens nothing a Deno permission grants.
 *
 * @module
 */

import type { ResolvedPolicy } from "../policies/types.ts";

/** The files of one Deno installation that Deno reads and runs to start. */
export interface DenoRuntime {
  /** The Deno executable, symbolic links resolved. */
  readonly executable: string;
  /** `DENO_DIR`: Deno's cache of modules, npm packages and compiled code. */
  readonly denoDir: string;
}

/**
 * The runtime of the Deno at `executable`, with `DENO_DIR` found as Deno finds it on Linux and
 * macOS: the `DENO_DIR` environment variable, else `$XDG_CACHE_HOME/deno`, else
 * `$HOME/.cache/deno` (macOS: `$HOME/Library/Caches/deno`).
 *
 * Requires `allow-env` (`DENO_DIR`, `XDG_CACHE_HOME`, `HOME`) and `allow-read` (the executable's
 * real path).
 *
 * @param executable The Deno executable.
 * @param env The environment Deno will run with (default: this process's).
 * @returns The runtime's paths.
 *
 * @example
 * ```ts
 * import { denoRuntime } from "@cordon/cordon";
 * const runtime = denoRuntime(Deno.execPath(), { DENO_DIR: "/srv/deno-cache" });
 * if (runtime.denoDir !== "/srv/deno-cache") throw new Error(runtime.denoDir);
 * ```
 */
export function denoRuntime(
  executable: string,
  env: Readonly<Record<string, string>> = Deno.env.toObject(),
): DenoRuntime {
  const home = env.HOME ?? "/root";
  const denoDir = env.DENO_DIR ??
    (env.XDG_CACHE_HOME
      ? `${env.XDG_CACHE_HOME}/deno`
      : Deno.build.os === "darwin"
      ? `${home}/Library/Caches/deno`
      : `${home}/.cache/deno`);
  return { executable: Deno.realPathSync(executable), denoDir };
}

/**
 * `policies` with `runtime` added where their `filesystem` section restricts: the executable to
 * `read` and `execute`, `DENO_DIR` to `read`, each only to a list that names paths already (an
 * empty list restricts nothing, and stays so). Policies without a `filesystem` section are
 * returned as they are. Pure.
 *
 * @param policies The resolved policies of a `cordon deno` run.
 * @param runtime The Deno it runs.
 * @returns The policies the kernel layer is compiled from.
 *
 * @example
 * ```ts
 * import { grantDenoRuntime } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const [p] = grantDenoRuntime([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
 *   filesystem: { read: ["/usr"], write: [], execute: ["/usr"], loc },
 * }], { executable: "/opt/deno/deno", denoDir: "/root/.cache/deno" });
 * if (p!.filesystem!.read.join() !== "/usr,/opt/deno/deno,/root/.cache/deno") throw new Error();
 * if (p!.filesystem!.write.length !== 0) throw new Error("writes stay as written");
 * ```
 */
export function grantDenoRuntime(
  policies: readonly ResolvedPolicy[],
  runtime: DenoRuntime,
): ResolvedPolicy[] {
  const add = (list: readonly string[], paths: readonly string[]) =>
    list.length === 0 ? list : [...list, ...paths.filter((p) => !list.includes(p))];
  return policies.map((policy) => {
    const fs = policy.filesystem;
    if (fs === undefined) return policy;
    return {
      ...policy,
      filesystem: {
        ...fs,
        read: add(fs.read, [runtime.executable, runtime.denoDir]),
        execute: add(fs.execute, [runtime.executable]),
      },
    };
  });
}
