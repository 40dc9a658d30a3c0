/**
 * The registry of `cordon` commands, in the order `cordon --help` lists them.
 * Each command lives in its own `cli/cmd_<name>.ts`.
 *
 * @module
 */

import type { Command } from "./command.ts";

/** Every command. */
export const COMMANDS: readonly Command[] = [
];
