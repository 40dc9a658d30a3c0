/**
 * Bypass suite (issue 9): the host's files. uid 0 without capabilities still writes every file
 * root owns (DAC passes on ownership): `/etc/ld.so.preload`, cron, `authorized_keys` would make
 * any confined root program the host's root. Under `cordon run` started as root, the command's
 * mount namespace is read-only but for the write paths of its policies (nothing when no layer
 * lists any). And whatever the write paths, what a later `cordon run` executes as root before any
 * confinement stays read-only: Cordon's code (and the Deno the wrapper installs there), the Deno
 * executable, Deno's cache (`DENO_DIR`: compiled modules, npm packages). A write path inside one
 * of them is refused before anything runs.
 *
 * The effect observed: no file appears or changes outside the write paths (each attempt creates
 * a fresh name, or opens an existing file for appending and writes nothing).
 */

import { kernelTest } from "../_kernel.ts";
import { assert, exists, rejection } from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { cordonOwnPaths, PrivilegesError } from "../../backends/linux/process_confinement.ts";
import {
  attempts,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  permissive,
  policySet,
} from "./_confinement.ts";

const CORDON_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

const SCRIPT = `
etc, cordon, deno_dir, deno_bin_dir, name = sys.argv[1:6]
def create(directory):
    os.close(os.open(directory + "/" + name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
def append(path):
    os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
attempt("etc_create", lambda: create(etc))
attempt("etc_append_passwd", lambda: append(etc + "/passwd"))
attempt("cordon_create", lambda: create(cordon))
attempt("cordon_append_mod", lambda: append(cordon + "/mod.ts"))
attempt("deno_dir_create", lambda: create(deno_dir))
attempt("deno_bin_create", lambda: create(deno_bin_dir))
`;

kernelTest(
  "bypass: a command run as root writes nothing of the host's outside its write paths",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-host-files-" });
    const own = cordonOwnPaths();
    const denoDir = own.find((p) => !p.startsWith(CORDON_ROOT) && !Deno.execPath().startsWith(p));
    const denoBinDir = Deno.execPath().slice(0, Deno.execPath().lastIndexOf("/"));
    const name = `cordon-probe-${crypto.randomUUID()}`;
    const created = ["/etc", CORDON_ROOT, denoDir ?? CORDON_ROOT, denoBinDir].map((d) =>
      `${d}/${name}`
    );
    const args = ["/etc", CORDON_ROOT, denoDir ?? CORDON_ROOT, denoBinDir, name];
    try {
      const readOnly = {
        etc_create: "EROFS",
        etc_append_passwd: "EROFS",
        cordon_create: "EROFS",
        cordon_append_mod: "EROFS",
        deno_dir_create: "EROFS",
        deno_bin_create: "EROFS",
      };
      const sources: [string, string[], Record<string, string>][] = [
        ["builtin:baseline", ["builtin:baseline"], readOnly],
        ["cli-tool.yaml", [CLI_TOOL], readOnly],
        ["allow-all keeping CAP_DAC_OVERRIDE, CAP_FOWNER", [
          permissive("no-write-paths", ["CAP_DAC_OVERRIDE", "CAP_FOWNER"]),
        ], readOnly],
        // Writing everywhere is the policy's to grant, but not Cordon's own files.
        ["allow-all writing /", [permissive("everywhere", [], `{ write: ["/"] }`)], {
          ...readOnly,
          etc_create: "ok",
          etc_append_passwd: "ok",
        }],
      ];
      for (const [label, policies, want] of sources) {
        await t.step(label, async () => {
          const run = await attempts(await policySet(dir, ...policies), SCRIPT, args);
          try {
            expectAttempts(run, want);
          } finally {
            for (const path of created) await Deno.remove(path).catch(() => {});
          }
        });
      }
      await t.step(
        "the write paths' own directories stay writable (the probe is sound)",
        async () => {
          const run = await attempts(
            await policySet(dir, permissive("scratch", [], `{ write: [${JSON.stringify(dir)}] }`)),
            `attempt("scratch_create", lambda: os.close(os.open(sys.argv[1] + "/f", os.O_WRONLY | os.O_CREAT, 0o644)))`,
            [dir],
          );
          expectAttempts(run, { scratch_create: "ok" });
          assert(await exists(`${dir}/f`), "the write path's file is not there");
        },
      );
      await t.step("a device as a write path (/dev/null) stays usable", async () => {
        const run = await attempts(
          await policySet(
            dir,
            permissive("dev-null", [], `{ write: ["/dev/null", ${JSON.stringify(dir)}] }`),
          ),
          `attempt("dev_null_write", lambda: open("/dev/null", "w").write("x"))
attempt("dev_null_read", lambda: open("/dev/null").read())`,
        );
        expectAttempts(run, { dev_null_write: "ok", dev_null_read: "ok" });
      });
      await t.step("a write path inside Cordon's own files is refused, nothing runs", async () => {
        const marker = `${CORDON_ROOT}/examples/${name}`;
        const set = await policySet(
          dir,
          permissive("inside", [], `{ write: [${JSON.stringify(`${CORDON_ROOT}/examples`)}] }`),
        );
        const error = await rejection(runConfined({ set, command: ["/usr/bin/touch", marker] }));
        assert(
          error instanceof PrivilegesError && error.code === "WRITE_PATH_PROTECTED",
          `${error}`,
        );
        assert(!await exists(marker), "the command ran");
      });
    } finally {
      for (const path of created) await Deno.remove(path).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
);
