/**
 * Kernel end-to-end tests of `cordon run` with `network:` rules: the CLI is started as a user
 * would, the confined Python program takes commands on stdin (`connect HOST PORT`,
 * `bind HOST PORT`, `sendto HOST PORT`) and answers each with `ok` or the errno name, and the test
 * checks what the kernel allowed, then that no cgroup, pin, program or link of the run remains.
 */

import { hasFile, kernelTest, needCommands, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { assertBpfReleased, bpftoolJson, runDirs } from "../_bpf_objects.ts";
import {
  BPFFS_ROOT,
  cleanStaleRuns,
  runNetworkUnavailable,
} from "../../backends/linux/cgroup_net.ts";
import { cgroup2Root } from "../../backends/linux/cgroup.ts";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

const REASON = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  needCommands("bpftool"),
  !hasFile(PYTHON) && `needs ${PYTHON}`,
  Deno.build.os === "linux" && runNetworkUnavailable(),
);

const AGENT = `
import errno, socket, sys
for line in sys.stdin:
    op, host, port = line.split()
    try:
        if op == "connect":
            s = socket.socket(); s.settimeout(5); s.connect((host, int(port))); s.close()
        elif op == "bind":
            s = socket.socket(); s.bind((host, int(port))); s.close()
        elif op == "sendto":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"x", (host, int(port))); s.close()
        print("ok", flush=True)
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)), flush=True)
`;

/** A `cordon run` of the agent, driven line by line. */
class Agent implements AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  readonly #policyDir: string;

  private constructor(child: Deno.ChildProcess, policyDir: string) {
    this.child = child;
    this.#policyDir = policyDir;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())[
      Symbol.asyncIterator
    ]();
  }

  static async start(policy: string): Promise<Agent> {
    const dir = await Deno.makeTempDir({ prefix: "cordon-net-policy-" });
    await Deno.writeTextFile(`${dir}/p.yaml`, policy);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MOD, "run", "--policy", `${dir}/p.yaml`, "--", PYTHON, "-c", AGENT],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return new Agent(child, dir);
  }

  async ask(command: string): Promise<string> {
    await this.#writer.write(new TextEncoder().encode(command + "\n"));
    const next = await this.#lines.next();
    if (next.done) throw new Error(`the agent ended before answering "${command}"`);
    return next.value;
  }

  async finish(): Promise<Deno.CommandStatus> {
    await this.#writer.close().catch(() => {});
    while (!(await this.#lines.next()).done) { /* drain */ }
    return await this.child.status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // exited
    }
    await this.finish().catch(() => {});
    await Deno.remove(this.#policyDir, { recursive: true });
  }
}

function lineSplitter(): TransformStream<string, string> {
  let buffer = "";
  return new TransformStream({
    transform(chunk, controller) {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) controller.enqueue(line);
    },
    flush(controller) {
      if (buffer) controller.enqueue(buffer);
    },
  });
}

/** Prog ids attached to `cgroup`. */
async function attachedPrograms(cgroup: string): Promise<number[]> {
  const list = await bpftoolJson("cgroup", "show", cgroup) as { id: number; name?: string }[];
  return list.map((p) => p.id);
}

/** Asserts that the run of `ownerPid` left no cgroup under `root`, no pins and none of `ids`. */
async function assertRunRemoved(
  root: string,
  ownerPid: number,
  ids: readonly number[],
): Promise<void> {
  assert(runDirs(root, ownerPid).length === 0, "cgroup left behind");
  assert(runDirs(BPFFS_ROOT, ownerPid).length === 0, "pins left behind");
  await assertBpfReleased(ids);
}

/** Two TCP servers that accept and close every connection; disposing closes them. */
interface Servers extends AsyncDisposable {
  readonly ports: readonly [number, number];
}

/** Starts {@linkcode Servers} on 0.0.0.0. */
function servers(): Servers {
  const listeners = [0, 1].map(() => Deno.listen({ hostname: "0.0.0.0", port: 0 }));
  const done = Promise.all(listeners.map(async (l) => {
    try {
      for await (const conn of l) conn.close();
    } catch {
      // closed
    }
  }));
  const [a, b] = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  return {
    ports: [a!, b!],
    async [Symbol.asyncDispose]() {
      for (const l of listeners) l.close();
      await done;
    },
  };
}

