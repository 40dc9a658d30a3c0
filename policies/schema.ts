/**
 * The policy format's one source of truth: every key, its type, allowed values and description.
 * The validator in `parse.ts` walks {@linkcode POLICY_SCHEMA}; {@linkcode policyJsonSchema} turns
 * the same description into JSON Schema (draft 2020-12) for editors, committed as
 * `policies/policy.schema.json` (regenerate with `deno task gen:schema`; a test checks it is
 * fresh). Use it in a policy file with
 * `# yaml-language-server: $schema=<path>/policies/policy.schema.json`.
 *
 * Checks that need more than a type, a pattern or a list (syscall names, errno names, symbolic
 * constants, paths, network endpoints) are named by a {@linkcode StringFormat} and done in
 * `parse.ts`; the JSON Schema then carries the pattern as an approximation for editors.
 *
 * @module
 */

import { CAPABILITY_GROUPS } from "./capability_groups.ts";
import type { PolicyErrorCode } from "./errors.ts";

/** Semantic checks on strings, done by `parse.ts` (which then skips `pattern`). */
export type StringFormat =
  | "syscall"
  | "errno"
  | "arg-value"
  | "absolute-path"
  | "policy-path"
  | "endpoint"
  | "linux-capability"
  | "device"
  | "unix-socket";

/** A string value. */
export interface StringSchema {
  /** The kind of node. */
  readonly type: "string";
  /** What the value means, for people (and editors). */
  readonly description: string;
  /** The only values allowed. */
  readonly enum?: readonly string[];
  /** A regular expression the whole value must match (unless `format` is given). */
  readonly pattern?: string;
  /** The fewest characters. */
  readonly minLength?: number;
  /** The most characters. */
  readonly maxLength?: number;
  /** A semantic check done by `parse.ts`. */
  readonly format?: StringFormat;
  /** The error code of a value outside `enum` or `pattern`; `bad-value` when absent. */
  readonly code?: PolicyErrorCode;
}

/** An integer value (YAML integers, decimal, `0x` hex or `0o` octal). */
export interface IntegerSchema {
  /** The kind of node. */
  readonly type: "integer";
  /** What the value means, for people (and editors). */
  readonly description: string;
  /** The smallest value allowed. */
  readonly minimum: bigint;
  /** The largest value allowed. */
  readonly maximum: bigint;
  /** The error code of a value out of range; `bad-value` when absent. */
  readonly code?: PolicyErrorCode;
  /** Added to the error for a value that is not an integer: what to write instead. */
  readonly hint?: string;
}

/** A mapping with known keys only. */
export interface ObjectSchema {
  /** The kind of node. */
  readonly type: "object";
  /** What the value means, for people (and editors). */
  readonly description: string;
  /** Every key allowed, with its schema. */
  readonly properties: Readonly<Record<string, Schema>>;
  /** Keys that must be written. */
  readonly required?: readonly string[];
}

/** A sequence. */
export interface ArraySchema {
  /** The kind of node. */
  readonly type: "array";
  /** What the value means, for people (and editors). */
  readonly description: string;
  /** The schema of every item. */
  readonly items: Schema;
  /** The fewest items. */
  readonly minItems?: number;
}

/** A scalar that is either a string or an integer (a name or a number). */
export interface NameOrNumberSchema {
  /** The kind of node. */
  readonly type: "name-or-number";
  /** What the value means, for people (and editors). */
  readonly description: string;
  /** The schema when the value is a string. */
  readonly name: StringSchema;
  /** The schema when the value is an integer. */
  readonly number: IntegerSchema;
}

/** Any node of the format's description. */
export type Schema =
  | StringSchema
  | IntegerSchema
  | ObjectSchema
  | ArraySchema
  | NameOrNumberSchema;

/**
 * Every action, in the order documented: the format's five (`allow deny kill log trap`) and the
 * kernel's other seccomp actions (`kill_thread trace notify`).
 *
 * @example
 * ```ts
 * import { ACTION_NAMES } from "@cordon/cordon";
 * if (!ACTION_NAMES.includes("kill_thread")) throw new Error("kill_thread");
 * ```
 */
