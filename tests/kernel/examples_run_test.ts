/**
 * The example policies for a build step and a web client, run as a user runs them:
 * `deno run -A mod.ts run --policy examples/policies/NAME.yaml -- COMMAND`, unmodified (no
 * `--allow-degraded`), on real programs. The build step compiles with make and gcc inside its
 * workspace and can write nowhere else; the web client (python3) reaches the loopback proxy
 * port the policy names and nothing else.
 */

import {
  hasFile,
  kernelTest,
  landlockAbi,
  needCommands,
  needRoot,
  PYTHON,
  unavailable,
} from "../_kernel.ts";
import { assert, exists } from "../_probes.ts";
import { type CliRun, cordon } from "../_cli.ts";
import { runNetworkUnavailable } from "../../backends/linux/cgroup_net.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** The workspace `examples/policies/build-step.yaml` names (see its comment). */
const WORKSPACE = "/tmp/cordon-build";
/** Left in a workspace this test created, so that a later run may replace it. */
const MARKER = ".cordon-examples-test";
/** The proxy endpoint `examples/policies/web-client.yaml` allows: tcp/127.0.0.1:3128. */
const PROXY_PORT = 3128;

/**
 * `cordon run --policy examples/policies/EXAMPLE -- COMMAND…` from the repository root. A plain
 * run of an example must enforce all of it: Cordon itself says nothing on stderr (no section
 * "NOT enforced", no warning; only how the command ended, if a signal ended it), whatever the
 * command prints there.
 */
async function cordonRun(
  example: string,
  command: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  const run = await cordon(["run", "--policy", `examples/policies/${example}`, "--", ...command], {
    cwd: ROOT,
    env,
  });
  // The one line a plain run may print: how the command ended, when a signal ended it.
  const own = run.stderr.split("\n").filter((line) =>
    line.startsWith("cordon run:") && !/^cordon run: \S+ killed by SIG[A-Z0-9]+/.test(line)
  );
  assert(own.length === 0, `${example}: Cordon's own messages on a plain run:\n${own.join("\n")}`);
  return run;
}