function netPolicy(port: number): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: net }
spec:
  defaultAction: allow
  network:
    connect: ["127.0.0.1:${port}"]
`;
}

kernelTest(
  "cordon run allows only the policy's endpoints and removes its cgroup and programs after exit",
  REASON,
  async () => {
    await using loopback = servers();
    const [portA, portB] = loopback.ports;
    await using agent = await Agent.start(netPolicy(portA));
    const answers: Record<string, string> = {};
    for (
      const command of [
        `connect 127.0.0.1 ${portA}`,
        `connect 127.0.0.1 ${portB}`,
        `connect 127.0.0.2 ${portA}`,
        `bind 127.0.0.1 ${portB}`,
        `sendto 127.0.0.1 ${portA}`,
      ]
    ) {
      answers[command] = await agent.ask(command);
    }
    assert(answers[`connect 127.0.0.1 ${portA}`] === "ok", JSON.stringify(answers));
    assert(
      ["EPERM", "EACCES"].includes(answers[`connect 127.0.0.1 ${portB}`]!),
      JSON.stringify(answers),
    );
    // Address rules are the cgroup programs' alone (Landlock sees ports only): EPERM.
    assert(answers[`connect 127.0.0.2 ${portA}`] === "EPERM", JSON.stringify(answers));
    assert(
      ["EPERM", "EACCES"].includes(answers[`bind 127.0.0.1 ${portB}`]!),
      JSON.stringify(answers),
    );
    // UDP to the allowed address and port: allowed by the any-protocol rule.
    assert(answers[`sendto 127.0.0.1 ${portA}`] === "ok", JSON.stringify(answers));

    const root = cgroup2Root();
    const [cgroup] = runDirs(root, agent.child.pid);
    assert(cgroup !== undefined, "no cordon-run cgroup while the command runs");
    const ids = await attachedPrograms(cgroup);
    assert(ids.length >= 6, `programs attached to ${cgroup}: ${ids}`);
    assert(runDirs(BPFFS_ROOT, agent.child.pid).length === 1, "links not pinned");

    const status = await agent.finish();
    assert(status.code === 0, `cordon run exited ${status.code}`);
    await assertRunRemoved(root, agent.child.pid, ids);
  },
);

kernelTest(
  "cordon run keeps the network rules when it is killed, and a later run cleans up",
  REASON,
  async () => {
    await using loopback = servers();
    const [portA, portB] = loopback.ports;
    await using agent = await Agent.start(netPolicy(portA));
    assert(await agent.ask(`connect 127.0.0.1 ${portA}`) === "ok", "allowed connect failed");
    const root = cgroup2Root();
    const [cgroup] = runDirs(root, agent.child.pid);
    assert(cgroup !== undefined, "no cgroup");
    const ids = await attachedPrograms(cgroup);
    const target = Number(Deno.readTextFileSync(`${cgroup}/cgroup.procs`).trim().split("\n")[0]);

    Deno.kill(agent.child.pid, "SIGKILL"); // the supervisor dies; its command lives on
    await agent.child.status;
    assert(await agent.ask(`connect 127.0.0.2 ${portA}`) === "EPERM", "rules lifted");
    assert(["EPERM", "EACCES"].includes(await agent.ask(`connect 127.0.0.1 ${portB}`)), "B");

    assert((await cleanStaleRuns()).length === 0, "a run with live processes was removed");
    assert(runDirs(root, agent.child.pid).length === 1, "cgroup of a live run removed");

    Deno.kill(target, "SIGKILL");
    const deadline = Date.now() + 10_000;
    while (Deno.readTextFileSync(`${cgroup}/cgroup.procs`).trim() !== "") {
      if (Date.now() > deadline) throw new Error("target did not exit");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const removed = await cleanStaleRuns();
    assert(removed.some((name) => cgroup.endsWith(name)), `not cleaned: ${removed}`);
    await assertRunRemoved(root, agent.child.pid, ids);
  },
);
