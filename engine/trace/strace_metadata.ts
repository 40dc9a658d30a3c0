/**
 * What a traced metadata change touches, for the read-only view of `cordon run` started as root
 * (`engine/access_rules.ts`): the absolute path of `chmod`, `chown`, `utime(s)`, `utimensat`,
 * `setxattr` and `removexattr` calls (and their `l`, `f`, `…at` and 32-bit variants), each a
 * `write` of the file's metadata. Landlock does not restrict these; the read-only mounts refuse
 * them with `EROFS` outside the write paths.
 *
 * As in `strace_access.ts`, what the trace cannot tell is undecided, never guessed: a relative
 * path with an unknown working directory, a descriptor without strace `-y`'s decoration. A call
 * that failed in the trace is not checked. A descriptor that is not a file of a mount (a pipe, a
 * socket, an anonymous inode) touches nothing the view decides.
 *
 * @module
 */

import type { TraceCall } from "./trace_item.ts";
import { straceDecoration, straceString } from "./strace_values.ts";
import type { AccessState, StraceAccess } from "./strace_access.ts";
import { ownString, resolvePath } from "../access_rules.ts";

/** Where a call names its file: a (dirfd, path) pair (`dirfd` -1: the working directory), or an fd. */
type MetadataSpec =
  | { readonly dirfd: number; readonly path: number }
  | { readonly fd: number };

const byPath = (path: number): MetadataSpec => ({ dirfd: -1, path });
const atDir = (dirfd: number, path: number): MetadataSpec => ({ dirfd, path });
const byFd = (fd: number): MetadataSpec => ({ fd });

/** The calls read here, by name (x86_64, aarch64 and i386 share these names). */
const CALLS: ReadonlyMap<string, MetadataSpec> = new Map<string, MetadataSpec>([
  ["chmod", byPath(0)],
  ["fchmod", byFd(0)],
  ["fchmodat", atDir(0, 1)],
  ["fchmodat2", atDir(0, 1)],
  ["chown", byPath(0)],
  ["chown32", byPath(0)],
  ["lchown", byPath(0)],
  ["lchown32", byPath(0)],
  ["fchown", byFd(0)],
  ["fchown32", byFd(0)],
  ["fchownat", atDir(0, 1)],
  ["utime", byPath(0)],
  ["utimes", byPath(0)],
  ["futimesat", atDir(0, 1)],
  ["utimensat", atDir(0, 1)],
  ["utimensat_time64", atDir(0, 1)],
  ["setxattr", byPath(0)],
  ["lsetxattr", byPath(0)],
  ["fsetxattr", byFd(0)],
  ["setxattrat", atDir(0, 1)],
  ["removexattr", byPath(0)],
  ["lremovexattr", byPath(0)],
  ["fremovexattr", byFd(0)],
  ["removexattrat", atDir(0, 1)],
]);

/**
 * Whether {@linkcode straceMetadataAccess} reads calls named `name`.
 *
 * @example
 * ```ts
 * import { isMetadataCall } from "./strace_metadata.ts";
 * if (!isMetadataCall("fchownat") || isMetadataCall("openat")) throw new Error();
 * ```
 */
export function isMetadataCall(name: string): boolean {
  return CALLS.has(name);
}

const UNKNOWN_CWD =
  "the working directory is unknown (record with strace -y, or give the starting directory with --cwd)";

/** The file of an fd argument, from strace `-y`'s decoration; `null`: not a file of a mount. */
function fdFile(text: string, index: number): string | null | { index: number; reason: string } {
  const decoration = straceDecoration(text);
  if (decoration === undefined) {
    return { index, reason: `the file of fd ${text} is unknown (record with strace -y)` };
  }
  if (!decoration.startsWith("/")) return null; // pipe:[…], socket:[…], anon_inode:[…]
  if (decoration.endsWith(" (deleted)")) {
    return { index, reason: `the file of fd ${text} was deleted` };
  }
  return resolvePath(decoration, undefined)!;
}

/**
 * The metadata change of `call`, or `undefined` when it touches nothing the read-only view
 * decides (another call, a call that failed, a pipe's or socket's fd). Follows the working
 * directory strace `-y` shows for `AT_FDCWD` into `state`.
 *
 * @param call a traced call
 * @param state its process's state (the working directory is read, and updated from `-y`)
 * @returns the access, or `undefined`
 *
 * @example
 * ```ts
 * import { straceMetadataAccess } from "./strace_metadata.ts";
 * import { StraceParser } from "@cordon/cordon";
 * import type { TraceCall, TraceItem } from "@cordon/cordon";
 * const items: TraceItem[] = [];
 * new StraceParser().push('7 fchmodat(AT_FDCWD</srv>, "run.sh", 0755) = 0', 1, items);
 * const access = straceMetadataAccess(items[0] as TraceCall, { cwd: undefined, sockets: new Map() });
 * if (access?.kind !== "paths" || access.path !== "/srv/run.sh" || access.checks[0]!.change !== "metadata") {
 *   throw new Error(JSON.stringify(access));
 * }
 * ```
 */
export function straceMetadataAccess(
  call: TraceCall,
  state: AccessState,
): StraceAccess | undefined {
  const spec = call.name === null ? undefined : CALLS.get(call.name);
  if (spec === undefined) return undefined;
  if (call.ret !== undefined && call.ret < 0) return undefined;
  const texts = call.argText;
  let path: string | null | { index: number; reason: string };
  if ("fd" in spec) {
    path = fdFile(texts[spec.fd] ?? "", spec.fd);
  } else {
    const pathText = texts[spec.path] ?? "";
    const dirText = spec.dirfd >= 0 ? texts[spec.dirfd] ?? "" : "AT_FDCWD";
    const written = pathText === "NULL" ? "" : straceString(pathText);
    if (written === undefined || written.includes("\0")) {
      return { kind: "undecided", index: spec.path, reason: "the path is not shown by the trace" };
    }
    const isCwd = dirText.startsWith("AT_FDCWD");
    const decoration = spec.dirfd >= 0 ? straceDecoration(dirText) : undefined;
    if (isCwd && decoration?.startsWith("/")) {
      const cwd = resolvePath(decoration, undefined)!;
      if (state.cwd !== cwd) state.cwd = ownString(cwd);
    }
    if (written.startsWith("/")) {
      path = resolvePath(written, undefined)!;
    } else if (written === "") {
      // NULL (utimensat) or AT_EMPTY_PATH: the call works on the dirfd itself.
      path = isCwd
        ? (state.cwd ?? { index: spec.path, reason: UNKNOWN_CWD })
        : fdFile(dirText, spec.dirfd);
    } else if (isCwd) {
      const resolved = resolvePath(written, state.cwd);
      path = resolved ?? {
        index: spec.dirfd >= 0 ? spec.dirfd : spec.path,
        reason: `relative path "${written}": ${UNKNOWN_CWD}`,
      };
    } else {
      const base = fdFile(dirText, spec.dirfd);
      path = typeof base === "string"
        ? resolvePath(written, base)!
        : base === null
        ? { index: spec.dirfd, reason: `fd ${dirText} is not a directory` }
        : { index: spec.dirfd, reason: `relative path "${written}": ${base.reason}` };
    }
  }
  if (path === null) return undefined;
  if (typeof path !== "string") return { kind: "undecided", ...path };
  return { kind: "paths", path, checks: [{ path, access: "write", change: "metadata" }] };
}
