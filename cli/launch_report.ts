/**
 * What `cordon run` and `cordon record` share when they launch a command through
 * `runConfined`: their report lines on stderr (text or JSON), the report of the policy sections
 * a run does not enforce, and the exit status of a launch that failed.
 *
 * @module
 */

import { EXIT, UsageError } from "./command.ts";
import { type Degradation, FilterPlanError } from "../backends/linux/run.ts";
import { LaunchError } from "../backends/linux/launcher.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import { formatLocation } from "../policies/types.ts";

/** Options of one report line. */
export interface ReportLineOptions {
  /** `false`: a record for machines only, not printed in `text` format (still in JSON and `--report`). */
  readonly text?: boolean;
}

/** Writes one report line on stderr: `text` for people, `event` and `fields` too in JSON. */
export type Report = (
  event: string,
  text: string,
  fields?: Record<string, unknown>,
  options?: ReportLineOptions,
) => void;

/** Where a report goes besides stderr. */
export interface ReporterOptions {
  /**
   * Put in every JSON record as `runId`: a random per-run identifier that the command never
   * learns, so that a consumer reading a stream the command shares (stderr) can tell Cordon's
   * records (whose `runId` is the first record's) from lines the command printed.
   */
  readonly runId?: string;
  /** Receives every record as one JSON line (`--report FILE`), whatever the format. */
  readonly sink?: (line: string) => void;
}

/** Cordon's exit status for its own failures in `cordon run` (as `docker run` does). */
export const EXIT_RUN_FAILED = 125;

/**
 * A random run identifier: 128 bits from the system's CSPRNG, as 32 hex digits.
 *
 * @example
 * ```ts
 * import { newRunId } from "./launch_report.ts";
 * if (!/^[0-9a-f]{32}$/.test(newRunId()) || newRunId() === newRunId()) throw new Error();
 * ```
 */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The report of command `name`: in `text`, `cordon NAME: TEXT` lines; in `json`, one object per
 * line with `event`, `runId` (when given), `message` and the fields. Every record also goes, as
 * JSON, to `options.sink`.
 *
 * @param name the command, e.g. `"run"`
 * @param format how the lines are written
 * @param options a run identifier and a second destination
 * @returns the report function
 *
 * @example
 * ```ts
 * import { launchReporter } from "./launch_report.ts";
 * const lines: string[] = [];
 * const report = launchReporter("run", "text", { runId: "r1", sink: (l) => lines.push(l) });
 * report("start", "starting", {}, { text: false });
 * if (JSON.parse(lines[0]!).runId !== "r1") throw new Error();
 * ```
 */
export function launchReporter(
  name: string,
  format: "text" | "json",
  options: ReporterOptions = {},
): Report {
  const id = options.runId === undefined ? {} : { runId: options.runId };
  return (event, text, fields = {}, line = {}) => {
    const json = options.sink || format === "json"
      ? JSON.stringify({ event, ...id, message: text, ...fields })
      : "";
    options.sink?.(json);
    if (format === "json") console.error(json);
    else if (line.text !== false) console.error(`cordon ${name}: ${text}`);
  };
}

/**
 * The `onDegraded` hook of `runConfined`: reports each policy section that the run does not
 * enforce, with its location, as a `degraded` line.
 *
 * @param report where the lines go
 * @returns the hook
 *
 * @example
 * ```ts
 * import { reportDegradations } from "./launch_report.ts";
 * const lines: string[] = [];
 * reportDegradations((_event, text) => lines.push(text))([{
 *   policy: "p",
 *   section: "network",
 *   mechanism: "cgroup BPF network rules",
 *   blocking: true,
 *   loc: { file: "p.yaml", line: 3, column: 1 },
 * }]);
 * if (!lines[0]?.startsWith("p.yaml:3:1: the network rules")) throw new Error();
 * ```
 */
export function reportDegradations(
  report: Report,
): (unenforced: readonly Degradation[]) => void {
  return (unenforced) => {
    for (const d of unenforced) {
      const where = `${formatLocation(d.loc)}`;
      report(
        "degraded",
        `${where}: the ${d.section} rules of policy "${d.policy}" are NOT enforced ` +
          `(${d.mechanism} is not applied by this run)`,
        { policy: d.policy, section: d.section, mechanism: d.mechanism },
      );
    }
  };
}

/**
 * Reports what `runConfined` threw and returns the exit status: the launcher's status for a
 * command that is not found or not executable, {@linkcode EXIT.failed} for other launch
 * failures, refusals (`refusing to VERB COMMAND: …`) and filter plans that cannot be
 * installed (`cordon run` passes {@linkcode EXIT_RUN_FAILED}). Any other error is rethrown.
 *
 * @param error what `runConfined` threw
 * @param verb what was refused, e.g. `"run"`
 * @param command the command's name (its first word)
 * @param report where the line goes
 * @param failed the status of a refusal or launch failure
 * @returns the exit status
 *
 * @example
 * ```ts
 * import { launchFailureStatus } from "./launch_report.ts";
 * import { NotSupportedError } from "@cordon/cordon";
 * const lines: string[] = [];
 * const error = new NotSupportedError("seccomp", "not Linux");
 * const status = launchFailureStatus(error, "run", "ls", (_event, text) => lines.push(text));
 * if (status !== 1 || !lines[0]?.startsWith("refusing to run ls: seccomp")) throw new Error();
 * ```
 */
export function launchFailureStatus(
  error: unknown,
  verb: string,
  command: string,
  report: Report,
  failed: number = EXIT.failed,
): number {
  if (error instanceof LaunchError) {
    report("error", error.message, { code: error.code, stage: error.stage });
    return error.code === "COMMAND_NOT_FOUND" || error.code === "COMMAND_NOT_EXECUTABLE"
      ? error.exitCode
      : failed;
  }
  if (error instanceof NotSupportedError) {
    report("error", `refusing to ${verb} ${command}: ${error.message}`, {
      code: error.code,
      feature: error.feature,
    });
    return failed;
  }
  if (error instanceof FilterPlanError) {
    report("error", error.message, { code: error.code, policy: error.policy });
    return failed;
  }
  throw error;
}

/**
 * Runs a launching command's body (`cordon run`, `cordon deno`) so that every failure of Cordon
 * itself exits {@linkcode EXIT_RUN_FAILED}, never to be mistaken for the command's own status: a
 * usage error with the help pointer, anything else as an `error` report line (or plain text when
 * no reporter exists yet). `CORDON_DEBUG=1` prints the error's stack too.
 *
 * @param name the command's name
 * @param body the command, which hands over its reporter as soon as it has one
 * @returns the command's exit status
 *
 * @example
 * ```ts ignore
 * import { runLaunching } from "./launch_report.ts";
 * const code = await runLaunching("run", (setReport) => runCli(argv, setReport));
 * ```
 */
export async function runLaunching(
  name: string,
  body: (setReport: (report: Report) => void) => Promise<number>,
): Promise<number> {
  let report: Report | undefined;
  try {
    return await body((r) => report = r);
  } catch (error) {
    if (Deno.env.get("CORDON_DEBUG") === "1") console.error(error);
    if (error instanceof UsageError) {
      console.error(`cordon ${name}: ${error.message}\nSee \`cordon ${name} --help\`.`);
      report?.("error", error.message, { code: error.code }, { text: false });
      return EXIT_RUN_FAILED;
    }
    const text = error instanceof Error ? error.message : String(error);
    if (report) report("error", text, { code: (error as { code?: unknown }).code ?? "FAILED" });
    else console.error(`cordon ${name}: ${text}`);
    return EXIT_RUN_FAILED;
  }
}