export const ACTION_NAMES: readonly string[] = [
  "allow",
  "deny",
  "kill",
  "log",
  "trap",
  "kill_thread",
  "trace",
  "notify",
];

/**
 * The policy name pattern (`metadata.name`).
 *
 * @example
 * ```ts
 * import { POLICY_NAME_PATTERN } from "@cordon/cordon";
 * if (!new RegExp(POLICY_NAME_PATTERN).test("web-server")) throw new Error("name");
 * ```
 */
export const POLICY_NAME_PATTERN = "^[a-z0-9][a-z0-9-]*$";

/**
 * The `apiVersion` every policy states.
 *
 * @example
 * ```ts
 * import { API_VERSION } from "@cordon/cordon";
 * if (API_VERSION !== "cordon/v1") throw new Error(API_VERSION);
 * ```
 */
export const API_VERSION = "cordon/v1";

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

const action = (description: string): StringSchema => ({
  type: "string",
  description,
  enum: ACTION_NAMES,
});

const errno = (description: string): NameOrNumberSchema => ({
  type: "name-or-number",
  description,
  name: {
    type: "string",
    description: "An errno name such as EPERM, EACCES or ENOSYS.",
    pattern: "^E[A-Z0-9]+$",
    format: "errno",
    code: "unknown-errno",
  },
  number: {
    type: "integer",
    description: "An errno number (1-4095; 0 would make the call look successful).",
    minimum: 1n,
    maximum: 4095n,
  },
});

const argValue = (description: string): NameOrNumberSchema => ({
  type: "name-or-number",
  description,
  name: {
    type: "string",
    description: "A symbolic constant (AF_PACKET), constants joined by | (O_CREAT|O_EXCL), " +
      'or a number as a string ("0x10", "-1").',
    pattern: "^\\s*[A-Za-z0-9_+-]+\\s*(\\|\\s*[A-Za-z0-9_+-]+\\s*)*$",
    format: "arg-value",
    code: "bad-arg",
  },
  number: {
    type: "integer",
    description: "A 64-bit value; negative numbers are stored two's complement.",
    minimum: I64_MIN,
    maximum: U64_MAX,
    code: "bad-arg",
  },
});

const absolutePaths = (description: string): ArraySchema => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "An absolute path.",
    pattern: "^/",
    format: "absolute-path",
    code: "bad-path",
  },
});

/** Paths of `spec.filesystem`: absolute, or relative to the policy file's directory. */
const policyPaths = (description: string): ArraySchema => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "An absolute path, or one relative to the policy file's directory (./x, ../x).",
    pattern: "^(/|\\./|\\.\\./)",
    format: "policy-path",
    code: "bad-path",
  },
});

const endpoints = (description: string): ArraySchema => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "[tcp/|udp/][ADDRESS[/PREFIX]:]PORT[-PORT], [tcp/|udp/]ADDRESS[/PREFIX][:PORT]; " +
      "IPv6 addresses in brackets when a port follows: tcp/443, udp/53, 127.0.0.1:5432, " +
      "tcp/10.0.0.0/8:443, [::1]:8080, tcp/8000-8080.",
    pattern: "^((tcp|udp)/)?[0-9A-Fa-f.:\\[\\]/-]+$",
    format: "endpoint",
    code: "bad-endpoint",
  },
});

const capabilityNames = (description: string): ArraySchema => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "A capability group (see docs/capabilities.md).",
    enum: Object.keys(CAPABILITY_GROUPS).sort(),
    code: "unknown-capability",
  },
});

const id = (what: "user" | "group", description: string): IntegerSchema => ({
  type: "integer",
  description,
  minimum: 0n,
  maximum: 4294967294n,
  hint: `write the numeric ${what === "user" ? "uid" : "gid"} (\`id -${
    what === "user" ? "u" : "g"
  } NAME\` prints it): policies are compiled without reading the host's ${
    what === "user" ? "/etc/passwd" : "/etc/group"
  }, so a ${what} name would mean different ids on different machines`,
});

