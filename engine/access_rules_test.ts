import assert from "node:assert/strict";
import {
  AccessRules,
  EACCES,
  EROFS,
  EXDEV,
  fileOpChecks,
  isSpecialFilePath,
  openChecks,
  type PathCheck,
} from "./access_rules.ts";
import { compilePolicies } from "../compile/compile.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { isBeneath } from "../compile/landlock.ts";
import type { FilesystemRules, Mode, ResolvedPolicy } from "../policies/types.ts";
import { intersectSubtrees } from "../compile/run_view.ts";

const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;

function policy(
  name: string,
  line: number,
  filesystem?: { read?: string[]; write?: string[]; execute?: string[] },
  mode: Mode = "enforce",
): ResolvedPolicy {
  const loc = { file: `${name}.yaml`, line, column: 1 };
  const fs: FilesystemRules | undefined = filesystem === undefined ? undefined : {
    read: filesystem.read ?? [],
    write: filesystem.write ?? [],
    execute: filesystem.execute ?? [],
    loc: { file: `${name}.yaml`, line: line + 10, column: 3 },
  };
  return {
    name,
    defaultAction: "allow",
    defaultErrno: 1,
    mode,
    loc,
    rules: [],
    ...(fs === undefined ? {} : { filesystem: fs }),
  };
}

function compile(...policies: ResolvedPolicy[]): FilterSet {
  return compilePolicies(policies, { arches: ["x86_64"] });
}

const write = (path: string, change?: PathCheck["change"]): PathCheck => ({
  path,
  access: "write",
  ...(change === undefined ? {} : { change }),
});

Deno.test("the root view refuses writes outside the intersection the run's planner computes", async (t) => {
  const set = compile(
    policy("a", 1, { write: ["/tmp", "/srv/a"] }),
    policy("b", 100, { write: ["/tmp/x", "/srv"] }),
    policy("c", 200, { read: ["/usr"] }), // lists no write paths: does not narrow the view
  );
  const rules = AccessRules.of(set, { view: "root" })!;
  const writable = intersectSubtrees([["/tmp", "/srv/a"], ["/tmp/x", "/srv"]]);
  assert.deepEqual(writable, ["/srv/a", "/tmp/x"]);
  const cases: [string, string | undefined][] = [
    ["/tmp/x/f", undefined],
    ["/srv/a/b/c", undefined],
    ["/tmp/y", "b"], // a covers it, b does not
    ["/srv/b", "a"],
    ["/etc/passwd", "a"],
    ["/", "a"],
  ];
  for (const [path, by] of cases) {
    await t.step(`${path}: ${by ?? "writable"}`, () => {
      // The same answer as the planner's function, for content, entries and metadata alike.
      assert.equal(writable.some((w) => isBeneath(path, w)), by === undefined);
      for (const change of ["content", "entries", "metadata"] as const) {
        const denial = rules.decideAccess([0, 1, 2], [write(path, change)]);
        if (by === undefined) {
          assert.equal(denial, undefined);
          continue;
        }
        assert.ok(denial !== undefined);
        assert.equal(denial.mechanism, "read-only-view");
        assert.equal(denial.errno, EROFS);
        assert.equal(denial.section, "filesystem.write");
        assert.equal(denial.policy, by);
        assert.equal(denial.ruleId, `${by}:filesystem.write`);
        assert.deepEqual(denial.loc, set.layers.find((l) => l.policy === by)!.filesystem!.loc);
        assert.equal(denial.subject, path);
        assert.match(denial.reason, new RegExp(`policy "${by}" covers "${path}"`));
      }
    });
  }
  // The view is the run's: it does not depend on which layers target the process.
  assert.equal(rules.decideAccess([2], [write("/etc/passwd")])?.mechanism, "read-only-view");
  assert.equal(rules.decideAccess([], [write("/etc/passwd")])?.mechanism, "read-only-view");
});

Deno.test("the root view with no write paths writes nowhere, located at the first filesystem section or policy", () => {
  const withSection = compile(policy("p", 1), policy("q", 50, { execute: ["/usr"] }));
  const a = AccessRules.of(withSection, { view: "root" })!;
  const denial = a.decideAccess([0, 1], [write("/tmp/f")])!;
  assert.equal(denial.policy, "q");
  assert.deepEqual(denial.loc, withSection.layers[1]!.filesystem!.loc);
  assert.match(denial.reason, /no policy lists filesystem\.write paths/);
  // No filesystem section at all: the first policy's location; rules exist only for the root view.
  const bare = compile(policy("p", 7));
  assert.equal(AccessRules.of(bare), undefined);
  assert.equal(AccessRules.of(bare, { view: "user" }), undefined);
  const b = AccessRules.of(bare, { view: "root" })!;
  assert.equal(b.decidesPaths, true);
  assert.equal(b.hasFilesystem, false);
  const bareDenial = b.decideAccess([0], [write("/tmp", "entries")])!;
  assert.deepEqual([bareDenial.policy, bareDenial.loc], ["p", bare.layers[0]!.loc]);
  // Nothing to attribute a denial to: no rules.
  assert.equal(AccessRules.of({ version: 1, layers: [] }, { view: "root" }), undefined);
});

