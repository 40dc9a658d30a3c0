/**
 * The launcher: the small Deno program that `launchConfined` (in `launcher.ts`) starts with the
 * target's stdio, environment and working directory. It reads its plan from the parent over the
 * Unix socket named by its one argument, waits for the parent's go, then, without returning to
 * the event loop: sets `no_new_privs`, applies the Landlock step if the plan has one, installs
 * each seccomp filter on all threads and `execve`s the target. If any step fails it reports the
 * failure to the parent and exits (126, or 127 for a command not found) without `execve`.
 *
 * Started as `deno run --allow-ffi --allow-env=CORDON_LIBC --allow-read=SOCK --allow-write=SOCK
 * _launcher_main.ts SOCK`. Its imports are kept minimal for start-up time: no YAML parser, no
 * compiler.
 *
 * @module
 */

import {
  EXIT_CANNOT_EXECUTE,
  EXIT_NOT_FOUND,
  type LaunchFailureReport,
  type LaunchPlan,
  type LaunchStage,
  readGo,
  readPlan,
  writeFrame,
  writeReady,
} from "./launcher.ts";
import { KernelError } from "./errors.ts";
import { environ, keepAlive, libc, toCString, toCStringArray, unwrap } from "./libc.ts";
import { installSeccompFilter, setNoNewPrivs } from "./seccomp_install.ts";

const SIGPIPE = 13;
const SIG_SETMASK = 2;
const ENOENT = 2;
const ENOTDIR = 20;

/** A failure of one launcher step. */
class StepError extends Error {
  constructor(readonly stage: LaunchStage, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Gives the target the signal state a freshly spawned process has: Deno's runtime ignores
 * SIGPIPE (ignored signals survive `execve`), and the signal mask is cleared.
 */
function resetSignalState(): void {
  const symbols = libc();
  symbols.signal(SIGPIPE, null);
  unwrap(symbols.sigprocmask(SIG_SETMASK, new Uint8Array(128), null), "clear signal mask");
}

/** Confines the process and `execve`s the target; returns only by throwing. */
async function confineAndExec(plan: LaunchPlan): Promise<never> {
  // Landlock's module is loaded before the first irreversible step, and only when needed.
  const landlock = plan.landlock ? await import("./landlock.ts") : undefined;
  // From here on nothing awaits: the sequence runs without the event loop, so no other code of
  // this process runs between the filters' installation and execve.
  try {
    setNoNewPrivs();
  } catch (error) {
    throw new StepError("no_new_privs", message(error), { cause: error });
  }
  if (plan.landlock && landlock) {
    try {
      landlock.restrictSelfWithLandlock(plan.landlock.rulesets);
    } catch (error) {
      throw new StepError("landlock", `apply Landlock ruleset: ${message(error)}`, {
        cause: error,
      });
    }
  }
  for (const filter of plan.filters) {
    try {
      installSeccompFilter(filter.program);
    } catch (error) {
      throw new StepError("seccomp", `${message(error)} (filter of policy "${filter.name}")`, {
        cause: error,
      });
    }
  }
  try {
    resetSignalState();
    const file = toCString(plan.file);
    const { array: argv, keep } = toCStringArray(plan.argv);
    const symbols = libc();
    unwrap(symbols.execve(file, argv, environ()), `execve "${plan.file}"`);
    keepAlive(keep);
  } catch (error) {
    throw new StepError("execve", message(error), { cause: error });
  }
  throw new StepError("execve", `execve "${plan.file}" returned`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function report(error: unknown, fallbackStage: LaunchStage): LaunchFailureReport {
  const stage = error instanceof StepError ? error.stage : fallbackStage;
  const kernel = error instanceof StepError && error.cause instanceof KernelError
    ? error.cause
    : error instanceof KernelError
    ? error
    : undefined;
  const notFound = stage === "execve" && (kernel?.errno === ENOENT || kernel?.errno === ENOTDIR);
  return {
    stage,
    message: message(error),
    ...(kernel
      ? {
        errno: kernel.errno,
        code: kernel.code,
        description: kernel.description,
      }
      : {}),
    exitCode: notFound ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE,
  };
}

async function main(): Promise<number> {
  const socketPath = Deno.args[0];
  if (socketPath === undefined) {
    console.error("cordon launcher: started without a socket path; it is run by `cordon run`");
    return EXIT_CANNOT_EXECUTE;
  }
  const conn = await Deno.connect({ transport: "unix", path: socketPath });
  try {
    const plan = await readPlan(conn);
    await writeReady(conn);
    if (!await readGo(conn)) return EXIT_CANNOT_EXECUTE; // the parent went away: run nothing
    return await confineAndExec(plan);
  } catch (error) {
    const failure = report(error, "plan");
    try {
      await writeFrame(conn, JSON.stringify(failure));
    } catch {
      console.error(`cordon launcher: ${failure.message}`);
    }
    return failure.exitCode;
  } finally {
    conn.close();
  }
}

Deno.exit(await main());
