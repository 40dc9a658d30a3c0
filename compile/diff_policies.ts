/**
 * Semantic privilege diff of two compiled policy sets ({@linkcode diffPolicies}): which syscalls
 * (per architecture, decided by the compiled filters, so that a renamed rule, a capability group
 * written out as its syscalls or a reordered list makes no difference), which argument values,
 * filesystem paths, network endpoints, Unix sockets, Linux capabilities and memory rules one set
 * allows that the other does not, each with the locations in both files that decide it.
 *
 * @module
 */

import { type Arch, ARCHES, type ResolvedPolicy, type SourceLocation } from "../policies/types.ts";
import type { ArgTest, FilterLayer, FilterSet } from "./filter_set.ts";
import { intendedAction } from "./filter_set.ts";
import { Evaluator, type Verdict } from "./evaluate.ts";
import { isBeneath } from "./landlock.ts";

/** What one difference is about. */
export type DiffArea =
  | "syscall"
  | "argument"
  | "filesystem"
  | "network"
  | "privileges"
  | "memory";

/** One privilege one side allows and the other does not. */
export interface DiffEntry {
  /** The area. */
  readonly area: DiffArea;
  /** `added`: NEW allows it and OLD does not (privileges grew); `removed`: the reverse. */
  readonly change: "added" | "removed";
  /** For syscalls and arguments: the architecture. */
  readonly arch?: Arch;
  /** For syscalls and arguments: the syscall's name (or `#NR`). */
  readonly syscall?: string;
  /** What is allowed, in words (`socket(AF_INET)`, `write /var/log`, `connect tcp/443`). */
  readonly what: string;
  /** One sentence. */
  readonly message: string;
  /** Where OLD decides it (the rule, section or default). */
  readonly oldLoc: SourceLocation;
  /** Where NEW decides it. */
  readonly newLoc: SourceLocation;
}

/** The result of {@linkcode diffPolicies}. */
export interface PolicyDiff {
  /** Whether NEW allows anything OLD does not. */
  readonly grew: boolean;
  /** Every difference: additions first, then by area, architecture and name. */
  readonly entries: readonly DiffEntry[];
}

const PERMISSIVE = new Set(["allow", "log", "trace", "notify"]);

function allowed(v: Verdict): boolean {
  return PERMISSIVE.has(intendedAction(v));
}