/**
 * `spec.privileges`: what of the invoking user's privileges `cordon run` hands the command.
 *
 * @example
 * ```ts
 * import { PRIVILEGES_SCHEMA } from "@cordon/cordon";
 * if (PRIVILEGES_SCHEMA.properties.signals?.type !== "string") throw new Error("signals");
 * ```
 */
export const PRIVILEGES_SCHEMA: ObjectSchema = {
  type: "object",
  description: "What of the invoking user's privileges `cordon run` hands the command. Absent: " +
    "no Linux capabilities (also as root), the invoking user and group, the safe device set " +
    "(/dev/null, zero, full, random, urandom, tty, ptmx, pts/*) and signals within the sandbox only.",
  properties: {
    capabilities: {
      type: "array",
      description: "Linux capabilities the command keeps (in its permitted, effective and " +
        "bounding sets); every other one is dropped. Any case, with or without CAP_: " +
        "CAP_NET_BIND_SERVICE, net_bind_service.",
      items: {
        type: "string",
        description: "A Linux capability of linux/capability.h, such as CAP_NET_BIND_SERVICE.",
        pattern: "^([Cc][Aa][Pp]_)?[A-Za-z_]+$",
        format: "linux-capability",
        code: "unknown-capability",
      },
    },
    user: id("user", "The uid the command runs as; default the invoking user's."),
    group: id(
      "group",
      "The gid the command runs as (supplementary groups are dropped); default the invoking " +
        "user's.",
    ),
    devices: {
      type: "array",
      description: "Device nodes the command may open or create beyond the safe set.",
      items: {
        type: "string",
        description: 'A device path ("/dev/fuse", its device number looked up at run), or ' +
          '"c MAJOR:MINOR" (character) / "b MAJOR:MINOR" (block), "*" for any minor: ' +
          '"c 10:229", "b 8:*".',
        pattern: "^(/.*|[cb] +[0-9]+:([0-9]+|\\*))$",
        format: "device",
      },
    },
    signals: {
      type: "string",
      description: "sandbox: the command signals only processes of its own sandbox; any: " +
        "also processes outside it (as its uid allows). Default sandbox.",
      enum: ["sandbox", "any"],
    },
  },
};

/**
 * `spec.memory`: write-xor-execute.
 *
 * @example
 * ```ts
 * import { MEMORY_SCHEMA } from "@cordon/cordon";
 * if (!MEMORY_SCHEMA.required?.includes("writeExecute")) throw new Error("writeExecute");
 * ```
 */
export const MEMORY_SCHEMA: ObjectSchema = {
  type: "object",
  description: "Memory protections, enforced with seccomp by `cordon run`.",
  required: ["writeExecute"],
  properties: {
    writeExecute: {
      type: "string",
      description: "deny (W^X): no mapping both writable and executable, no executable " +
        "anonymous or shared memory, no memory made executable after it was mapped, no " +
        "READ_IMPLIES_EXEC; allow: the kernel's defaults (JITs need them).",
      enum: ["allow", "deny"],
    },
  },
};

/**
 * `spec.deno`: the answers of Cordon's permission broker to Deno (`cordon deno`).
 *
 * @example
 * ```ts
 * import { DENO_SCHEMA } from "@cordon/cordon";
 * if (!("rules" in DENO_SCHEMA.properties)) throw new Error("rules");
 * ```
 */
