/**
 * What `cordon run` applies of the layers' `filesystem` sections, decided once for the launcher
 * (`backends/linux/landlock.ts`, `backends/linux/process_confinement.ts`) and for the dry run
 * that predicts it (`engine/access_rules.ts`).
 *
 * A layer in `mode: audit` only reports: Landlock has no audit mode and a read-only mount cannot
 * let a write through, so such a layer's filesystem rules are not applied at all. For the
 * read-only view of a run started as root it writes everywhere (`/`), and it restricts no
 * execution. `cordon run --mode audit` is how its filesystem rules are tried out.
 *
 * @module
 */

import type { FilterLayer, FilterSet } from "./filter_set.ts";
import { appliesFilesystem, isBeneath, normalisePath } from "./landlock.ts";

/**
 * The `filesystem.write` list of `layer` as the read-only view takes it: `["/"]` for a layer in
 * audit mode, else its write paths as written (empty: the layer names none).
 *
 * @param layer A layer of the run's filter set.
 * @returns The paths the layer lets the view keep writable.
 *
 * @example
 * ```ts
 * import { runWriteList } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const fs = { read: [], write: ["/tmp"], execute: [], loc };
 * if (runWriteList({ mode: "enforce", filesystem: fs })[0] !== "/tmp") throw new Error();
 * if (runWriteList({ mode: "audit", filesystem: fs })[0] !== "/") throw new Error();
 * ```
 */
export function runWriteList(layer: Pick<FilterLayer, "mode" | "filesystem">): readonly string[] {
  if (!appliesFilesystem(layer)) return ["/"];
  return layer.filesystem?.write ?? [];
}

/**
 * The `filesystem.execute` list of `layer` as the run applies it: empty (no restriction) for a
 * layer in audit mode.
 *
 * @param layer A layer of the run's filter set.
 * @returns The paths the layer lets the command execute (empty: it restricts nothing).
 *
 * @example
 * ```ts
 * import { runExecuteList } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const fs = { read: [], write: [], execute: ["/usr"], loc };
 * if (runExecuteList({ mode: "audit", filesystem: fs }).length !== 0) throw new Error();
 * ```
 */
export function runExecuteList(
  layer: Pick<FilterLayer, "mode" | "filesystem">,
): readonly string[] {
  if (!appliesFilesystem(layer)) return [];
  return layer.filesystem?.execute ?? [];
}

/**
 * The maximal subtrees that lie below one path of every list: the paths a stack of Landlock
 * layers lets through when each layer allows only what is beneath its own list.
 *
 * @param lists One list of paths per layer (none: nothing).
 * @returns The subtrees, normalised, sorted, none beneath another.
 *
 * @example
 * ```ts
 * import { intersectSubtrees } from "@cordon/cordon";
 * const both = intersectSubtrees([["/tmp", "/srv/a"], ["/tmp/x", "/srv"]]);
 * if (both.join() !== "/srv/a,/tmp/x") throw new Error(both.join());
 * ```
 */
export function intersectSubtrees(lists: readonly (readonly string[])[]): string[] {
  let current: string[] | undefined;
  for (const list of lists) {
    const next = list.map(normalisePath);
    if (current === undefined) {
      current = next;
      continue;
    }
    const prev: string[] = current;
    current = [
      ...prev.filter((p) => next.some((q) => isBeneath(p, q))),
      ...next.filter((q) => prev.some((p) => isBeneath(q, p))),
    ];
  }
  const unique = [...new Set(current ?? [])].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && isBeneath(p, q)));
}

/** The read-only view of a run started as root, as {@linkcode runView} computes it. */
export interface RunView {
  /** Indices of the layers that name write paths ({@linkcode runWriteList} not empty). */
  readonly writeLayers: readonly number[];
  /**
   * What stays writable: beneath a write path of every layer in `writeLayers` (nothing when
   * there is none; `["/"]` when the host stays writable).
   */
  readonly writable: readonly string[];
  /** What may be executed: beneath an `execute` path of every restricting layer (`["/"]`: all). */
  readonly executable: readonly string[];
  /** Whether the host stays writable (every layer in `writeLayers` writes `/`). */
  readonly hostWritable: boolean;
}

/**
 * The read-only view `cordon run` started as root builds for `set`: writable beneath a
 * `filesystem.write` path of every layer that names any, nothing when none does, everything when
 * that is `/` (layers in audit mode count as writing `/`).
 *
 * @param set The run's filter set.
 * @returns The view.
 *
 * @example
 * ```ts
 * import { runView } from "@cordon/cordon";
 * const view = runView({ version: 1, layers: [] });
 * if (view.hostWritable || view.writable.length !== 0) throw new Error("no write paths: none");
 * ```
 */
export function runView(set: FilterSet): RunView {
  const writeLayers = set.layers.flatMap((l, i) => runWriteList(l).length > 0 ? [i] : []);
  const writable = intersectSubtrees(writeLayers.map((i) => runWriteList(set.layers[i]!)));
  const execLists = set.layers.map(runExecuteList).filter((list) => list.length > 0);
  return {
    writeLayers,
    writable,
    executable: execLists.length === 0 ? ["/"] : intersectSubtrees(execLists),
    hostWritable: writable.includes("/"),
  };
}
