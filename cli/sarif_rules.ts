/**
 * The SARIF rule catalogue of `check`, `dry-run` and `diff` (the CLI's and the GitHub Action's):
 * every code a finding can carry, with its severity and meaning, and the step that gives each
 * SARIF rule the `help` text (and, when the documentation's address is known, the `helpUri` and
 * the tool's `informationUri`) GitHub code scanning asks for.
 *
 * @module
 */

import { LINT_CODES } from "../compile/lint.ts";
import type { PolicyErrorCode } from "../policies/errors.ts";
import type { SarifLog, SarifResult, SarifRule, SarifRuleInfo } from "./format_sarif.ts";

/** Policy errors (parse, schema, resolution): what `check` reports as error findings. */
export const POLICY_ERROR_RULES: Readonly<Record<PolicyErrorCode, SarifRuleInfo>> = {
  "yaml-syntax": {
    severity: "error",
    description:
      "The text is not valid YAML, or uses YAML features policies forbid (tags, unknown aliases, complex keys).",
  },
  "too-large": { severity: "error", description: "The policy file is larger than the limit." },
  "too-deep": { severity: "error", description: "The policy nests deeper than the limit." },
  "too-many-documents": {
    severity: "error",
    description: "The file has more YAML documents than the limit.",
  },
  "too-many-aliases": {
    severity: "error",
    description: "The file expands more YAML aliases than the limit (an alias bomb).",
  },
  "too-many-errors": {
    severity: "error",
    description: "The file has more problems than are reported; the first ones are shown.",
  },
  "no-policy": { severity: "error", description: "The file has no policy document." },
  "unknown-key": {
    severity: "error",
    description: "A key the policy schema does not define (often a misspelling).",
  },
  "missing-key": { severity: "error", description: "A key the policy schema requires is missing." },
  "wrong-type": {
    severity: "error",
    description:
      "A value of the wrong type (a list where a map is expected, a string for a number).",
  },
  "bad-value": { severity: "error", description: "A value the schema does not accept." },
  "unknown-syscall": {
    severity: "error",
    description: "A syscall name that exists on no architecture.",
  },
  "unknown-capability": {
    severity: "error",
    description: "A capability group name that does not exist.",
  },
  "unknown-constant": {
    severity: "error",
    description: "A symbolic constant (flag, socket family, ioctl request) that does not exist.",
  },
  "unknown-errno": { severity: "error", description: "An errno name that does not exist." },
  "bad-arg": {
    severity: "error",
    description:
      "An argument condition that cannot hold as written (argument index, operator, mask or 64-bit range).",
  },
  "bad-endpoint": { severity: "error", description: "A network endpoint that cannot be parsed." },
  "bad-path": { severity: "error", description: "A filesystem path that cannot be used." },
  "duplicate-name": {
    severity: "error",
    description: "Two policies of the set have the same name.",
  },
  "duplicate-id": { severity: "error", description: "Two rules of a policy have the same id." },
  "extends-unknown": {
    severity: "error",
    description: "`spec.extends` names a policy that is neither in the set nor a builtin profile.",
  },
  "extends-cycle": {
    severity: "error",
    description: "Policies extend each other in a cycle.",
  },
  "unreadable-file": {
    severity: "error",
    description: "A policy file could not be read (missing, not a file, or not UTF-8 text).",
  },
};

/** What `dry-run` reports: calls of the trace the policies would stop, and trace problems. */
export const DRY_RUN_RULES: Readonly<Record<string, SarifRuleInfo>> = {
  "would-deny": { severity: "error", description: "A traced call would be denied by the policy." },
  "would-kill": { severity: "error", description: "A traced call would kill its process." },
  "would-kill-thread": { severity: "error", description: "A traced call would kill its thread." },
  "would-trap": { severity: "error", description: "A traced call would raise SIGSYS." },
  "undecided-call": {
    severity: "warning",
    description: "A traced call's decision depends on an argument the trace does not show.",
  },
  "malformed-trace-line": { severity: "warning", description: "A trace line could not be parsed." },
};

/** What `diff` reports: privileges the new policies grant that the base ones do not, and back. */
export const DIFF_RULES: Readonly<Record<string, SarifRuleInfo>> = {
  "privilege-added": {
    severity: "error",
    description: "The new policies allow something the base policies do not (privileges grew).",
  },
  "privilege-removed": {
    severity: "info",
    description: "The base policies allow something the new policies do not (privileges shrank).",
  },
};

/** What `check` reports: the linter's findings and policy errors. */
export const CHECK_RULES: Readonly<Record<string, SarifRuleInfo>> = {
  ...LINT_CODES,
  ...POLICY_ERROR_RULES,
};

