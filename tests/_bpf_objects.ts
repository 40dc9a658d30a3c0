/**
 * Helpers of the kernel tests that check what a run leaves behind: bpftool's JSON view of loaded
 * programs and links, a bounded wait for programs to be released, and the run directories
 * (cgroups, bpffs pins) a `cordon run` owner created.
 *
 * @module
 */

import { RUN_CGROUP_PREFIX } from "../backends/linux/cgroup_net.ts";
import { assert } from "./_probes.ts";

/** `bpftool -j ARGS…` parsed; an empty answer is `[]`. */
export async function bpftoolJson(...args: string[]): Promise<unknown> {
  const out = await new Deno.Command("bpftool", { args: ["-j", ...args], stdout: "piped" })
    .output();
  assert(out.success, `bpftool ${args.join(" ")} failed`);
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "" ? [] : JSON.parse(text);
}

/** Waits (bounded) until none of `ids` is a loaded program or the program of a link. */
export async function assertBpfReleased(ids: readonly number[]): Promise<void> {
  // Programs are freed after an RCU grace period: poll the kernel's state, bounded.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const progs = (await bpftoolJson("prog", "show") as { id: number }[]).map((p) => p.id);
    const links = (await bpftoolJson("link", "show") as { prog_id: number }[]).map((l) =>
      l.prog_id
    );
    const left = ids.filter((id) => progs.includes(id) || links.includes(id));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`BPF programs ${left} still loaded or linked`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run directories (cgroups or pin directories) below `root` of runs owned by `ownerPid`. */
export function runDirs(root: string, ownerPid: number): string[] {
  return [...Deno.readDirSync(root)].map((e) => e.name)
    .filter((n) => n.startsWith(`${RUN_CGROUP_PREFIX}${ownerPid}-`)).map((n) => `${root}/${n}`);
}
