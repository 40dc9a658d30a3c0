/**
 * Kernel end-to-end test of `cordon monitor --metrics`: a child makes an exact number of
 * `getppid` calls under the eBPF monitor, `/metrics` is scraped while it is still alive, the
 * counts are checked against that number, and `promtool check metrics` (Debian's `prometheus`
 * package) checks the exposition.
 */

import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf } from "./_ebpf_helpers.ts";

const REASON = unavailable(needEbpf(), needCommands("promtool"));
const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** `cordon ARGS…` with stderr read until `ready` matches; the match is returned. */
async function startCli(args: string[], ready: RegExp) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdoutText = "";
  const waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  const stdout = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      stdoutText += chunk;
      for (const w of waiters.splice(0)) {
        if (w.test(stdoutText)) w.resolve();
        else waiters.push(w);
      }
    }
    return stdoutText;
  })();
  /** Resolves once the command's stdout so far satisfies `test`. */
  const stdoutUntil = (test: (text: string) => boolean) => {
    const { promise, resolve } = Promise.withResolvers<void>();
    if (test(stdoutText)) resolve();
    else waiters.push({ test, resolve });
    return promise;
  };
  let stderr = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let match: RegExpExecArray | null = null;
  while (match === null) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`cordon ${args.join(" ")} ended before ${ready}: ${stderr}`);
    stderr += value;
    match = ready.exec(stderr);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return stderr;
      stderr += value;
    }
  })();
  return {
    match,
    stdoutUntil,
    kill() {
      child.kill("SIGTERM");
    },
    async finish() {
      const status = await child.status;
      return { code: status.code, stdout: await stdout, stderr: await rest };
    },
  };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

kernelTest(
  "cordon monitor --metrics serves exact syscall counts that promtool accepts",
  REASON,
  async () => {
    const n = 12_345;
    // go byte, n getppid calls, "done", then wait for the exit byte
    const exe = await compileC(gatedProgram(
      `for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);
  write(1, "done\\n", 5);
  if (read(0, &go, 1) != 1) return 101;`,
    ));
    const child = new Deno.Command(exe, {
      args: [String(n)],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const stdin = child.stdin.getWriter();
    const monitor = await startCli(
      ["monitor", "--pid", String(child.pid), "--events", "none", "--metrics", "127.0.0.1:0"],
      new RegExp(
        `metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)[\\s\\S]*watching pid ${child.pid}`,
      ),
    );
    const url = monitor.match[1]!;
    try {
      await stdin.write(new Uint8Array([0x0a]));
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("done\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`child ended early: ${out}`);
        out += value;
      }
      reader.releaseLock();
      const response = await fetch(url);
      const text = await response.text();
      if (response.status !== 200) throw new Error(`scrape: ${response.status} ${text}`);
      const counted = sample(text, 'cordon_syscalls_total{policy="",syscall="getppid"}');
      if (counted !== n) throw new Error(`getppid counted ${counted}, made ${n}:\n${text}`);
      const kernel = sample(text, "cordon_kernel_syscalls_total") ?? 0;
      if (!(kernel >= n)) throw new Error(`kernel counter ${kernel} < ${n}`);
      for (const family of ["cordon_bpf_program_run_seconds_total", "cordon_events_lost_total"]) {
        if (!text.includes(`# TYPE ${family} counter\n`)) throw new Error(`no ${family}:\n${text}`);
      }
      if (/\bpid="/.test(text)) throw new Error("a pid label");
      // run statistics are switched on while the endpoint serves: sys_enter ran for every call
      if (sample(text, "cordon_bpf_run_stats_enabled") !== 1) throw new Error(text);
      const runs = sample(text, 'cordon_bpf_program_runs_total{program="cordon_sys_ente"}') ?? 0;
      const seconds =
        sample(text, 'cordon_bpf_program_run_seconds_total{program="cordon_sys_ente"}') ?? 0;
      if (!(runs >= n && seconds > 0)) throw new Error(`sys_enter: ${runs} runs, ${seconds} s`);

      const check = new Deno.Command("promtool", {
        args: ["check", "metrics"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = check.stdin.getWriter();
      await w.write(new TextEncoder().encode(text));
      await w.close();
      const result = await check.output();
      const report = new TextDecoder().decode(result.stdout) +
        new TextDecoder().decode(result.stderr);
      if (result.code !== 0 || report.trim() !== "") {
        throw new Error(`promtool check metrics (exit ${result.code}): ${report}\n${text}`);
      }
    } finally {
      await stdin.write(new Uint8Array([0x0a])).catch(() => {});
      await stdin.close().catch(() => {});
      await child.status;
      await child.stdout.cancel().catch(() => {});
    }
    const done = await monitor.finish();
    if (done.code !== 0) throw new Error(`monitor exited ${done.code}: ${done.stderr}`);
    if (!done.stdout.includes(`getppid ${n}`)) throw new Error(`summary: ${done.stdout}`);
  },
);

kernelTest(
  "cordon apply --metrics counts decisions by rule and syscalls by policy",
  REASON,
  async () => {
    const n = 40;
    const exe = await compileC(gatedProgram(
      `for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);
  write(1, "done\\n", 5);
  if (read(0, &go, 1) != 1) return 101;`,
    ));
    const child = new Deno.Command(exe, {
      args: [String(n)],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const stdin = child.stdin.getWriter();
    const dir = await Deno.makeTempDir({ prefix: "cordon-metrics-apply-" });
    const policy = `${dir}/p.yaml`;
    await Deno.writeTextFile(
      policy,
      `apiVersion: cordon/v1
kind: Policy
metadata:
  name: watched
spec:
  defaultAction: allow
  target:
    pids: [${child.pid}]
  rules:
    - id: log-getppid
      syscalls: [getppid]
      action: log
`,
    );
    const apply = await startCli(
      ["apply", policy, "--metrics", "127.0.0.1:0"],
      /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)[\s\S]*applied watched to 1 running process/,
    );
    const url = apply.match[1]!;
    let text = "";
    try {
      await stdin.write(new Uint8Array([0x0a]));
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("done\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`child ended early: ${out}`);
        out += value;
      }
      reader.releaseLock();
      // apply prints each logged call after counting it: once n are printed, scrape
      await apply.stdoutUntil((out) =>
        out.split("\n").filter((l) => /getppid/.test(l)).length >= n
      );
      text = await (await fetch(url)).text();
      const logged = sample(
        text,
        'cordon_decisions_total{action="log",policy="watched",rule="log-getppid"}',
      );
      if (logged !== n) throw new Error(`${logged} log decisions, made ${n}:\n${text}`);
      const counted = sample(text, 'cordon_syscalls_total{policy="watched",syscall="getppid"}');
      if (counted !== n) throw new Error(`getppid counted ${counted} for the policy:\n${text}`);
    } finally {
      await stdin.write(new Uint8Array([0x0a])).catch(() => {});
      await stdin.close().catch(() => {});
      await child.status;
      await child.stdout.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
    apply.kill();
    const done = await apply.finish();
    if (done.code !== 0) throw new Error(`apply exited ${done.code}: ${done.stderr}`);
  },
);
