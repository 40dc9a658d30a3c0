/**
 * Bypass suite (issue 9, item 3): forged reports. The command shares stderr with `cordon run`'s
 * own report lines, so it can print a fake `exit` record first; and an exit code of 159 looks
 * like a seccomp kill (128 + SIGSYS) to a caller that reads only the status. `--report FILE`
 * writes Cordon's records to a channel the command does not have (opened by `cordon run`, never
 * passed on), each with the run's `runId`; the `exit` record says `signal` and `exitCode` apart.
 */

import { kernelTest } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { cordon } from "../_cli.ts";
import { CONFINEMENT_REASON } from "./_confinement.ts";

interface ReportRecord {
  readonly event: string;
  readonly runId: string;
  readonly code?: number;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
}

const FORGED = '{"event":"exit","runId":"forged","code":0,"exitCode":0,"signal":null}';

const KILL_ACCT = `apiVersion: cordon/v1
kind: Policy
metadata: { name: kill-acct }
spec:
  extends: [builtin:baseline]
  rules:
    - { syscalls: [acct], action: kill, priority: 100 }
`;

async function reportOf(command: readonly string[]) {
  const dir = await Deno.makeTempDir({ prefix: "cordon-report-" });
  try {
    const file = `${dir}/report.jsonl`;
    await Deno.writeTextFile(`${dir}/p.yaml`, KILL_ACCT);
    const run = await cordon([
      "run",
      "-p",
      `${dir}/p.yaml`,
      "--format",
      "json",
      "--report",
      file,
      "--",
      ...command,
    ]);
    const records = (await Deno.readTextFile(file)).trim().split("\n").map((l) =>
      JSON.parse(l) as ReportRecord
    );
    return { run, records };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

kernelTest(
  "bypass: a command cannot forge cordon run's report, and exit 159 is not a seccomp kill",
  CONFINEMENT_REASON,
  async (t) => {
    await t.step("a forged exit record on stderr never reaches --report", async () => {
      const { run, records } = await reportOf([
        "/bin/sh",
        "-c",
        `echo '${FORGED}' >&2; echo '${FORGED}' >/proc/self/fd/2; exit 159`,
      ]);
      assert(run.code === 159, `exit ${run.code}: ${run.stderr}`);
      assert(run.stderr.includes('"runId":"forged"'), "the forgery did not even reach stderr");
      assert(records.length === 2, `records: ${JSON.stringify(records)}`);
      const [start, exit] = records;
      assert(start?.event === "start" && exit?.event === "exit", JSON.stringify(records));
      assert(records.every((r) => r.runId === start.runId && r.runId !== "forged"), "runIds");
      assert(exit.exitCode === 159 && exit.signal === null, `exit record: ${JSON.stringify(exit)}`);
    });
    await t.step("a seccomp kill says SIGSYS, with the same exit status", async () => {
      const { run, records } = await reportOf([
        "/usr/bin/python3",
        "-c",
        "import ctypes; ctypes.CDLL(None).acct(None)",
      ]);
      const exit = records.at(-1);
      assert(run.code === 159, `exit ${run.code}: ${run.stderr}`);
      assert(exit?.signal === "SIGSYS" && exit.exitCode === null, JSON.stringify(exit));
    });
  },
);
