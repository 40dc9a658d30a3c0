/**
 * Helpers of the bypass tests of the run cgroup's guard (`bpf/cgroup_guard.bpf.c`): a policy
 * written to a temporary file and a `cordon run` of a command under it, as a user runs it.
 *
 * @module
 */

import { hasFile, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import { type CliOptions, type CliRun, cordon } from "../_cli.ts";
import { runNetworkUnavailable } from "../../backends/linux/cgroup_net.ts";

/** Why the guard's tests cannot run here, or `null`. */
export const GUARD_REASON: string | null = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  !hasFile(PYTHON) && `needs ${PYTHON}`,
  Deno.build.os === "linux" && runNetworkUnavailable(),
);

/** `cordon run --policy <yaml in a temporary file> -- command…`. */
export async function runUnder(
  yaml: string,
  command: readonly string[],
  options: CliOptions = {},
): Promise<CliRun> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-guard-policy-" });
  try {
    await Deno.writeTextFile(`${dir}/p.yaml`, yaml);
    return await cordon(["run", "--policy", `${dir}/p.yaml`, "--", ...command], options);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `cordon run` of a Python program under `yaml`. */
export function pythonUnder(yaml: string, program: string, options: CliOptions = {}) {
  return runUnder(yaml, [PYTHON, "-c", program], options);
}

/** Lines `NAME RESULT` of a probe's output, as a map. */
export function results(stdout: string): Map<string, string> {
  return new Map(
    stdout.split("\n").filter((l) => l.includes(" ")).map((l) => {
      const at = l.indexOf(" ");
      return [l.slice(0, at), l.slice(at + 1).trim()];
    }),
  );
}

/** A policy document: `defaultAction: allow` plus `spec` lines (indented by two). */
export function policy(name: string, spec: string): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: ${name} }
spec:
  defaultAction: allow
${spec.trim().split("\n").map((l) => `  ${l}`).join("\n")}
`;
}

/** A Python helper on the host (a server, a sniffer) that said `ready`; see {@linkcode startHelper}. */
export interface HostHelper {
  /** The helper's process id. */
  readonly pid: number;
  /** What it printed before `ready` (such as the port it listens on), trimmed. */
  readonly greeting: string;
  /** Sends `done`, waits for the helper to exit and returns what it printed after `ready`. */
  finish(): Promise<string>;
}

/**
 * Starts an unconfined Python `script` with `args` and waits until it prints `ready`: from then
 * on it is listening. It must print its findings and exit when it reads `done` on stdin.
 */
export async function startHelper(
  what: string,
  script: string,
  args: readonly string[] = [],
): Promise<HostHelper> {
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script, ...args],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${what} did not start`);
    text += value;
  }
  const greeting = text.slice(0, text.indexOf("ready\n")).trim();
  text = text.slice(text.indexOf("ready\n"));
  return {
    pid: child.pid,
    greeting,
    async finish() {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("done\n"));
      await writer.close();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      await child.status;
      return text.replace("ready\n", "");
    },
  };
}