/** Candidate values of one argument: the boundaries of every test on it. */
function candidates(tests: readonly ArgTest[]): bigint[] {
  const max = (1n << 64n) - 1n;
  const out = new Set<bigint>([0n, max]);
  for (const t of tests) {
    const width = t.width === undefined ? 64 : t.width;
    const top = (1n << BigInt(width)) - 1n;
    for (const v of [t.value, t.value + 1n, t.value - 1n]) {
      if (v >= 0n && v <= max) out.add(v);
    }
    out.add(top);
    if (t.mask !== undefined) {
      out.add(t.value | (~t.mask & top));
      out.add(t.value ^ t.mask);
      for (let bit = 0n; bit < BigInt(width); bit++) {
        if ((t.mask >> bit) & 1n) out.add(t.value ^ (1n << bit));
      }
    }
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const MAX_SAMPLES = 8192;

/** Argument vectors covering every combination of the tests' boundaries (capped). */
function samples(tests: readonly ArgTest[]): bigint[][] {
  const byIndex = new Map<number, ArgTest[]>();
  for (const t of tests) byIndex.set(t.index, [...(byIndex.get(t.index) ?? []), t]);
  const indexes = [...byIndex.keys()].sort();
  let vectors: bigint[][] = [[0n, 0n, 0n, 0n, 0n, 0n]];
  for (const index of indexes) {
    const values = candidates(byIndex.get(index)!);
    if (vectors.length * values.length > MAX_SAMPLES) {
      // Too many combinations: vary this argument alone against the vectors so far.
      vectors = [
        ...vectors,
        ...values.map((v) => {
          const a = [0n, 0n, 0n, 0n, 0n, 0n];
          a[index] = v;
          return a;
        }),
      ];
      continue;
    }
    const next: bigint[][] = [];
    for (const vector of vectors) {
      for (const v of values) {
        const a = [...vector];
        a[index] = v;
        next.push(a);
      }
    }
    vectors = next;
  }
  return vectors;
}

function testsOf(set: FilterSet, arch: Arch, nr: number): ArgTest[] {
  const out: ArgTest[] = [];
  for (const layer of set.layers) {
    const filter = layer.arches.find((f) => f.arch === arch);
    const decision = filter?.syscalls.find((s) => s.nr === nr);
    for (const c of decision?.cases ?? []) out.push(...c.tests);
  }
  return out;
}

function nameOf(set: FilterSet, arch: Arch, nr: number): string | null {
  for (const layer of set.layers) {
    const filter = layer.arches.find((f) => f.arch === arch);
    const found = filter?.syscalls.find((s) => s.nr === nr);
    if (found) return found.name;
  }
  return null;
}

function numbersOf(set: FilterSet, arch: Arch): Set<number> {
  const out = new Set<number>();
  for (const layer of set.layers) {
    for (const s of layer.arches.find((f) => f.arch === arch)?.syscalls ?? []) out.add(s.nr);
  }
  return out;
}

function argText(args: readonly bigint[], used: ReadonlySet<number>): string {
  return [...used].sort().map((i) => `arg${i}=0x${args[i]!.toString(16)}`).join(" ");
}

const NO_LOC: SourceLocation = { file: "", line: 0, column: 0 };

/** Where a rule names a syscall (the list entry, not the rule), when the policies are given. */
function refiner(policies: readonly ResolvedPolicy[] | undefined) {
  const byRule = new Map<string, Map<string, SourceLocation>>();
  for (const policy of policies ?? []) {
    for (const rule of policy.rules) {
      let names = byRule.get(rule.id);
      if (names === undefined) byRule.set(rule.id, names = new Map());
      for (const ref of rule.syscalls) {
        const key = ref.kind === "name" ? ref.name : `#${ref.nr}`;
        if (!names.has(key)) names.set(key, ref.loc);
      }
    }
  }
  return (v: Verdict, syscall: string): SourceLocation =>
    (v.ruleId === null ? undefined : byRule.get(v.ruleId)?.get(syscall)) ?? v.loc;
}

function syscallEntries(
  oldSet: FilterSet,
  newSet: FilterSet,
  arches: readonly Arch[],
  options: DiffOptions,
): DiffEntry[] {
  const out: DiffEntry[] = [];
  const oldAt = refiner(options.oldPolicies);
  const newAt = refiner(options.newPolicies);
  const oldEval = new Evaluator(oldSet);
  const newEval = new Evaluator(newSet);
  for (const arch of arches) {
    if (!oldEval.arches.includes(arch) || !newEval.arches.includes(arch)) continue;
    const nrs = [...new Set([...numbersOf(oldSet, arch), ...numbersOf(newSet, arch)])].sort((
      a,
      b,
    ) => a - b);
    for (const nr of nrs) {
      const name = nameOf(newSet, arch, nr) ?? nameOf(oldSet, arch, nr) ?? `#${nr}`;
      const tests = [...testsOf(oldSet, arch, nr), ...testsOf(newSet, arch, nr)];
      if (tests.length === 0) {
        const o = oldEval.decide(arch, nr);
        const n = newEval.decide(arch, nr);
        if (allowed(o) === allowed(n)) continue;
        const change = allowed(n) ? "added" : "removed";
        out.push({
          area: "syscall",
          change,
          arch,
          syscall: name,
          what: name,
          message: change === "added"
            ? `${name} (${arch}) is allowed by NEW (${
              n.ruleId ?? "defaultAction"
            }), denied by OLD (${o.ruleId ?? "defaultAction"}: ${intendedAction(o)})`
            : `${name} (${arch}) is allowed by OLD (${
              o.ruleId ?? "defaultAction"
            }), denied by NEW (${n.ruleId ?? "defaultAction"}: ${intendedAction(n)})`,
          oldLoc: oldAt(o, name),
          newLoc: newAt(n, name),
        });
        continue;
      }
      const used = new Set(tests.map((t) => t.index as number));
      const grown: { args: bigint[]; o: Verdict; n: Verdict }[] = [];
      const shrunk: { args: bigint[]; o: Verdict; n: Verdict }[] = [];
      const vectors = samples(tests);
      for (const args of vectors) {
        const o = oldEval.decide(arch, nr, args);
        const n = newEval.decide(arch, nr, args);
        if (allowed(o) === allowed(n)) continue;
        (allowed(n) ? grown : shrunk).push({ args, o, n });
      }
      for (const [list, change] of [[grown, "added"], [shrunk, "removed"]] as const) {
        if (list.length === 0) continue;
        const whole = list.length === vectors.length;
        const first = list[0]!;
        const shown = list.slice(0, 3).map((g) => argText(g.args, used)).join("; ");
        const more = list.length > 3 ? ` (+${list.length - 3} more argument combinations)` : "";
        const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
        const v = change === "added" ? first.n : first.o;
        out.push({
          area: whole ? "syscall" : "argument",
          change,
          arch,
          syscall: name,
          what: whole ? name : `${name}(${argText(first.args, used)})`,
          message: whole
            ? `${name} (${arch}) is allowed by ${by} (${
              v.ruleId ?? "defaultAction"
            }) for every argument, by ${not} for none`
            : `${name} (${arch}) is allowed by ${by} (${
              v.ruleId ?? "defaultAction"
            }) and not by ${not} with ${shown}${more}`,
          oldLoc: oldAt(first.o, name),
          newLoc: newAt(first.n, name),
        });
      }
    }
  }
  return out;
}

type PathClass = "read" | "write" | "execute";

interface Listed {
  readonly text: string;
  readonly loc: SourceLocation;
}

function pathLists(
  set: FilterSet,
  cls: PathClass,
): { list: Listed[] | undefined; loc: SourceLocation } {
  let list: Listed[] | undefined;
  let loc = NO_LOC;
  for (const layer of set.layers) {
    const fs = layer.filesystem;
    if (fs === undefined) continue;
    if (loc === NO_LOC) loc = fs.loc;
    if (fs[cls].length === 0) continue;
    list = [...(list ?? []), ...fs[cls].map((text) => ({ text, loc: fs.loc }))];
  }
  return { list, loc: loc === NO_LOC ? set.layers[0]?.loc ?? NO_LOC : loc };
}

function filesystemEntries(oldSet: FilterSet, newSet: FilterSet): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const cls of ["read", "write", "execute"] as const) {
    const o = pathLists(oldSet, cls);
    const n = pathLists(newSet, cls);
    const compare = (
      from: typeof o,
      to: typeof o,
      change: "added" | "removed",
    ) => {
      const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
      if (to.list === undefined) {
        if (from.list !== undefined) {
          out.push({
            area: "filesystem",
            change,
            what: `${cls} anywhere`,
            message: `${by} does not restrict ${cls} paths; ${not} allows only ${
              from.list.map((l) => l.text).join(", ")
            }`,
            oldLoc: change === "added" ? from.loc : to.loc,
            newLoc: change === "added" ? to.loc : from.loc,
          });
        }
        return;
      }
      for (const entry of to.list) {
        if (from.list === undefined || from.list.some((f) => isBeneath(entry.text, f.text))) {
          continue;
        }
        out.push({
          area: "filesystem",
          change,
          what: `${cls} ${entry.text}`,
          message: `${by} allows ${cls} beneath ${entry.text}; ${not} does not`,
          oldLoc: change === "added" ? from.loc : entry.loc,
          newLoc: change === "added" ? entry.loc : from.loc,
        });
      }
    };
    compare(o, n, "added");
    compare(n, o, "removed");
  }
  return out;
}

