import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import {
  EngineMetrics,
  MetricsError,
  MetricsServer,
  parseListenAddress,
  renderExposition,
} from "./metrics.ts";
import type { ProcessActivity } from "./backend.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { kernelTest, needCommands, unavailable } from "../tests/_kernel.ts";

function activity(pid: number, bySyscall: Record<string, number>, extra = {}): ProcessActivity {
  const counts = new Map(Object.entries(bySyscall));
  return {
    pid,
    start: 1000 + pid,
    exited: false,
    syscalls: [...counts.values()].reduce((a, b) => a + b, 0),
    bySyscall: counts,
    files: [],
    filesTotal: 0,
    network: [],
    networkTotal: 0,
    ...extra,
  };
}

/** The value of one sample line, or `undefined`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const loc = { file: "p.yaml", line: 1, column: 1 };
const SET: FilterSet = {
  version: 1,
  layers: [{
    policy: "web",
    mode: "enforce",
    defaultAction: "allow",
    defaultErrno: 1,
    loc,
    target: { comms: ["nginx"] },
    arches: [],
  }],
};

Deno.test("renderExposition() writes HELP, TYPE and escaped, sorted samples", () => {
  const text = renderExposition([
    {
      name: "cordon_x_total",
      help: 'A "help"\nline \\ here.',
      type: "counter",
      samples: [
        { labels: { z: "1", a: 'q"uo\\te\nnl' }, value: 2 },
        { labels: { a: "b", z: "0" }, value: 0.5 },
      ],
    },
    { name: "cordon_up", help: "Up.", type: "gauge", samples: [{ value: 1 }] },
  ]);
  assertEquals(
    text,
    [
      '# HELP cordon_x_total A "help"\\nline \\\\ here.',
      "# TYPE cordon_x_total counter",
      'cordon_x_total{a="b",z="0"} 0.5',
      'cordon_x_total{a="q\\"uo\\\\te\\nnl",z="1"} 2',
      "# HELP cordon_up Up.",
      "# TYPE cordon_up gauge",
      "cordon_up 1",
      "",
    ].join("\n"),
  );
  for (
    const bad of [
      { name: "cordon-x", help: "", type: "gauge", samples: [] },
      { name: "cordon_x", help: "", type: "counter", samples: [] },
      { name: "cordon_x_total", help: "", type: "counter", samples: [{ value: -1 }] },
      { name: "cordon_g", help: "", type: "gauge", samples: [{ labels: { "a-b": "" }, value: 1 }] },
    ] as const
  ) {
    let error: unknown;
    try {
      renderExposition([bad]);
    } catch (e) {
      error = e;
    }
    ok(error instanceof MetricsError && error.code === "invalid-metric", `${bad.name}: ${error}`);
  }
});

Deno.test("EngineMetrics counts decisions, events, kills and network denials by bounded labels", async () => {
  const metrics = new EngineMetrics({ maxSeries: 3 });
  const verdict = (ruleId: string | null, action: "deny" | "kill" = "deny") => ({
    action,
    ruleId,
    policy: "web",
    enforced: true,
  });
  for (let i = 0; i < 5; i++) {
    metrics.observe({
      kind: "syscall",
      time: 0,
      pid: 100 + i,
      arch: "x86_64",
      nr: 41,
      name: "socket",
      verdict: verdict(`rule-${i}`),
    });
  }
  metrics.observe({
    kind: "syscall",
    time: 0,
    pid: 9,
    arch: "x86_64",
    nr: 101,
    name: "ptrace",
    verdict: verdict("no-debug", "kill"),
  });
  metrics.observe({
    kind: "network",
    time: 0,
    pid: 9,
    op: "connect",
    family: "inet",
    protocol: "tcp",
    verdict: { action: "deny", ruleId: "web:network", policy: "web", enforced: true },
  });
  metrics.observe({ kind: "process", time: 0, pid: 9, op: "exit", signal: "SIGKILL" });
  metrics.killed("procs-full");
  metrics.lost(7);
  const text = await metrics.render();
  assertEquals(sample(text, 'cordon_decisions_total{action="deny",policy="web",rule="rule-0"}'), 1);
  // at most 3 series per family: the rest is folded into _other
  assertEquals(
    sample(text, 'cordon_decisions_total{action="_other",policy="_other",rule="_other"}'),
    3,
  );
  assertEquals(sample(text, 'cordon_kills_total{policy="web",reason="policy"}'), 1);
  assertEquals(sample(text, 'cordon_kills_total{policy="",reason="procs-full"}'), 1);
  assertEquals(sample(text, 'cordon_network_denials_total{op="connect",policy="web"}'), 1);
  assertEquals(sample(text, 'cordon_events_delivered_total{kind="syscall"}'), 6);
  assertEquals(sample(text, "cordon_events_lost_total"), 7);
  ok(!/pid=/.test(text), "no pid label");
});

Deno.test("EngineMetrics syscall counts stay monotonic as processes come and go, labelled by policy", async () => {
  const metrics = new EngineMetrics();
  let live: ProcessActivity[] = [
    activity(10, { read: 5, write: 1 }, { comm: "nginx" }),
    activity(11, { read: 2 }, { comm: "worker", ppid: 10 }),
    activity(12, { read: 4 }, { comm: "bash" }),
  ];
  metrics.setActivitySource(() => live, SET);
  let text = await metrics.render();
  assertEquals(sample(text, 'cordon_syscalls_total{policy="web",syscall="read"}'), 7, "child too");
  assertEquals(sample(text, 'cordon_syscalls_total{policy="",syscall="read"}'), 4);
  // 11 exits (leaves the backend's list), 10 goes on counting
  live = [activity(10, { read: 9, write: 1 }, { comm: "nginx" }), live[2]!];
  text = await metrics.render();
  assertEquals(sample(text, 'cordon_syscalls_total{policy="web",syscall="read"}'), 11);
  live = [];
  text = await metrics.render();
  assertEquals(sample(text, 'cordon_syscalls_total{policy="web",syscall="read"}'), 11);
  assertEquals(sample(text, 'cordon_syscalls_total{policy="web",syscall="write"}'), 1);
});

Deno.test("parseListenAddress() takes HOST:PORT only", () => {
  assertEquals(parseListenAddress("127.0.0.1:9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEquals(parseListenAddress("localhost:0"), { hostname: "localhost", port: 0 });
  assertEquals(parseListenAddress("[::1]:9464"), { hostname: "::1", port: 9464 });
  for (const bad of ["9464", "127.0.0.1", "127.0.0.1:99999", "::1:9464", "http://x:1", ""]) {
    let error: unknown;
    try {
      parseListenAddress(bad);
    } catch (e) {
      error = e;
    }
    ok(error instanceof MetricsError && error.code === "invalid-address", `${bad}: ${error}`);
  }
});

Deno.test({
  name: "MetricsServer serves /metrics with the exposition content type, 404 elsewhere",
  permissions: { net: true },
  async fn() {
    const metrics = new EngineMetrics();
    metrics.lost(3);
    await using server = await MetricsServer.listen(
      { hostname: "127.0.0.1", port: 0 },
      () => metrics.render(),
    );
    const response = await fetch(server.url);
    assertEquals(response.status, 200);
    assertEquals(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assertEquals(sample(await response.text(), "cordon_events_lost_total"), 3);
    const missing = await fetch(server.url.replace("/metrics", "/"));
    assertEquals(missing.status, 404);
    await missing.body?.cancel();
    const post = await fetch(server.url, { method: "POST" });
    assertEquals(post.status, 405);
    await post.body?.cancel();
    let error: unknown;
    try {
      await MetricsServer.listen({
        hostname: "127.0.0.1",
        port: new URL(server.url).port as unknown as number,
      }, () => "");
    } catch (e) {
      error = e;
    }
    ok(error instanceof MetricsError && error.code === "listen-failed", String(error));
    ok(!String(error).includes("os error"), String(error));
  },
});

kernelTest(
  "promtool check metrics accepts what EngineMetrics serves",
  unavailable(needCommands("promtool")),
  async () => {
    const metrics = new EngineMetrics();
    metrics.setActivitySource(() => [activity(10, { read: 5 }, { comm: "nginx" })], SET);
    metrics.observe({
      kind: "syscall",
      time: 0,
      pid: 10,
      arch: "x86_64",
      nr: 41,
      name: "socket",
      verdict: { action: "deny", ruleId: null, policy: "web", errno: 13, enforced: true },
    });
    metrics.addCollector(() => [{
      name: "cordon_bpf_program_run_seconds_total",
      help: "Run time.",
      type: "counter",
      samples: [{ labels: { program: "cordon_sys_enter" }, value: 0.000123 }],
    }]);
    await using server = await MetricsServer.listen(
      { hostname: "127.0.0.1", port: 0 },
      () => metrics.render(),
    );
    const text = await (await fetch(server.url)).text();
    const check = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = check.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
    const out = await check.output();
    const report = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, `promtool: ${report}\n${text}`);
    assertEquals(report.trim(), "", "no lint findings either");
    // and promtool does catch a broken exposition (the check can fail)
    const bad = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = bad.stdin.getWriter();
    await w.write(new TextEncoder().encode('# TYPE cordon_x counter\ncordon_x{a="b} 1\n'));
    await w.close();
    ok((await bad.output()).code !== 0, "promtool rejects malformed text");
  },
);
