/**
 * Bypass suite: `listen()` autobind (issue 9, item 14). `listen()` on a TCP socket that was
 * never bound makes the kernel pick a port without running the cgroup bind4/6 hooks or
 * Landlock's BIND_TCP check: a policy with no `bind` rule would still serve on the network.
 * `bpf/cgroup_guard.bpf.c` watches `sock:inet_sock_set_state`: a task of the run cgroup moving
 * a socket with no local port to TCP_LISTEN is killed (SIGKILL, delivered before `listen()`
 * returns, to every thread), unless a `bind` rule allows port 0 of the wildcard address. The
 * program announces the port on stdout once `listen()` returned; a killed program announces
 * nothing, and nothing accepts on the socket it left.
 */

import { kernelTest, PYTHON } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { GUARD_REASON, policy } from "./_cgroup_guard.ts";

const LISTENER = `
import socket, sys
family = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
bind = sys.argv[2] if len(sys.argv) > 2 else None
s = socket.socket(family, socket.SOCK_STREAM)
if bind: s.bind((bind.rsplit(":", 1)[0], int(bind.rsplit(":", 1)[1])))
s.listen(8)
print("listening", s.getsockname()[1], flush=True)
c, _ = s.accept()
c.sendall(b"served")
c.close()
`;

/** A TCP port free on 127.0.0.1 now (the kernel's choice for a listener closed at once). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function connectAndRead(port: number, hostname: string): Promise<string> {
  const conn = await Deno.connect({ hostname, port });
  try {
    const buffer = new Uint8Array(16);
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
  } finally {
    conn.close();
  }
}

/** Runs the listener under `yaml`; when it announces a port, connects to it and reads. */
async function listenUnder(
  yaml: string,
  args: readonly string[],
): Promise<{ code: number; port?: number; served?: string }> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-listen-" });
  try {
    await Deno.writeTextFile(`${dir}/p.yaml`, yaml);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../mod.ts", import.meta.url).pathname,
        "run",
        "--policy",
        `${dir}/p.yaml`,
        "--",
        PYTHON,
        "-c",
        LISTENER,
        ...args,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let port: number | undefined;
    let served: string | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const match = /listening (\d+)\n/.exec(text);
      if (match && port === undefined) {
        port = Number(match[1]);
        served = await connectAndRead(port, args[0] === "6" ? "::1" : "127.0.0.1");
      }
    }
    await child.stderr.cancel();
    const status = await child.status;
    return {
      code: status.code,
      ...(port === undefined ? {} : { port }),
      ...(served === undefined ? {} : { served }),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

kernelTest(
  "bypass: listen() on an unbound TCP socket kills a program whose policy allows no bind",
  GUARD_REASON,
  async () => {
    const yaml = policy(
      "client",
      `network:\n  connect: [tcp/443]\n  bind: ["tcp/127.0.0.1:1-65535"]`,
    );
    for (const family of ["4", "6"]) {
      const result = await listenUnder(yaml, [family]);
      assert(result.port === undefined, `IPv${family}: listened on ${result.port}`);
      assert(result.code === 137, `IPv${family}: exit ${result.code}, not SIGKILL (137)`);
    }
  },
);

kernelTest(
  "bypass: listen() after an allowed bind, or with a bind rule allowing port 0, serves (the control)",
  GUARD_REASON,
  async () => {
    const bound = await listenUnder(
      policy("server", `network:\n  bind: ["tcp/127.0.0.1:1-65535"]`),
      ["4", `127.0.0.1:${freePort()}`],
    );
    assert(bound.served === "served" && bound.code === 0, `bound listen: ${JSON.stringify(bound)}`);
    const any = await listenUnder(policy("any-port", `network:\n  bind: ["tcp/0.0.0.0/0"]`), [
      "4",
    ]);
    assert(any.served === "served" && any.code === 0, `autobind allowed: ${JSON.stringify(any)}`);
  },
);
