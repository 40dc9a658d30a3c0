/**
 * The registry of `cordon` commands, in the order `cordon --help` lists them.
 * Each command lives in its own `cli/cmd_<name>.ts`.
 *
 * @module
 */

import type { Command } from "./command.ts";
import { checkCommand } from "./cmd_check.ts";
import { compileCommand } from "./cmd_compile.ts";
import { demoCommand } from "./cmd_demo.ts";
import { dryRunCommand } from "./cmd_dry_run.ts";
import { evalCommand } from "./cmd_eval.ts";
import { importCommand } from "./cmd_import.ts";
import { runCommand } from "./cmd_run.ts";
import { applyCommand } from "./cmd_apply.ts";
import { monitorCommand } from "./cmd_monitor.ts";
import { recordCommand } from "./cmd_record.ts";
import { learnCommand } from "./cmd_learn.ts";
import { generateCommand } from "./cmd_generate.ts";
import { diffCommand } from "./cmd_diff.ts";
import { doctorCommand } from "./cmd_doctor.ts";
import { programsCommand } from "./cmd_programs.ts";
import { statsCommand } from "./cmd_stats.ts";
import { denoCommand } from "./cmd_deno.ts";
import { showCommand } from "./cmd_show.ts";

/** Every command. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  checkCommand,
  compileCommand,
  importCommand,
  evalCommand,
  dryRunCommand,
  showCommand,
  runCommand,
  denoCommand,
  applyCommand,
  monitorCommand,
  recordCommand,
  learnCommand,
  generateCommand,
  diffCommand,
  doctorCommand,
  programsCommand,
  statsCommand,
];
