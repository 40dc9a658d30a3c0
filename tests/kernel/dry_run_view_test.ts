/**
 * The dry run's `root` view against the real thing: a Python program's writes, creations,
 * removals, metadata changes and renames are traced unconfined with `strace -f -y`, the trace is
 * dry-run through a policy, and the same program then runs under `cordon run` (as root, with the
 * read-only view): every attempt's predicted result (`ok`, or the finding's errno) must be the
 * result the kernel gave.
 */

import { errnoName } from "../../policies/constants.ts";
import { dryRun } from "../../engine/dry_run.ts";
import { kernelTest, needCommands, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import {
  ATTEMPT,
  attempts,
  CONFINEMENT_REASON,
  permissive,
  policySet,
} from "../bypass/_confinement.ts";

/** Each attempt on a path of its own, so that a finding's path names its attempt. */
const SCRIPT = `
d = sys.argv[1]
def write(p, text="x"):
    with open(p, "w") as f:
        f.write(text)
attempt("write_outside", lambda: write(d + "/w"))
attempt("create_excl_outside", lambda: os.close(os.open(d + "/x", os.O_CREAT | os.O_EXCL | os.O_WRONLY)))
attempt("mkdir_outside", lambda: os.mkdir(d + "/m"))
attempt("unlink_outside", lambda: os.unlink(d + "/u"))
attempt("chmod_outside", lambda: os.chmod(d + "/c", 0o600))
attempt("utime_outside", lambda: os.utime(d + "/t", (1, 1)))
attempt("write_inside", lambda: write(d + "/out/i"))
attempt("chmod_inside", lambda: os.chmod(d + "/out/ci", 0o600))
attempt("rename_inside", lambda: os.rename(d + "/out/q", d + "/out/q2"))
attempt("rename_out_of_write_path", lambda: os.rename(d + "/out/r", d + "/r2"))
attempt("write_dev_null", lambda: write("/dev/null"))
attempt("reopen_stdout", lambda: write("/proc/self/fd/1", ""))
attempt("write_proc", lambda: write("/proc/self/oom_score_adj", "0"))
attempt("create_dev_shm", lambda: write(sys.argv[2]))
`;

/** A file made in `/dev/shm` (a tmpfs: read-only in the view like any other mount). */
const SHM = `/dev/shm/cordon-dry-view-${Deno.pid}`;

/** The path each attempt's first path argument is, relative to the directory. */
const PATHS: Readonly<Record<string, string>> = {
  write_outside: "w",
  create_excl_outside: "x",
  mkdir_outside: "m",
  unlink_outside: "u",
  chmod_outside: "c",
  utime_outside: "t",
  write_inside: "out/i",
  chmod_inside: "out/ci",
  rename_inside: "out/q",
  rename_out_of_write_path: "out/r",
  write_dev_null: "/dev/null",
  reopen_stdout: "/proc/self/fd/1",
  write_proc: "/proc/self/oom_score_adj",
  create_dev_shm: SHM,
};

async function prepare(dir: string): Promise<void> {
  for (const entry of [...Deno.readDirSync(dir)]) {
    await Deno.remove(`${dir}/${entry.name}`, { recursive: true });
  }
  await Deno.mkdir(`${dir}/out`);
  for (const name of ["w", "u", "c", "t", "out/ci", "out/q", "out/r"]) {
    await Deno.writeTextFile(`${dir}/${name}`, "data");
  }
}

function results(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.trim().split("\n")) {
    const [name, value] = line.split(" ");
    if (name && value) out.set(name, value);
  }
  return out;
}

kernelTest(
  "dry run's root view predicts what cordon run started as root does to writes, metadata and renames",
  unavailable(CONFINEMENT_REASON, needCommands("strace")),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-dry-view-" });
    const work = `${dir}/work`;
    await Deno.mkdir(work);
    try {
      const set = await policySet(
        dir,
        permissive("dry-view", [], `{ write: [${JSON.stringify(`${work}/out`)}] }`),
      );
      // 1. Unconfined, traced: every attempt succeeds.
      await prepare(work);
      const trace = `${dir}/app.strace`;
      const traced = await new Deno.Command("strace", {
        args: ["-f", "-y", "-o", trace, PYTHON, "-c", ATTEMPT + SCRIPT, work, SHM],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const unconfined = results(new TextDecoder().decode(traced.stdout));
      assert(traced.code === 0, new TextDecoder().decode(traced.stderr));
      for (const name of Object.keys(PATHS)) {
        assert(unconfined.get(name) === "ok", `unconfined ${name}: ${unconfined.get(name)}`);
      }
      // 2. The prediction, from the trace alone.
      const report = await dryRun(set, trace, { view: "root" });
      const predicted = new Map<string, string>();
      for (const [name, relative] of Object.entries(PATHS)) {
        const path = relative.startsWith("/") ? relative : `${work}/${relative}`;
        const finding = report.findings.find((f) => f.path === path);
        predicted.set(
          name,
          finding === undefined ? "ok" : errnoName(finding.errno!) ?? String(finding.errno),
        );
      }
      // 3. The real run.
      await prepare(work);
      await Deno.remove(SHM);
      const run = await attempts(set, SCRIPT, [work, SHM]);
      const mismatches = Object.keys(PATHS).filter((n) => predicted.get(n) !== run.results.get(n))
        .map((n) => `${n}: predicted ${predicted.get(n)}, got ${run.results.get(n)}`);
      assert(mismatches.length === 0, `${mismatches.join("\n")}\n${run.stdout}${run.stderr}`);
      // The prediction is not vacuous: the outside writes fail, the inside ones do not.
      assert(predicted.get("write_outside") === "EROFS", "write outside: EROFS");
      assert(predicted.get("chmod_outside") === "EROFS", "chmod outside: EROFS");
      assert(predicted.get("rename_out_of_write_path") === "EXDEV", "rename across: EXDEV");
      assert(predicted.get("write_inside") === "ok", "write inside: ok");
      assert(predicted.get("write_proc") === "EROFS", "/proc outside the write paths: EROFS");
      // Another user's run (no view) would predict Landlock's EACCES for the same write.
      const user = await dryRun(set, trace, { view: "user" });
      const write = user.findings.find((f) => f.path === `${work}/w`);
      assert(write?.mechanism === "landlock" && write.errno === 13, JSON.stringify(write));
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(SHM).catch(() => {});
    }
  },
);