interface Endpoint {
  readonly text: string;
  readonly protocol: "tcp" | "udp" | "any";
  readonly address?: string;
  readonly ports?: readonly [number, number];
  readonly loc: SourceLocation;
}

function covers(outer: Endpoint, inner: Endpoint): boolean {
  if (outer.protocol !== "any" && outer.protocol !== inner.protocol) return false;
  if (outer.address !== undefined && outer.address !== inner.address) return false;
  if (outer.ports !== undefined) {
    if (inner.ports === undefined) return false;
    if (inner.ports[0] < outer.ports[0] || inner.ports[1] > outer.ports[1]) return false;
  }
  return true;
}

function networkOf(layers: readonly FilterLayer[]) {
  const withNet = layers.filter((l) => l.network !== undefined);
  return {
    restricted: withNet.length > 0,
    loc: withNet[0]?.network?.loc ?? layers[0]?.loc ?? NO_LOC,
    connect: withNet.flatMap((l) => l.network!.connect) as Endpoint[],
    bind: withNet.flatMap((l) => l.network!.bind) as Endpoint[],
    unix: withNet.flatMap((l) => l.network!.unix ?? []),
  };
}

function networkEntries(oldSet: FilterSet, newSet: FilterSet): DiffEntry[] {
  const out: DiffEntry[] = [];
  const o = networkOf(oldSet.layers);
  const n = networkOf(newSet.layers);
  const side = (
    from: typeof o,
    to: typeof o,
    change: "added" | "removed",
  ) => {
    const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
    const locs = (mine: SourceLocation, theirs: SourceLocation) =>
      change === "added" ? { oldLoc: theirs, newLoc: mine } : { oldLoc: mine, newLoc: theirs };
    if (!to.restricted) {
      if (from.restricted) {
        out.push({
          area: "network",
          change,
          what: "network unrestricted",
          message: `${by} has no network section (endpoints are not restricted); ${not} has one`,
          ...locs(to.loc, from.loc),
        });
      }
      return;
    }
    for (const op of ["connect", "bind"] as const) {
      for (const e of to[op]) {
        if (from.restricted && from[op].some((f) => covers(f, e))) continue;
        if (!from.restricted) continue;
        out.push({
          area: "network",
          change,
          what: `${op} ${e.text}`,
          message: `${by} allows ${op} to ${e.text}; ${not} does not`,
          ...locs(e.loc, from.loc),
        });
      }
    }
    for (const u of to.unix) {
      if (!from.restricted) continue;
      const ok = from.unix.some((f) =>
        f.kind === u.kind &&
        (f.name === u.name || (f.name.endsWith("/") && u.name.startsWith(f.name)))
      );
      if (ok) continue;
      out.push({
        area: "network",
        change,
        what: `unix ${u.text}`,
        message: `${by} allows connecting to the Unix socket ${u.text}; ${not} does not`,
        ...locs(u.loc, from.loc),
      });
    }
  };
  side(o, n, "added");
  side(n, o, "removed");
  return out;
}