export const DENO_SCHEMA: ObjectSchema = {
  type: "object",
  description: "Deno's own permissions, answered by Cordon as Deno's permission broker " +
    "(`cordon deno`). A check no rule matches follows filesystem and network (a " +
    "filesystem.read path is a read grant), then default.",
  properties: {
    default: {
      type: "string",
      description: "The answer when no rule and no filesystem/network path or endpoint " +
        "decides: deny (the default) or allow.",
      enum: ["allow", "deny"],
    },
    rules: {
      type: "array",
      description: "Rules; among matching rules the highest priority wins, then the strictest " +
        "action (deny, log, allow).",
      items: {
        type: "object",
        description: "What Cordon answers Deno for checks of one permission whose value matches.",
        required: ["permission", "action"],
        properties: {
          id: {
            type: "string",
            description:
              'The rule\'s id, unique in the policy; default "<policy name>#deno<index>".',
            pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
            maxLength: 128,
          },
          permission: {
            type: "string",
            description: "The Deno permission kind checked.",
            enum: ["read", "write", "net", "env", "run", "ffi", "sys", "import"],
          },
          values: {
            type: "array",
            description: "Values matched; absent: every value of the kind. read/write/ffi/run: " +
              "an absolute path and what is below it (ffi and run also take bare names); " +
              "net/import: host, host:port or *:port; env/sys: a name, a trailing * matching " +
              "any suffix.",
            minItems: 1,
            items: {
              type: "string",
              description: "A path, host[:port] or name.",
              pattern: "^\\S+$",
              minLength: 1,
              maxLength: 4096,
            },
          },
          action: {
            type: "string",
            description: "allow, deny (Deno raises NotCapable naming this rule), or log " +
              "(allowed and reported).",
            enum: ["allow", "deny", "log"],
          },
          priority: {
            type: "integer",
            description: "Higher wins; at equal priority the strictest action wins. Default 0.",
            minimum: -(2n ** 31n),
            maximum: 2n ** 31n - 1n,
          },
        },
      },
    },
  },
};

/**
 * One condition on a syscall argument (`spec.rules[].args[]`).
 *
 * @example
 * ```ts
 * import { ARG_SCHEMA } from "@cordon/cordon";
 * if (!ARG_SCHEMA.required?.includes("op")) throw new Error("op is required");
 * ```
 */
export const ARG_SCHEMA: ObjectSchema = {
  type: "object",
  description: "A condition on one syscall argument; all conditions of a rule must hold.",
  required: ["index", "op", "value"],
  properties: {
    index: {
      type: "integer",
      description: "The argument's position, 0-5.",
      minimum: 0n,
      maximum: 5n,
      code: "bad-arg",
    },
    op: {
      type: "string",
      description: "The comparison; masked_eq tests (arg & mask) == value.",
      enum: ["eq", "ne", "lt", "le", "gt", "ge", "masked_eq"],
      code: "bad-arg",
    },
    value: argValue("The value compared with, 64-bit."),
    mask: argValue("For masked_eq only: the mask applied to the argument first."),
  },
};

/**
 * One rule (`spec.rules[]`).
 *
 * @example
 * ```ts
 * import { RULE_SCHEMA } from "@cordon/cordon";
 * if (RULE_SCHEMA.properties.priority?.type !== "integer") throw new Error("priority");
 * ```
 */
export const RULE_SCHEMA: ObjectSchema = {
  type: "object",
  description: "A rule: what happens to calls of the listed syscalls (whose args all hold).",
  required: ["syscalls", "action"],
  properties: {
    id: {
      type: "string",
      description: 'The rule\'s id, unique in the policy; default "<policy name>#<index>".',
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      maxLength: 128,
    },
    syscalls: {
      type: "array",
      description: "Syscall names (resolved per architecture) or numbers (per architecture).",
      minItems: 1,
      items: {
        type: "name-or-number",
        description: "A syscall name or number.",
        name: {
          type: "string",
          description: "A syscall name known on at least one architecture.",
          pattern: "^[a-z0-9_]+$",
          format: "syscall",
          code: "unknown-syscall",
        },
        number: {
          type: "integer",
          description: "A syscall number as the kernel sees it (x32 numbers include 0x40000000).",
          minimum: 0n,
          maximum: 0x7fffffffn,
        },
      },
    },
    action: action("What happens to a matching call."),
    errno: errno("For deny: the errno returned; default spec.defaultErrno."),
    priority: {
      type: "integer",
      description: "Higher wins; at equal priority the strictest action wins. Default 0.",
      minimum: -(2n ** 31n),
      maximum: 2n ** 31n - 1n,
    },
    args: {
      type: "array",
      description: "Conditions on the call's arguments, all of which must hold.",
      items: ARG_SCHEMA,
    },
  },
};

