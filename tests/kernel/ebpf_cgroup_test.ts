import { Cgroup, cgroup2Root } from "../../backends/linux/cgroup.ts";
import { CgroupFirewall } from "../../backends/linux/cgroup_firewall.ts";
import { CORDON_NET, CORDON_NET_BANK } from "../../bpf/structs.ts";
import { netRule } from "../../compile/bpf_maps.ts";
import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf, spawnGated } from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf(), needCommands("bpftool"));
const loc = { file: "test", line: 1, column: 1 };

/** Connects to 127.0.0.1:argv[1] and to ::ffff:127.0.0.1:argv[1]; exit code = errno of each (0 ok). */
const CONNECT = gatedProgram(`
  int port = atoi(argv[1]);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int r4 = connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : errno;
  close(s);
  s = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 b = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &b.sin6_addr);
  int r6 = connect(s, (struct sockaddr *)&b, sizeof b) == 0 ? 0 : errno;
  close(s);
  printf("%d %d\\n", r4, r6);`);

async function connectFrom(group: Cgroup, port: number): Promise<string> {
  const c = spawnGated(await compileC(CONNECT), [String(port)]);
  group.addProcess(c.pid);
  await c.go();
  const out = await c.child.output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function bpftoolNames(kind: "prog" | "link"): Promise<string> {
  const out = await new Deno.Command("bpftool", { args: [kind, "show"], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout);
}

kernelTest(
  "a cgroup network deny makes connect fail with EPERM and is gone after detach",
  reason,
  async () => {
    using allowedListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    using otherListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const allowed = (allowedListener.addr as Deno.NetAddr).port;
    const other = (otherListener.addr as Deno.NetAddr).port;
    const accepting = (async () => {
      for await (const conn of allowedListener) conn.close();
    })().catch(() => {});
    let path: string;
    let ids: number[];
    {
      using group = Cgroup.create();
      path = group.path;
      using firewall = CgroupFirewall.attach(group, {
        flags: CORDON_NET_BANK.enforceConnect,
        rules: [netRule({
          text: `127.0.0.1:${allowed}`,
          protocol: "tcp",
          address: "127.0.0.1",
          ports: [allowed, allowed],
          loc,
        }, CORDON_NET.connect)],
      });
      ids = firewall.programIds();
      // IPv4 and IPv4-mapped IPv6 are held to the same rule.
      const ok = await connectFrom(group, allowed);
      if (ok !== "0 0") throw new Error(`allowed port: errnos ${ok}`);
      const denied = await connectFrom(group, other);
      if (denied !== "1 1") throw new Error(`other port: errnos ${denied} (expected EPERM = 1)`);
      const events: number[] = [];
      firewall.poll((e) => {
        if (e.kind === "netDeny") events.push(e.port);
      });
      if (events.length !== 2 || events.some((p) => p !== other)) {
        throw new Error(
          `deny events ${events}`,
        );
      }
      if (firewall.stats().denied !== 2n) throw new Error(`denied ${firewall.stats().denied}`);
      // Swapping rules (double-buffered) takes effect for the next connect.
      firewall.update({ flags: CORDON_NET_BANK.enforceConnect, rules: [] });
      if (await connectFrom(group, allowed) !== "1 1") {
        throw new Error(
          "empty rule set must deny all",
        );
      }
    }
    // Everything is gone: programs, links, the cgroup.
    // The kernel frees programs asynchronously after the last reference goes, with no event to
    // wait on: bounded polling of bpftool's list.
    const deadline = Date.now() + 5000;
    for (;;) {
      const progs = await bpftoolNames("prog");
      const left = ids.filter((id) => new RegExp(`^${id}:`, "m").test(progs));
      if (left.length === 0) break;
      if (Date.now() > deadline) throw new Error(`programs ${left} still loaded 5 s after detach`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const links = await bpftoolNames("link");
    for (const id of ids) {
      if (new RegExp(`prog ${id}\\b`).test(links)) {
        throw new Error(`a link to program ${id} remains`);
      }
    }
    if (await Deno.stat(path).then(() => true, () => false)) {
      throw new Error(
        `${path} still exists`,
      );
    }
    if (!path.startsWith(cgroup2Root())) {
      throw new Error(
        `cgroup outside the cgroup2 root: ${path}`,
      );
    }
    allowedListener.close();
    await accepting;
  },
);

kernelTest(
  "in audit mode the cgroup programs let a connect outside the rules through and report it",
  reason,
  async () => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const accepting = (async () => {
      for await (const conn of listener) conn.close();
    })().catch(() => {});
    {
      using group = Cgroup.create();
      // No rule allows the port: enforced, both connects would fail with EPERM.
      using firewall = CgroupFirewall.attach(group, {
        flags: CORDON_NET_BANK.enforceConnect | CORDON_NET_BANK.audit,
        rules: [],
      });
      const result = await connectFrom(group, port);
      if (result !== "0 0") throw new Error(`audit mode denied: errnos ${result} (expected 0 0)`);
      const reported: bigint[] = [];
      firewall.poll((e) => {
        if (e.kind === "netDeny" && e.port === port) reported.push(e.ret);
      });
      // Reported as would-be denials: ret 0 (the call went on), not -EPERM.
      if (reported.length !== 2 || reported.some((r) => r !== 0n)) {
        throw new Error(`audit reports ${reported} (expected two with ret 0)`);
      }
      if (firewall.stats().denied !== 2n) throw new Error(`denied ${firewall.stats().denied}`);
    }
    listener.close();
    await accepting;
  },
);