function otherEntries(oldSet: FilterSet, newSet: FilterSet): DiffEntry[] {
  const out: DiffEntry[] = [];
  const caps = (set: FilterSet) =>
    new Map(
      set.layers.flatMap((l) => (l.privileges?.capabilities ?? []).map((c) => [c.name, c.loc])),
    );
  const oc = caps(oldSet);
  const nc = caps(newSet);
  const oLoc = oldSet.layers[0]?.loc ?? NO_LOC;
  const nLoc = newSet.layers[0]?.loc ?? NO_LOC;
  for (const [name, loc] of nc) {
    if (!oc.has(name)) {
      out.push({
        area: "privileges",
        change: "added",
        what: name,
        message: `NEW keeps the Linux capability ${name}; OLD does not`,
        oldLoc: oLoc,
        newLoc: loc,
      });
    }
  }
  for (const [name, loc] of oc) {
    if (!nc.has(name)) {
      out.push({
        area: "privileges",
        change: "removed",
        what: name,
        message: `OLD keeps the Linux capability ${name}; NEW does not`,
        oldLoc: loc,
        newLoc: nLoc,
      });
    }
  }
  const wx = (set: FilterSet) => set.layers.find((l) => l.memory?.writeExecute === "deny")?.memory;
  const om = wx(oldSet);
  const nm = wx(newSet);
  if (om && !nm) {
    out.push({
      area: "memory",
      change: "added",
      what: "write+execute memory",
      message: "NEW allows writable and executable memory; OLD denies it (memory.writeExecute)",
      oldLoc: om.loc,
      newLoc: nLoc,
    });
  } else if (nm && !om) {
    out.push({
      area: "memory",
      change: "removed",
      what: "write+execute memory",
      message: "OLD allows writable and executable memory; NEW denies it (memory.writeExecute)",
      oldLoc: oLoc,
      newLoc: nm.loc,
    });
  }
  return out;
}

