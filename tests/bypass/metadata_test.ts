/**
 * Bypass suite (issue 9, item 7): Landlock has no rights for metadata, so `chown`, `chmod 04777`,
 * `utimes` and `setxattr` (`security.capability` included) of a file outside the write paths
 * must be refused some other way: without capabilities, root cannot change what it does not own
 * (the file belongs to another user); with them, and with every syscall allowed, the read-only
 * mount view answers `EROFS`. Inside a write path the same changes work (compilers `chmod`
 * their output). Each attempt is checked on the file itself afterwards: nothing changed.
 */

import { kernelTest, PYTHON } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import {
  attempts,
  baselineWriting,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  permissive,
  policySet,
} from "./_confinement.ts";

const SCRIPT = `
def changes(prefix, path):
    attempt(prefix + "_chown", lambda: os.chown(path, 1234, 1234))
    attempt(prefix + "_chmod_setuid", lambda: os.chmod(path, 0o4777))
    attempt(prefix + "_utimes", lambda: os.utime(path, (1, 1)))
    attempt(prefix + "_setxattr_user", lambda: os.setxattr(path, "user.cordon", b"x"))
    # VFS_CAP_REVISION_2 granting CAP_SYS_ADMIN (bit 21) in permitted and effective
    cap = bytes([1, 0, 0, 2]) + (1 << 21).to_bytes(4, "little") + bytes(12)
    attempt(prefix + "_setxattr_capability", lambda: os.setxattr(path, "security.capability", cap))
changes("outside", sys.argv[1])
if len(sys.argv) > 2:
    changes("inside", sys.argv[2])
`;

interface Snapshot {
  readonly mode: number | null;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly mtime: number | undefined;
  readonly xattrs: string;
}

async function snapshot(path: string): Promise<Snapshot> {
  const info = await Deno.stat(path);
  const { stdout } = await new Deno.Command(PYTHON, {
    args: ["-c", "import os, sys; print(sorted(os.listxattr(sys.argv[1])))", path],
    stdout: "piped",
  }).output();
  return {
    mode: info.mode,
    uid: info.uid,
    gid: info.gid,
    mtime: info.mtime?.getTime(),
    xattrs: new TextDecoder().decode(stdout),
  };
}

kernelTest(
  "bypass: metadata of files outside the write paths cannot be changed",
  CONFINEMENT_REASON,
  async (t) => {
    const outsideDir = await Deno.makeTempDir({ prefix: "cordon-meta-out-" });
    const insideDir = await Deno.makeTempDir({ prefix: "cordon-meta-in-" });
    try {
      const outside = `${outsideDir}/target`;
      const inside = `${insideDir}/target`;
      const refuse = "EPERM|EROFS|EACCES|ENOTSUP";
      const outsideRefused = {
        outside_chown: refuse,
        outside_chmod_setuid: refuse,
        outside_utimes: refuse,
        outside_setxattr_user: refuse,
        outside_setxattr_capability: refuse,
      };
      const cases: [string, string[], string, boolean, Record<string, string>][] = [
        // No write paths: nothing is writable, not even root's own files (uid 0 owns them).
        ["builtin:baseline, a file of root's", ["builtin:baseline"], "root", false, {
          outside_chown: "EROFS",
          outside_chmod_setuid: "EROFS",
          outside_utimes: "EROFS",
          outside_setxattr_user: "EROFS",
          outside_setxattr_capability: "EROFS",
        }],
        [
          "cli-tool.yaml writing one directory",
          [CLI_TOOL, baselineWriting(insideDir)],
          "root",
          true,
          {
            ...outsideRefused,
            outside_chmod_setuid: "EROFS",
            outside_utimes: "EROFS",
            inside_chmod_setuid: "ok",
            inside_utimes: "ok",
          },
        ],
        // As much as can be allowed: every syscall, the capabilities that override ownership and
        // set file capabilities, writes below one directory. Still EROFS outside it.
        [
          "allow-all keeping CAP_CHOWN, CAP_FOWNER, CAP_SETFCAP, CAP_DAC_OVERRIDE",
          [
            permissive(
              "metadata",
              ["CAP_CHOWN", "CAP_FOWNER", "CAP_FSETID", "CAP_SETFCAP", "CAP_DAC_OVERRIDE"],
              `{ write: [${JSON.stringify(insideDir)}] }`,
            ),
          ],
          "root",
          true,
          {
            outside_chown: "EROFS",
            outside_chmod_setuid: "EROFS",
            outside_utimes: "EROFS",
            outside_setxattr_user: "EROFS",
            outside_setxattr_capability: "EROFS",
            inside_chown: "ok",
            inside_chmod_setuid: "ok",
            inside_utimes: "ok",
            inside_setxattr_capability: "ok",
          },
        ],
      ];
      for (const [name, policies, owner, withInside, want] of cases) {
        await t.step(name, async () => {
          await Deno.writeTextFile(outside, "data");
          await Deno.chmod(outside, 0o644);
          await Deno.chown(outside, owner === "root" ? 0 : 65534, owner === "root" ? 0 : 65534);
          await Deno.writeTextFile(inside, "data");
          await Deno.chmod(inside, 0o644);
          await Deno.chown(inside, 0, 0);
          const before = await snapshot(outside);
          const run = await attempts(
            await policySet(insideDir, ...policies),
            SCRIPT,
            withInside ? [outside, inside] : [outside],
          );
          expectAttempts(run, want);
          const after = await snapshot(outside);
          assert(
            JSON.stringify(after) === JSON.stringify(before),
            `${outside} changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`,
          );
          if (withInside && want.inside_chmod_setuid === "ok") {
            const changed = await Deno.stat(inside);
            assert((changed.mode! & 0o7777) === 0o4777, "the chmod inside must have happened");
          }
        });
      }
    } finally {
      await Deno.remove(outsideDir, { recursive: true });
      await Deno.remove(insideDir, { recursive: true });
    }
  },
);