/** Every code, for the commands' SARIF rule catalogues. */
export const ACTION_RULES: Readonly<Record<string, SarifRuleInfo>> = {
  ...LINT_CODES,
  ...POLICY_ERROR_RULES,
  ...DRY_RUN_RULES,
  ...DIFF_RULES,
};

/** Where rules are documented. */
export interface RuleDocs {
  /** The tool's home page (`tool.driver.informationUri`). */
  readonly informationUri: string;
  /** The page documenting every rule; a rule's `helpUri` is this page with `#CODE`. */
  readonly rulesUri: string;
}

/**
 * The SARIF log with `help` (text and Markdown) on every rule and, when `docs` says where the
 * rules are documented, `helpUri` on every rule and `informationUri` on the tool.
 *
 * @param log A log from `toSarif`.
 * @param docs Where the tool and its rules are documented (omit when unknown: `help` only).
 * @returns A new log; results are unchanged (rule indexes stay valid).
 *
 * @example
 * ```ts
 * import { toSarif } from "@cordon/cordon/cli";
 * import { ACTION_RULES, withRuleHelp } from "./sarif_rules.ts";
 * const log = withRuleHelp(toSarif([], { toolName: "cordon", toolVersion: "0", rules: ACTION_RULES }), {
 *   informationUri: "https://example.org/cordon",
 *   rulesUri: "https://example.org/cordon/docs/action.md",
 * });
 * const rule = log.runs[0]!.tool.driver.rules.find((r) => r.id === "shadowed-rule")!;
 * if (rule.helpUri !== "https://example.org/cordon/docs/action.md#shadowed-rule") throw new Error();
 * const bare = withRuleHelp(toSarif([], { toolName: "cordon", toolVersion: "0", rules: ACTION_RULES }));
 * if (!bare.runs[0]!.tool.driver.rules.every((r) => r.help.text && r.helpUri === undefined)) {
 *   throw new Error();
 * }
 * ```
 */
export function withRuleHelp(log: SarifLog, docs?: RuleDocs): SarifLogWithHelp {
  return {
    ...log,
    runs: log.runs.map((run) => ({
      ...run,
      tool: {
        ...run.tool,
        driver: {
          ...run.tool.driver,
          ...(docs === undefined ? {} : { informationUri: docs.informationUri }),
          rules: run.tool.driver.rules.map((rule): SarifRuleWithHelp => {
            const text = rule.fullDescription.text;
            if (docs === undefined) return { ...rule, help: { text, markdown: text } };
            const helpUri = `${docs.rulesUri}#${rule.id}`;
            return {
              ...rule,
              helpUri,
              help: {
                text: `${text} See ${helpUri}.`,
                markdown: `${text}\n\nSee [\`${rule.id}\`](${helpUri}).`,
              },
            };
          }),
        },
      },
    })),
  };
}

/**
 * Where `--docs-url URL` says the rules are documented: `URL` is the tool's home and
 * `URL/docs/action.md` documents every rule (as the repository lays it out).
 *
 * @example
 * ```ts
 * import { docsAt } from "./sarif_rules.ts";
 * if (docsAt("https://example.org/cordon/")?.rulesUri !== "https://example.org/cordon/docs/action.md") {
 *   throw new Error();
 * }
 * if (docsAt(undefined) !== undefined) throw new Error();
 * ```
 */
export function docsAt(url: string | undefined): RuleDocs | undefined {
  if (url === undefined) return undefined;
  const home = url.replace(/\/+$/, "");
  return { informationUri: home, rulesUri: `${home}/docs/action.md` };
}

/** A SARIF rule with the help GitHub code scanning shows. */
export interface SarifRuleWithHelp extends SarifRule {
  /** The rule's entry in the rules page (when the documentation's address is known). */
  readonly helpUri?: string;
  /** What the rule means, as text and as Markdown, with the link. */
  readonly help: { readonly text: string; readonly markdown: string };
}

/** A SARIF log whose rules carry `help` (and `helpUri`, with the tool's `informationUri`, when known). */
export interface SarifLogWithHelp {
  /** The SARIF 2.1.0 schema URI. */
  readonly $schema: string;
  /** Always `"2.1.0"`. */
  readonly version: "2.1.0";
  /** One run. */
  readonly runs: readonly {
    readonly tool: {
      readonly driver: {
        readonly name: string;
        readonly version: string;
        readonly informationUri?: string;
        readonly rules: readonly SarifRuleWithHelp[];
      };
    };
    readonly columnKind: "utf16CodeUnits";
    readonly results: readonly SarifResult[];
  }[];
}
