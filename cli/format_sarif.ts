/**
 * SARIF 2.1.0 output for findings, the format code-scanning services (GitHub code scanning, Azure
 * DevOps, SonarQube, VS Code's SARIF viewer) load. Used by `cordon check --format sarif` and
 * reusable by any command that produces {@linkcode Finding}s.
 *
 * @module
 */

import type { Finding, Severity } from "../compile/lint.ts";

/**
 * The SARIF 2.1.0 JSON schema URI, written as the log's `$schema`.
 *
 * @example
 * ```ts
 * import { SARIF_SCHEMA } from "@cordon/cordon/cli";
 * if (!SARIF_SCHEMA.endsWith("sarif-schema-2.1.0.json")) throw new Error();
 * ```
 */
export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** What a rule (finding code) means, for the tool's rule catalogue. */
export interface SarifRuleInfo {
  /** The severity findings with this code have; SARIF's `defaultConfiguration.level`. */
  readonly severity: Severity;
  /** What the code means; SARIF's `shortDescription` and `fullDescription`. */
  readonly description: string;
}

/** Options of {@linkcode toSarif}. */
export interface SarifOptions {
  /** The tool's name (`tool.driver.name`). */
  readonly toolName: string;
  /** The tool's version (`tool.driver.version`). */
  readonly toolVersion: string;
  /** Where the tool is documented (`tool.driver.informationUri`). */
  readonly informationUri?: string;
  /** Descriptions of known codes; codes not listed get a generic description. */
  readonly rules?: Readonly<Record<string, SarifRuleInfo>>;
}

/** SARIF's `level` for each severity. */
const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/**
 * The artifact URI of a file name: relative paths stay relative (resolved against the checkout by
 * code-scanning tools), with `/` separators and percent-encoding; names that already are URIs
 * (`builtin:baseline`) are kept.
 */
function artifactUri(file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return file;
  const path = file.replaceAll("\\", "/").replace(/^\.\//, "");
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

/**
 * Converts findings into a SARIF 2.1.0 log with one run: the tool with a rule for every code that
 * occurs (and every code in `options.rules`), and one result per finding.
 *
 * @param findings The findings.
 * @param options The tool's identity and rule descriptions.
 * @returns The SARIF log as a plain object (serialise with `JSON.stringify`).
 *
 * @example
 * ```ts
 * import { toSarif } from "@cordon/cordon/cli";
 * const log = toSarif([{
 *   severity: "warning", code: "shadowed-rule", message: "Rule \"r\" never decides",
 *   loc: { file: "p.yaml", line: 3, column: 7 },
 * }], { toolName: "cordon", toolVersion: "0.1.0" });
 * const result = log.runs[0]!.results[0]!;
 * if (log.version !== "2.1.0" || result.level !== "warning") throw new Error();
 * if (result.locations[0]!.physicalLocation.region.startLine !== 3) throw new Error();
 * ```
 */
export function toSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const known = options.rules ?? {};
  const codes = [...new Set([...Object.keys(known), ...findings.map((f) => f.code)])].sort();
  const rules: SarifRule[] = codes.map((code) => {
    const info = Object.hasOwn(known, code) ? known[code] : undefined;
    const severity = info?.severity ??
      findings.find((f) => f.code === code)?.severity ?? "error";
    const text = info?.description ?? `Policy problem "${code}"`;
    return {
      id: code,
      name: code.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
      shortDescription: { text },
      fullDescription: { text },
      defaultConfiguration: { level: LEVEL[severity] },
    };
  });
  const index = new Map(codes.map((code, i) => [code, i]));
  const results: SarifResult[] = findings.map((finding) => ({
    ruleId: finding.code,
    ruleIndex: index.get(finding.code) ?? 0,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: artifactUri(finding.loc.file) },
        region: {
          startLine: Math.max(1, finding.loc.line),
          startColumn: Math.max(1, finding.loc.column),
        },
      },
    }],
    ...(finding.policy !== undefined || finding.rule !== undefined
      ? {
        properties: {
          ...(finding.policy !== undefined ? { policy: finding.policy } : {}),
          ...(finding.rule !== undefined ? { rule: finding.rule } : {}),
        },
      }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: options.toolName,
          version: options.toolVersion,
          ...(options.informationUri !== undefined
            ? { informationUri: options.informationUri }
            : {}),
          rules,
        },
      },
      columnKind: "utf16CodeUnits",
      results,
    }],
  };
}

/** A SARIF `reportingDescriptor` (one rule of the tool). */
export interface SarifRule {
  /** The finding code. */
  readonly id: string;
  /** The code in PascalCase, as SARIF viewers show rule names. */
  readonly name: string;
  /** One-line description. */
  readonly shortDescription: { readonly text: string };
  /** Full description. */
  readonly fullDescription: { readonly text: string };
  /** The level of the code's findings. */
  readonly defaultConfiguration: { readonly level: "error" | "warning" | "note" };
}

/** A SARIF `result`. */
export interface SarifResult {
  /** The finding code. */
  readonly ruleId: string;
  /** The index of the rule in `tool.driver.rules`. */
  readonly ruleIndex: number;
  /** `error`, `warning` or `note` (for info findings). */
  readonly level: "error" | "warning" | "note";
  /** The finding's message. */
  readonly message: { readonly text: string };
  /** Where: the policy file (relative URI as given) and the 1-based line and column. */
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { readonly startLine: number; readonly startColumn: number };
    };
  }[];
  /** The policy and rule the finding concerns, when known. */
  readonly properties?: { readonly policy?: string; readonly rule?: string };
}

/** A SARIF 2.1.0 log as {@linkcode toSarif} produces it. */
export interface SarifLog {
  /** {@linkcode SARIF_SCHEMA}. */
  readonly $schema: string;
  /** Always `"2.1.0"`. */
  readonly version: "2.1.0";
  /** One run: the tool with its rule catalogue, and the results. */
  readonly runs: readonly {
    readonly tool: {
      readonly driver: {
        readonly name: string;
        readonly version: string;
        readonly informationUri?: string;
        readonly rules: readonly SarifRule[];
      };
    };
    readonly columnKind: "utf16CodeUnits";
    readonly results: readonly SarifResult[];
  }[];
}