/** Options of {@linkcode diffPolicies}. */
export interface DiffOptions {
  /** The architectures to compare (default: every one both sets were compiled for). */
  readonly arches?: readonly Arch[];
  /** OLD's resolved policies: locations then point at the syscall's entry in a rule's list. */
  readonly oldPolicies?: readonly ResolvedPolicy[];
  /** NEW's resolved policies, likewise. */
  readonly newPolicies?: readonly ResolvedPolicy[];
}

const AREA_ORDER: readonly DiffArea[] = [
  "syscall",
  "argument",
  "filesystem",
  "network",
  "privileges",
  "memory",
];

/**
 * Compares what two compiled policy sets allow, as the launched command sees them (every layer
 * applies). Syscalls are compared per architecture through the compiled decision tables
 * ({@linkcode Evaluator}); for syscalls decided by arguments, every combination of the
 * boundaries of both sets' argument tests is evaluated, so an argument value that one allows
 * and the other does not is found.
 *
 * @param oldSet the policies before the change (compiled for the architectures to compare)
 * @param newSet the policies after it
 * @param options the architectures to compare; the resolved policies, for precise locations
 * @returns the differences and whether NEW allows more
 *
 * @example
 * ```ts
 * import { diffPolicies } from "@cordon/cordon";
 * import { compilePolicies } from "@cordon/cordon";
 * import type { ResolvedPolicy } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const policy = (syscalls: string[]): ResolvedPolicy => ({
 *   name: "p", defaultAction: "deny", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{ id: "r", policy: "p", origin: "rule", action: "allow", priority: 0, args: [], loc,
 *     syscalls: syscalls.map((name) => ({ kind: "name" as const, name, loc })) }],
 * });
 * const before = compilePolicies([policy(["read"])], { arches: ["x86_64"] });
 * const after = compilePolicies([policy(["read", "ptrace"])], { arches: ["x86_64"] });
 * const diff = diffPolicies(before, after);
 * if (!diff.grew || diff.entries[0]!.syscall !== "ptrace") throw new Error();
 * if (diffPolicies(after, before).grew) throw new Error();
 * ```
 */
export function diffPolicies(
  oldSet: FilterSet,
  newSet: FilterSet,
  options: DiffOptions = {},
): PolicyDiff {
  const entries = [
    ...syscallEntries(oldSet, newSet, options.arches ?? ARCHES, options),
    ...filesystemEntries(oldSet, newSet),
    ...networkEntries(oldSet, newSet),
    ...otherEntries(oldSet, newSet),
  ];
  const archIndex = (a?: Arch) => (a === undefined ? -1 : ARCHES.indexOf(a));
  entries.sort((a, b) =>
    (a.change === b.change ? 0 : a.change === "added" ? -1 : 1) ||
    AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area) ||
    archIndex(a.arch) - archIndex(b.arch) ||
    (a.what < b.what ? -1 : a.what > b.what ? 1 : 0)
  );
  return { grew: entries.some((e) => e.change === "added"), entries };
}
