/**
 * Close-match suggestions for "did you mean" hints in errors and usage messages.
 *
 * @module
 */

/**
 * The candidate closest to `word`, for "did you mean" hints: within an edit distance below half
 * the word's length (at most 2), where swapping two neighbouring letters counts as one edit.
 *
 * @param word What was written.
 * @param candidates The valid words.
 * @returns The closest candidate, or `undefined` when none is close enough.
 *
 * @example
 * ```ts
 * import { closestMatch } from "./closest_match.ts";
 * if (closestMatch("opne", ["open", "close"]) !== "open") throw new Error("expected open");
 * if (closestMatch("zzzz", ["open"]) !== undefined) throw new Error("nothing is close");
 * ```
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(word.length / 2));
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = editDistance(word, c, bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (a swap of neighbours counts 1), capped at `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, before[j - 2]! + 1);
      }
      row.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}
