/**
 * `settle`: a synchronous piece of a backend's work as the promise the `Backend` methods return,
 * its throw a rejection (never a throw out of a method that returns a promise).
 *
 * @module
 */

/**
 * `work`'s result as a promise: a throw becomes a rejection.
 *
 * @example
 * ```ts ignore
 * import { settle } from "./settle.ts";
 * await settle(() => { throw new Error("x"); }).catch((e) => console.log(e.message));
 * ```
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