/**
 * The whole policy document: what `parse.ts` validates and `policyJsonSchema()` exports.
 *
 * @example
 * ```ts
 * import { POLICY_SCHEMA } from "@cordon/cordon";
 * if (!("spec" in POLICY_SCHEMA.properties)) throw new Error("spec");
 * ```
 */
export const POLICY_SCHEMA: ObjectSchema = {
  type: "object",
  description: "A Cordon policy (one YAML document).",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: {
      type: "string",
      description: "The format version.",
      enum: [API_VERSION],
    },
    kind: { type: "string", description: "Always Policy.", enum: ["Policy"] },
    metadata: {
      type: "object",
      description: "Name and description.",
      required: ["name"],
      properties: {
        name: {
          type: "string",
          description: "The policy's name, unique within a policy set.",
          pattern: POLICY_NAME_PATTERN,
          maxLength: 128,
        },
        description: { type: "string", description: "What the policy is for.", maxLength: 4096 },
      },
    },
    spec: {
      type: "object",
      description: "What the policy allows and denies.",
      properties: {
        extends: {
          type: "array",
          description: "Policies whose rules and capabilities are merged into this one: names " +
            "of policies in the same set, or builtin:NAME.",
          items: {
            type: "string",
            description: "A policy name or builtin:NAME.",
            pattern: "^(builtin:)?[a-z0-9][a-z0-9-]*$",
            maxLength: 136,
          },
        },
        target: {
          type: "object",
          description: "Which processes the policy applies to: every given field must match, " +
            "any entry of a list. No target: what `cordon run` launches.",
          properties: {
            pids: {
              type: "array",
              description: "Process ids.",
              minItems: 1,
              items: { type: "integer", description: "A pid.", minimum: 1n, maximum: 4194304n },
            },
            comms: {
              type: "array",
              description: "Command names as the kernel keeps them (at most 15 bytes).",
              minItems: 1,
              items: { type: "string", description: "A comm.", minLength: 1, maxLength: 15 },
            },
            executables: { ...absolutePaths("Executable paths."), minItems: 1 },
            cgroups: { ...absolutePaths("cgroup v2 directories."), minItems: 1 },
            uids: {
              type: "array",
              description: "User ids.",
              minItems: 1,
              items: {
                type: "integer",
                description: "A uid.",
                minimum: 0n,
                maximum: 4294967294n,
              },
            },
          },
        },
        defaultAction: action(
          "What happens to calls no rule matches. Required unless the policy extends one " +
            "that sets it (then inherited).",
        ),
        defaultErrno: errno("The errno deny returns when a rule names none. Default EPERM."),
        mode: {
          type: "string",
          description: "enforce applies the policy; audit reports deny/kill/trap without " +
            "applying them. Default enforce.",
          enum: ["enforce", "audit"],
        },
        capabilities: {
          type: "object",
          description: "Capability groups, expanded into rules at priority 0.",
          properties: {
            allow: capabilityNames("Groups whose syscalls are allowed."),
            deny: capabilityNames("Groups whose syscalls are denied."),
          },
        },
        rules: {
          type: "array",
          description: "Rules; among matching rules the highest priority wins.",
          items: RULE_SCHEMA,
        },
        filesystem: {
          type: "object",
          description: "Path rules, enforced with Landlock by `cordon run`.",
          properties: {
            read: policyPaths("Paths (and what is below them) that may be read."),
            write: policyPaths("Paths (and what is below them) that may be written."),
            execute: policyPaths("Paths (and what is below them) that may be executed."),
            minAbi: {
              type: "integer",
              description: "The lowest Landlock ABI accepted; below it `cordon run` refuses.",
              minimum: 1n,
              maximum: 255n,
            },
          },
        },
        network: {
          type: "object",
          description: "Endpoints, enforced with cgroup BPF (and Landlock TCP where available).",
          properties: {
            connect: endpoints("Endpoints the process may connect to."),
            bind: endpoints("Endpoints the process may bind."),
            unix: {
              type: "array",
              description: "Unix-domain sockets the process may connect (or send datagrams) to " +
                "beyond its own: none unless listed.",
              items: {
                type: "string",
                description: 'A socket path ("/run/app.sock"), a directory of sockets with a ' +
                  'trailing slash ("/run/app/"), or an abstract name ("@name").',
                pattern: "^[/@]",
                format: "unix-socket",
                code: "bad-path",
              },
            },
          },
        },
        privileges: PRIVILEGES_SCHEMA,
        memory: MEMORY_SCHEMA,
        deno: DENO_SCHEMA,
        limits: {
          type: "object",
          description: "Rate limits.",
          properties: {
            syscallsPerSecond: {
              type: "object",
              description: "At most max syscalls per second, then action.",
              required: ["max", "action"],
              properties: {
                max: {
                  type: "integer",
                  description: "Syscalls per second.",
                  minimum: 1n,
                  maximum: 4294967295n,
                },
                action: action("What happens beyond max."),
              },
            },
          },
        },
      },
    },
  },
};

