/**
 * Stand-in tracers for the runner and backend tests: shell scripts that answer `-V`/`--version`
 * like dtrace or bpftrace, then replay recorded output, crash, stall or fail as a real tracer
 * would (including the messages dtrace prints under macOS System Integrity Protection).
 *
 * @module
 */

/** What a stand-in does after its version answer. */
export interface StandInBehaviour {
  /** Lines written to stdout at start (each ends with a newline unless `partialLast`). */
  readonly stdout?: readonly string[];
  /** Lines written to stderr at start. */
  readonly stderr?: readonly string[];
  /** Split every stdout line in two writes, 50 ms apart (partial lines across reads). */
  readonly splitLines?: boolean;
  /** The last stdout line has no newline. */
  readonly partialLast?: boolean;
  /** After writing: `exit N`, `signal SIG` (kill itself), `wait` (until SIGINT, then `onInt`). */
  readonly then: { exit: number } | { signal: string } | { wait: true };
  /** Lines written on SIGINT before exiting 0 (with `wait`). */
  readonly onInt?: readonly string[];
}

function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes a stand-in executable for `kind` into `dir` and returns its path.
 *
 * @example
 * ```ts ignore
 * const path = await writeStandIn(dir, "dtrace", { stdout: ["cordon2 ready 1"], then: { wait: true } });
 * ```
 */
export async function writeStandIn(
  dir: string,
  kind: "dtrace" | "bpftrace",
  behaviour: StandInBehaviour,
): Promise<string> {
  const lines = ["#!/bin/sh"];
  lines.push(
    kind === "dtrace"
      ? `if [ "$1" = "-V" ]; then echo "dtrace: Sun D 1.13"; exit 0; fi`
      : `if [ "$1" = "--version" ]; then echo "bpftrace v0.17.0"; exit 0; fi`,
  );
  if ("wait" in behaviour.then) {
    const onInt = (behaviour.onInt ?? []).map((l) => `printf '%s\\n' ${sh(l)}`).join("; ");
    lines.push(`trap '${onInt.replace(/'/g, `'\\''`)}${onInt ? "; " : ""}exit 0' INT`);
  }
  for (const l of behaviour.stderr ?? []) lines.push(`printf '%s\\n' ${sh(l)} >&2`);
  const out = behaviour.stdout ?? [];
  out.forEach((l, i) => {
    const newline = behaviour.partialLast && i === out.length - 1 ? "" : "\\n";
    if (behaviour.splitLines && l.length > 1) {
      const half = Math.floor(l.length / 2);
      lines.push(`printf '%s' ${sh(l.slice(0, half))}`, "sleep 0.05");
      lines.push(`printf '%s${newline}' ${sh(l.slice(half))}`);
    } else {
      lines.push(`printf '%s${newline}' ${sh(l)}`);
    }
  });
  const then = behaviour.then;
  if ("exit" in then) lines.push(`exit ${then.exit}`);
  else if ("signal" in then) lines.push(`kill -${then.signal} $$`, "sleep 5");
  else lines.push("while :; do sleep 0.05; done");
  const path = `${dir}/${kind}`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  await Deno.chmod(path, 0o755);
  return path;
}
