/**
 * The launcher: the small Deno program that `launchConfined` (in `launcher.ts`) starts with the
 * target's stdio and working directory, and a fixed environment of its own. It reads its plan
 * (with the target's environment) from the parent over the inherited socketpair descriptor its
 * one argument names, waits for the parent's go, then, without returning to the event loop: marks
 * every descriptor above 2 close-on-exec, applies the process confinement (namespaces, read-only
 * view, privileges: `process_confinement.ts`), sets `no_new_privs`, applies the Landlock step if
 * the plan has one, installs each seccomp filter on all threads and `execve`s the target. If any step
 * fails it reports the failure to the parent and exits (126, or 127 for a command not found)
 * without `execve`.
 *
 * Started as `deno run --no-config --no-lock --no-remote --no-npm --allow-ffi
 * --allow-env=CORDON_LIBC _launcher_main.ts FD` (see `launcherArgs`). Its imports are kept minimal
 * for start-up time: no YAML parser, no compiler.
 *
 * @module
 */

import {
  type ByteChannel,
  EXIT_CANNOT_EXECUTE,
  EXIT_NOT_FOUND,
  type LaunchFailureReport,
  type LaunchPlan,
  type LaunchStage,
  openInheritedChannel,
  readGo,
  readPlan,
  writeFrame,
  writeReady,
} from "./launcher.ts";
import { KernelError } from "./errors.ts";
import {
  environ,
  hostSyscallNumber,
  keepAlive,
  libc,
  toCString,
  toCStringArray,
  unwrap,
} from "./libc.ts";
import { installSeccompFilter, setNoNewPrivs } from "./seccomp_install.ts";

const SIGPIPE = 13;
const SIG_SETMASK = 2;
const ENOENT = 2;
const ENOTDIR = 20;
const CLOSE_RANGE_CLOEXEC = 4n;

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

/**
 * Confines the process and `execve`s the target; returns only by throwing. Order (issue 9):
 * namespaces and the read-only view (need CAP_SYS_ADMIN), the Landlock rulesets filled (their
 * paths opened while every path can still be), privileges dropped, `no_new_privs`, Landlock
 * enforced, seccomp filters, `execve`.
 */
async function confineAndExec(plan: LaunchPlan, channelFd: number): Promise<never> {
  // The modules are loaded before the first irreversible step, and only when needed.
  const landlock = plan.landlock ? await import("./landlock.ts") : undefined;
  const processConfinement = plan.confinement
    ? await import("./process_confinement.ts")
    : undefined;
  // Issue 14 (--explain): the listener's hand-over is prepared before anything is installed.
  const sender = plan.filters.some((f) => f.listener)
    ? (await import("./seccomp_listener.ts")).prepareDescriptorSender()
    : undefined;
  // From here on nothing awaits: the sequence runs without the event loop, so no other code of
  // this process runs between the filters' installation and execve.
  const confinement = plan.confinement;
  if (confinement && processConfinement && confinement.namespaces) {
    try {
      processConfinement.enterNamespaces();
    } catch (error) {
      throw new StepError("namespaces", message(error), { cause: error });
    }
    try {
      processConfinement.applyMounts(confinement);
    } catch (error) {
      throw new StepError("mounts", message(error), { cause: error });
    }
  }
  let prepared: import("./landlock.ts").PreparedLandlock | undefined;
  if (plan.landlock && landlock) {
    try {
      prepared = landlock.prepareLandlock(plan.landlock.rulesets);
    } catch (error) {
      throw new StepError("landlock", `apply Landlock ruleset: ${message(error)}`, {
        cause: error,
      });
    }
  }
  try {
    if (confinement && processConfinement) {
      try {
        processConfinement.applyPrivileges(confinement.privileges);
      } catch (error) {
        throw new StepError("privileges", message(error), { cause: error });
      }
    }
    try {
      setNoNewPrivs();
    } catch (error) {
      throw new StepError("no_new_privs", message(error), { cause: error });
    }
    if (prepared) {
      try {
        prepared.restrictSelf({ logNewExec: plan.landlock?.logNewExec === true });
      } catch (error) {
        throw new StepError("landlock", `apply Landlock ruleset: ${message(error)}`, {
          cause: error,
        });
      }
    }
  } finally {
    prepared?.close();
  }
  for (const filter of plan.filters) {
    try {
      const listener = installSeccompFilter(filter.program, { listener: filter.listener === true });
      // The parent answers this filter's notifications from now on (also any of this process's
      // other threads until execve): it must have the listener before anything else happens.
      if (filter.listener) sender!.send(channelFd, listener);
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
    // The target's environment comes in the plan (the launcher's own is a fixed, minimal one).
    const env = plan.env ? toCStringArray(plan.env) : undefined;
    const envp = env ? Deno.UnsafePointer.of(env.array) : environ();
    unwrap(symbols.execve(file, argv, envp), `execve "${plan.file}"`);
    keepAlive(keep, env);
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

/**
 * Marks every descriptor above 2 close-on-exec (`close_range(3, ~0U, CLOSE_RANGE_CLOEXEC)`, Linux
 * 5.11), so the target starts with only its standard streams whatever `cordon run` inherited
 * (Landlock checks a path when it is opened, not the descriptors a process already holds). Fails
 * closed: without `close_range` nothing runs.
 */
function closeInheritedDescriptors(): void {
  try {
    unwrap(
      libc().syscall(
        BigInt(hostSyscallNumber("close_range")),
        3n,
        0xffffffffn,
        CLOSE_RANGE_CLOEXEC,
        0n,
        0n,
        0n,
      ),
      "mark descriptors above 2 close-on-exec (close_range, Linux 5.11)",
    );
  } catch (error) {
    throw new StepError("descriptors", message(error), { cause: error });
  }
}

async function main(): Promise<number> {
  let channel: ByteChannel;
  try {
    channel = openInheritedChannel(Number(Deno.args[0] ?? "-1"));
  } catch (error) {
    console.error(`cordon launcher: ${message(error)}; it is started by \`cordon run\``);
    return EXIT_CANNOT_EXECUTE;
  }
  try {
    const plan = await readPlan(channel);
    await writeReady(channel);
    if (!await readGo(channel)) return EXIT_CANNOT_EXECUTE; // the parent went away: run nothing
    closeInheritedDescriptors();
    return await confineAndExec(plan, Number(Deno.args[0]));
  } catch (error) {
    const failure = report(error, "plan");
    try {
      await writeFrame(channel, JSON.stringify(failure));
    } catch {
      console.error(`cordon launcher: ${failure.message}`);
    }
    return failure.exitCode;
  }
}

Deno.exit(await main());