Deno.test("the root view keeps the host writable when every layer that lists write paths lists /", () => {
  const set = compile(
    policy("a", 1, { write: ["/"] }),
    policy("b", 20, { write: ["/", "/tmp"], read: ["/usr"] }),
  );
  const rules = AccessRules.of(set, { view: "root" })!;
  assert.equal(rules.decideAccess([0, 1], [write("/etc/passwd", "metadata")]), undefined);
  // Not the view; Landlock's write rules of the process's layers still could.
  assert.equal(rules.mayDeny([], "write"), false);
  assert.equal(rules.mayDeny([0, 1], "write"), true);
  // Landlock still decides what the layers restrict.
  const read = rules.decideAccess([0, 1], [{ path: "/etc/passwd", access: "read" }]);
  assert.equal(read?.mechanism, "landlock");
  assert.equal(read?.errno, EACCES);
  // One layer without / narrows the view again.
  const narrowed = AccessRules.of(
    compile(policy("a", 1, { write: ["/"] }), policy("b", 20, { write: ["/tmp"] })),
    { view: "root" },
  )!;
  assert.equal(narrowed.decideAccess([0, 1], [write("/etc/x")])?.policy, "b");
  assert.equal(narrowed.mayDeny([], "write"), true);
});

Deno.test("the user view is Landlock alone: metadata changes pass, writes get EACCES", () => {
  const set = compile(policy("p", 1, { write: ["/tmp/app"] }));
  const user = AccessRules.of(set)!;
  assert.equal(user.view, "user");
  assert.equal(user.decideAccess([0], fileOpChecks("chmod", "/etc/passwd")), undefined);
  assert.equal(user.decideAccess([0], fileOpChecks("chown", "/etc/passwd")), undefined);
  const denial = user.decideAccess([0], openChecks("/etc/passwd", O_WRONLY))!;
  assert.deepEqual([denial.mechanism, denial.errno], ["landlock", EACCES]);
  const root = AccessRules.of(set, { view: "root" })!;
  for (const op of ["chmod", "chown"] as const) {
    const erofs = root.decideAccess([0], fileOpChecks(op, "/etc/passwd"))!;
    assert.deepEqual([erofs.mechanism, erofs.errno, erofs.access], [
      "read-only-view",
      EROFS,
      "write",
    ]);
  }
  assert.equal(root.decideAccess([0], fileOpChecks("chmod", "/tmp/app/x")), undefined);
  // decidePaths is Landlock's decision in either view.
  assert.equal(root.decidePaths([0], fileOpChecks("chmod", "/etc/passwd")), undefined);
});

Deno.test("the root view's EROFS comes before Landlock's denials of the same call", () => {
  const set = compile(policy("p", 1, { read: ["/usr"], write: ["/tmp/app"] }));
  const root = AccessRules.of(set, { view: "root" })!;
  // O_RDWR of /etc/x: Landlock would deny the read too, but the mount check comes first.
  const rdwr = root.decideAccess([0], openChecks("/etc/x", O_RDWR))!;
  assert.deepEqual([rdwr.mechanism, rdwr.errno], ["read-only-view", EROFS]);
  // A read-only open is Landlock's alone.
  const read = root.decideAccess([0], openChecks("/etc/x", 0))!;
  assert.deepEqual([read.mechanism, read.errno], ["landlock", EACCES]);
  // Creating a file with O_EXCL is a change of the parent's entries.
  const excl = root.decideAccess([0], openChecks("/etc/new", O_CREAT | O_EXCL | O_WRONLY))!;
  assert.deepEqual([excl.mechanism, excl.subject], ["read-only-view", "/etc"]);
  // A rename into the write path from outside: the source directory is read-only.
  const rename = root.decideAccess(
    [0],
    fileOpChecks("rename", "/etc/a", { target: "/tmp/app/a" }),
  )!;
  assert.deepEqual([rename.mechanism, rename.subject], ["read-only-view", "/etc"]);
});