function show(run: CliRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

// ---------------------------------------------------------------------------------------------
// examples/policies/cli-tool.yaml (its rate limit is applied with eBPF: no warning)

kernelTest(
  "examples/policies/cli-tool.yaml: ls and cat run with every section enforced, chown is denied",
  unavailable(
    Deno.build.os !== "linux" && "needs Linux",
    needRoot(),
    needCommands("ls", "cat", "chown"),
    landlockAbi() < 1 && "needs Landlock",
  ),
  async () => {
    const ls = await cordonRun("cli-tool.yaml", ["ls", "/etc"]);
    assert(ls.code === 0 && ls.stdout.includes("hostname"), show(ls));
    const file = await Deno.makeTempFile({ prefix: "cordon-examples-chown-" });
    try {
      const chown = await cordonRun("cli-tool.yaml", ["chown", "65534", file]);
      assert(chown.code !== 0 && chown.stderr.includes("Operation not permitted"), show(chown));
      assert((await Deno.stat(file)).uid === 0, "the file changed owner");
    } finally {
      await Deno.remove(file);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// examples/policies/build-step.yaml

const HELLO_C = `#include <stdio.h>
#include "version.h"
int main(void) { printf("hello from the build %s\\n", VERSION); return 0; }
`;

// make -C src O=OUT: the vendored tool writes a header into out/, cc compiles against it.
const MAKEFILE = `$(O)/hello: hello.c $(O)/version.h
\t$(CC) -O2 -I$(O) -o $@ hello.c

$(O)/version.h:
\t../tools/gen-version 1.2.3 > $@
`;

const GEN_VERSION = `#!/bin/sh
echo "#define VERSION \\"$1\\""
`;

/** Creates the workspace the example names; refuses to touch one this test did not create. */
async function createWorkspace(): Promise<AsyncDisposable> {
  if (await exists(WORKSPACE)) {
    if (!await exists(`${WORKSPACE}/${MARKER}`)) {
      throw new Error(`${WORKSPACE} exists and was not created by this test: remove it first`);
    }
    await Deno.remove(WORKSPACE, { recursive: true });
  }
  for (const dir of ["src", "tools", "out"]) {
    await Deno.mkdir(`${WORKSPACE}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${WORKSPACE}/${MARKER}`, "");
  await Deno.writeTextFile(`${WORKSPACE}/src/hello.c`, HELLO_C);
  await Deno.writeTextFile(`${WORKSPACE}/src/Makefile`, MAKEFILE);
  await Deno.writeTextFile(`${WORKSPACE}/tools/gen-version`, GEN_VERSION);
  await Deno.chmod(`${WORKSPACE}/tools/gen-version`, 0o755);
  return { [Symbol.asyncDispose]: () => Deno.remove(WORKSPACE, { recursive: true }) };
}

kernelTest(
  "examples/policies/build-step.yaml: make and gcc build in the workspace, writing nowhere else",
  unavailable(
    Deno.build.os !== "linux" && "needs Linux",
    needCommands("make", "gcc", "tar", "sh"),
    landlockAbi() < 5 && "needs Landlock ABI 5 (the example's write paths)",
  ),
  async (t) => {
    await using _workspace = await createWorkspace();
    const out = `${WORKSPACE}/out`;
    // The compilers' temporary files go to the workspace, as the example's comment says.
    const env = { TMPDIR: out };

    await t.step("make runs the vendored tool and gcc, and the program is built", async () => {
      const r = await cordonRun(
        "build-step.yaml",
        ["make", "-C", `${WORKSPACE}/src`, `O=${out}`],
        env,
      );
      assert(r.code === 0, show(r));
      const built = await new Deno.Command(`${out}/hello`, { stdout: "piped" }).output();
      const said = new TextDecoder().decode(built.stdout);
      assert(built.success && said === "hello from the build 1.2.3\n", said);
    });

    await t.step("tar packs the sources into out/", async () => {
      const archive = `${out}/src.tar`;
      const r = await cordonRun("build-step.yaml", ["tar", "-cf", archive, "-C", WORKSPACE, "src"]);
      assert(r.code === 0, show(r));
      const list = await new Deno.Command("tar", { args: ["-tf", archive], stdout: "piped" })
        .output();
      const names = new TextDecoder().decode(list.stdout).split("\n").filter(Boolean).sort();
      assert(names.join() === "src/,src/Makefile,src/hello.c", names.join());
    });

    await t.step("gcc cannot put its temporary files in /tmp", async () => {
      const target = `${out}/no-tmpdir`;
      const r = await cordonRun(
        "build-step.yaml",
        ["gcc", "-o", target, `${WORKSPACE}/src/hello.c`, `-I${out}`],
        { TMPDIR: "/tmp" },
      );
      // Issue 9: as root the read-only mount view answers first (EROFS), else Landlock (EACCES).
      assert(r.code !== 0 && /Permission denied|Read-only file system/.test(r.stderr), show(r));
      assert(!await exists(target), "nothing must be built");
    });

    const denied: [string, string][] = [
      ["outside the workspace", `/tmp/cordon-build-escape-${crypto.randomUUID()}`],
      ["into the sources", `${WORKSPACE}/src/injected.c`],
      ["into the vendored tools", `${WORKSPACE}/tools/gen-version`],
    ];
    for (const [where, path] of denied) {
      await t.step(`writing ${where} fails (EROFS or EACCES) and changes nothing`, async () => {
        const before = await exists(path) ? await Deno.readTextFile(path) : null;
        const r = await cordonRun("build-step.yaml", ["sh", "-c", `echo evil > ${path}`]);
        assert(r.code !== 0 && /Permission denied|Read-only file system/.test(r.stderr), show(r));
        const after = await exists(path) ? await Deno.readTextFile(path) : null;
        assert(after === before, `${path} changed`);
      });
    }

    await t.step("what the build wrote cannot be executed", async () => {
      const r = await cordonRun("build-step.yaml", ["sh", "-c", `exec ${out}/hello`]);
      assert(r.code === 126 && r.stderr.includes("Permission denied"), show(r));
    });
  },
);

// ---------------------------------------------------------------------------------------------
// examples/policies/web-client.yaml

/** For each argument (`HOST:PORT`, or `raw`), one line: the server's answer, `ok` or an errno. */
const CLIENT = `
import errno, socket, sys
for target in sys.argv[1:]:
    try:
        if target == "raw":
            socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
            print("ok", flush=True)
            continue
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"ping\\n")
            print(s.makefile().readline().strip() or "no answer", flush=True)
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)), flush=True)
`;

/** TCP servers answering `pong HOST:PORT` to every connection. */
function pongServers(addresses: readonly { hostname: string; port: number }[]) {
  const listeners = addresses.map((a) => {
    try {
      return Deno.listen(a);
    } catch (error) {
      throw new Error(`cannot listen on ${a.hostname}:${a.port} (needed by the example)`, {
        cause: error,
      });
    }
  });
  const served = Promise.all(listeners.map(async (listener) => {
    const { hostname, port } = listener.addr as Deno.NetAddr;
    try {
      for await (const conn of listener) {
        const reply = new TextEncoder().encode(`pong ${hostname}:${port}\n`);
        await conn.read(new Uint8Array(64)).catch(() => null);
        await conn.write(reply).catch(() => 0);
        conn.close();
      }
    } catch {
      // closed
    }
  }));
  return {
    ports: listeners.map((l) => (l.addr as Deno.NetAddr).port),
    async [Symbol.asyncDispose]() {
      for (const l of listeners) l.close();
      await served;
    },
  };
}

kernelTest(
  "examples/policies/web-client.yaml: python3 reaches the loopback proxy, other endpoints are refused",
  unavailable(
    Deno.build.os !== "linux" && "needs Linux",
    needRoot(),
    !hasFile(PYTHON) && `needs ${PYTHON}`,
    Deno.build.os === "linux" && runNetworkUnavailable(),
  ),
  async () => {
    await using servers = pongServers([
      { hostname: "127.0.0.1", port: PROXY_PORT },
      { hostname: "127.0.0.2", port: PROXY_PORT },
      { hostname: "127.0.0.1", port: 0 },
    ]);
    const other = servers.ports[2]!;
    const targets = [
      `127.0.0.1:${PROXY_PORT}`,
      `127.0.0.2:${PROXY_PORT}`,
      `127.0.0.1:${other}`,
      "raw",
    ];

    // Unconfined, every target is reachable: a refusal below is the policy's doing.
    const direct = await new Deno.Command(PYTHON, {
      args: ["-c", CLIENT, ...targets],
      stdout: "piped",
    })
      .output();
    const reachable = new TextDecoder().decode(direct.stdout).trim().split("\n");
    const expectedDirect = [
      `pong 127.0.0.1:${PROXY_PORT}`,
      `pong 127.0.0.2:${PROXY_PORT}`,
      `pong 127.0.0.1:${other}`,
      "ok",
    ];
    assert(reachable.join("|") === expectedDirect.join("|"), `unconfined: ${reachable.join("|")}`);

    const r = await cordonRun("web-client.yaml", [PYTHON, "-c", CLIENT, ...targets]);
    assert(r.code === 0, show(r));
    const [proxy, otherAddress, otherPort, raw] = r.stdout.trim().split("\n");
    assert(proxy === `pong 127.0.0.1:${PROXY_PORT}`, `the allowed proxy: ${show(r)}`);
    // Port 3128 is allowed (so Landlock lets it pass); the address is the cgroup programs'.
    assert(otherAddress === "EPERM", `127.0.0.2:${PROXY_PORT}: ${show(r)}`);
    // A port no endpoint names: Landlock's TCP rules refuse it first where the ABI has them.
    const portErrno = landlockAbi() >= 4 ? "EACCES" : "EPERM";
    assert(otherPort === portErrno, `127.0.0.1:${other}, expected ${portErrno}: ${show(r)}`);
    // The policy's seccomp rule: no raw sockets, even for root.
    assert(raw === "EACCES", `raw socket: ${show(r)}`);
  },
);
