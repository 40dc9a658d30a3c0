/**
 * A verdict of the evaluator in words, as `cordon eval`, `cordon demo` and the playground print
 * it: what happens to the call ({@linkcode describeAction}) and who decided
 * ({@linkcode describeSource}).
 *
 * @module
 */

import { errnoName } from "../policies/constants.ts";
import { formatLocation } from "../policies/types.ts";
import type { Verdict } from "./evaluate.ts";
import { intendedAction, isAudited } from "./filter_set.ts";

/**
 * What a verdict does to the call: `allow`, `deny EACCES (13)`, `kill`, or in audit mode
 * `log (audit: would deny EPERM (1))`.
 *
 * @param v The verdict (or decision).
 * @returns The description.
 *
 * @example
 * ```ts
 * import { describeAction } from "@cordon/cordon";
 * if (describeAction({ action: "deny", errno: 13 }) !== "deny EACCES (13)") throw new Error();
 * const audited = describeAction({ action: "log", audited: "deny", errno: 1 });
 * if (audited !== "log (audit: would deny EPERM (1))") throw new Error(audited);
 * ```
 */
export function describeAction(v: Pick<Verdict, "action" | "errno" | "audited">): string {
  const errno = v.errno === undefined ? "" : ` ${errnoName(v.errno) ?? "errno"} (${v.errno})`;
  if (isAudited(v)) return `${v.action} (audit: would ${intendedAction(v)}${errno})`;
  return `${v.action}${v.action === "deny" ? errno : ""}`;
}

/**
 * Who decided a verdict, in words: `decided by rule "r" of policy "p" at FILE:LINE:COL`, by the
 * default action, by the decision for numbers missing from the tables, or that no policy applies.
 *
 * @param v The verdict.
 * @param known Whether the syscall number is in the architecture's table.
 * @returns The description.
 *
 * @example
 * ```ts
 * import { describeSource, UNCONFINED } from "@cordon/cordon";
 * if (describeSource(UNCONFINED, true) !== "no policy applies to this process") throw new Error();
 * ```
 */
export function describeSource(v: Verdict, known: boolean): string {
  if (v.layer === null) return "no policy applies to this process";
  const where = `of policy "${v.policy}" at ${formatLocation(v.loc)}`;
  if (v.ruleId !== null) return `decided by rule "${v.ruleId}" ${where}`;
  if (known) return `decided by the default action ${where}`;
  return `decided by the decision for numbers missing from the syscall tables ${where}`;
}