Deno.test("the root view does not stop writes to devices, pipes and terminals, but does their metadata and /dev's entries", () => {
  const set = compile(policy("p", 1));
  const root = AccessRules.of(set, { view: "root" })!;
  for (const path of ["/dev/null", "/dev/pts/3", "/dev/tty", "/proc/self/fd/1", "/proc/42/fd/2"]) {
    assert.equal(root.decideAccess([0], openChecks(path, O_WRONLY)), undefined, path);
  }
  // Ordinary files beneath /dev (tmpfs, mqueue) are on read-only mounts like any other.
  assert.equal(root.decideAccess([0], openChecks("/dev/shm/x", O_WRONLY))?.errno, EROFS);
  assert.equal(root.decideAccess([0], fileOpChecks("mkdir", "/dev/x"))?.subject, "/dev");
  assert.equal(root.decideAccess([0], fileOpChecks("chmod", "/dev/null"))?.errno, EROFS);
  // A descriptor's path whose real file is known (strace -y) is decided on that file.
  const redirected = root.decideAccess([0], openChecks("/dev/stdout", O_WRONLY, "/tmp/out.txt"));
  assert.equal(redirected?.errno, EROFS);
  assert.equal(
    root.decideAccess([0], openChecks("/dev/stdout", O_WRONLY, "/dev/pts/0")),
    undefined,
  );
  assert.deepEqual(
    ["/dev/null", "/dev/shm/a", "/dev", "/proc/self/fd/3", "/proc/self/fdinfo/3", "/devx"].map(
      isSpecialFilePath,
    ),
    [true, false, false, true, false, false],
  );
});

Deno.test("a layer in audit mode does not narrow the root view: it counts as writing /", () => {
  const set = compile(policy("audited", 1, { write: ["/tmp/app"] }, "audit"));
  const root = AccessRules.of(set, { view: "root" })!;
  // Landlock's denial keeps the layer's mode: reported, not applied.
  const denial = root.decideAccess([0], [write("/etc/x")])!;
  assert.equal(denial.mechanism, "landlock");
  assert.equal(denial.mode, "audit");
  assert.equal(root.decideAccess([0], [write("/etc/x", "metadata")]), undefined);
  // Beside an enforcing layer, the view is that layer's, and its denials are enforced.
  const mixed = compile(
    policy("audited", 1, { write: ["/tmp/app"] }, "audit"),
    policy("enforcing", 40, { write: ["/srv"] }),
  );
  const view = AccessRules.of(mixed, { view: "root" })!.decideAccess([0, 1], [
    write("/etc/x", "metadata"),
  ])!;
  assert.deepEqual([view.mechanism, view.mode, view.policy], [
    "read-only-view",
    "enforce",
    "enforcing",
  ]);
  // Only audit layers, none with a filesystem section: the host stays writable.
  const bare = AccessRules.of(compile(policy("p", 1, undefined, "audit")), { view: "root" })!;
  assert.equal(bare.decideAccess([0], [write("/etc/x", "entries")]), undefined);
});

Deno.test("mayDeny says which accesses a process's layers can deny", () => {
  const set = compile(policy("p", 1, { execute: ["/usr/bin"] }), policy("q", 30));
  const user = AccessRules.of(set)!;
  assert.deepEqual(
    (["read", "list", "write", "execute"] as const).map((a) => user.mayDeny([0], a)),
    [false, false, false, true],
  );
  assert.equal(user.mayDeny([1], "execute"), false);
  const root = AccessRules.of(set, { view: "root" })!;
  assert.equal(root.mayDeny([1], "write"), true);
  assert.equal(root.mayDeny([1], "read"), false);
});

Deno.test("the root view refuses a rename between its mounts with EXDEV, before EROFS", () => {
  const set = compile(
    policy("p", 1, { write: ["/srv/a", "/srv/b"], execute: ["/usr", "/srv/a/bin"] }),
  );
  const root = AccessRules.of(set, { view: "root" })!;
  const rename = (from: string, to: string) =>
    root.decideAccess([0], fileOpChecks("rename", from, { target: to }));
  assert.equal(rename("/srv/a/x", "/srv/a/y/z"), undefined);
  // Each write path is bound as a mount of its own, and so is an execute path inside one.
  for (const [from, to] of [["/srv/a/x", "/srv/b/x"], ["/srv/a/x", "/srv/a/bin/x"]]) {
    const denial = rename(from!, to!)!;
    assert.deepEqual([denial.mechanism, denial.errno], ["read-only-view", EXDEV], `${from} ${to}`);
    assert.match(denial.reason, /crosses mounts/);
  }
  // Out of a write path onto the read-only rest: EXDEV too (checked before write access).
  assert.equal(rename("/srv/a/x", "/etc/x")?.errno, EXDEV);
  assert.equal(rename("/etc/x", "/srv/a/x")?.subject, "/etc");
  // Both on the read-only rest: one mount, so EROFS.
  assert.equal(rename("/etc/x", "/etc/y")?.errno, EROFS);
  // The user view has no mounts of its own: Landlock decides.
  const user = AccessRules.of(set)!.decideAccess(
    [0],
    fileOpChecks("rename", "/srv/a/x", {
      target: "/srv/b/x",
    }),
  );
  assert.equal(user, undefined);
});
