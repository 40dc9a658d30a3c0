// A module the playground build must refuse: it reads a file through Deno, which the browser
// does not have. It also imports the compiler, which must not be reported.
import { compilePolicies } from "../../../compile/compile.ts";

export function load(path: string): string {
  return compilePolicies([]).layers.length + Deno.readTextFileSync(path);
}
(globalThis as { load?: unknown }).load = load;
