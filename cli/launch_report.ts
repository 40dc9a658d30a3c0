/**
 * What `cordon run` and `cordon record` share when they launch a command through
 * `runConfined`: their report lines on stderr (text or JSON), the report of the policy sections
 * a run does not enforce, and the exit status of a launch that failed.
 *
 * @module
 */

import { EXIT } from "./command.ts";
import { type Degradation, FilterPlanError } from "../backends/linux/run.ts";
import { LaunchError } from "../backends/linux/launcher.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";

/** Writes one report line on stderr: `text` for people, `event` and `fields` too in JSON. */
export type Report = (event: string, text: string, fields?: Record<string, unknown>) => void;

/**
 * The report of command `name`: in `text`, `cordon NAME: TEXT` lines; in `json`, one object per
 * line with `event`, `message` and the fields.
 *
 * @param name the command, e.g. `"run"`
 * @param format how the lines are written
 * @returns the report function
 *
 * @example
 * ```ts
 * import { launchReporter } from "./launch_report.ts";
 * const report = launchReporter("run", "json");
 * if (typeof report !== "function") throw new Error();
 * ```
 */
export function launchReporter(name: string, format: "text" | "json"): Report {
  return (event: string, text: string, fields: Record<string, unknown> = {}) => {
    if (format === "json") console.error(JSON.stringify({ event, message: text, ...fields }));
    else console.error(`cordon ${name}: ${text}`);
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
      const where = `${d.loc.file}:${d.loc.line}:${d.loc.column}`;
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
 * installed. Any other error is rethrown.
 *
 * @param error what `runConfined` threw
 * @param verb what was refused, e.g. `"run"`
 * @param command the command's name (its first word)
 * @param report where the line goes
 * @returns the exit status
 *
 * @example
 * ```ts
 * import { launchFailureStatus } from "./launch_report.ts";
 * import { NotSupportedError } from "../backends/linux/errors.ts";
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
): number {
  if (error instanceof LaunchError) {
    report("error", error.message, { code: error.code, stage: error.stage });
    return error.code === "COMMAND_NOT_FOUND" || error.code === "COMMAND_NOT_EXECUTABLE"
      ? error.exitCode
      : EXIT.failed;
  }
  if (error instanceof NotSupportedError) {
    report("error", `refusing to ${verb} ${command}: ${error.message}`, {
      code: error.code,
      feature: error.feature,
    });
    return EXIT.failed;
  }
  if (error instanceof FilterPlanError) {
    report("error", error.message, { code: error.code, policy: error.policy });
    return EXIT.failed;
  }
  throw error;
}