function toJson(schema: Schema): Record<string, unknown> {
  switch (schema.type) {
    case "string": {
      const out: Record<string, unknown> = { type: "string", description: schema.description };
      if (schema.enum !== undefined) out.enum = [...schema.enum];
      if (schema.pattern !== undefined) out.pattern = schema.pattern;
      if (schema.minLength !== undefined) out.minLength = schema.minLength;
      if (schema.maxLength !== undefined) out.maxLength = schema.maxLength;
      return out;
    }
    case "integer": {
      const out: Record<string, unknown> = { type: "integer", description: schema.description };
      const safe = (n: bigint) =>
        n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
      if (safe(schema.minimum)) out.minimum = Number(schema.minimum);
      if (safe(schema.maximum)) out.maximum = Number(schema.maximum);
      return out;
    }
    case "object": {
      const properties: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schema.properties)) properties[key] = toJson(value);
      const out: Record<string, unknown> = {
        type: "object",
        description: schema.description,
        properties,
        additionalProperties: false,
      };
      if (schema.required !== undefined) out.required = [...schema.required];
      return out;
    }
    case "array": {
      const out: Record<string, unknown> = {
        type: "array",
        description: schema.description,
        items: toJson(schema.items),
      };
      if (schema.minItems !== undefined) out.minItems = schema.minItems;
      return out;
    }
    case "name-or-number":
      return {
        description: schema.description,
        oneOf: [toJson(schema.name), toJson(schema.number)],
      };
  }
}

/**
 * The policy format as JSON Schema (draft 2020-12), for editors and other tools. One YAML
 * document is one instance.
 *
 * @returns the schema, a plain JSON value
 *
 * @example
 * ```ts
 * import { policyJsonSchema } from "@cordon/cordon";
 * const schema = policyJsonSchema() as { required: string[]; additionalProperties: boolean };
 * if (!schema.required.includes("spec") || schema.additionalProperties !== false) {
 *   throw new Error("the schema must require spec and forbid unknown keys");
 * }
 * ```
 */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Cordon policy",
    ...toJson(POLICY_SCHEMA),
  };
}

/**
 * The text of `policies/policy.schema.json`: {@linkcode policyJsonSchema} as two-space indented
 * JSON with a final newline.
 *
 * @returns the file's text
 *
 * @example
 * ```ts
 * import { policyJsonSchemaText } from "@cordon/cordon";
 * if (!policyJsonSchemaText().endsWith("}\n")) throw new Error("the file ends with a newline");
 * ```
 */
export function policyJsonSchemaText(): string {
  return JSON.stringify(policyJsonSchema(), null, 2) + "\n";
}
