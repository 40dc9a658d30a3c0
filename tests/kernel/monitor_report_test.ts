/**
 * `cordon monitor --pid N --report out.html` against the real kernel (eBPF): a gated C program
 * makes an exact number of getppid calls and a TCP connect to a loopback port, then exits; the
 * monitor stops when it has exited and writes the report, which must show that count in the
 * process's syscalls-by-name chart, the connect with its address and port in the network table,
 * and the process in the syscalls-over-time chart.
 *
 * @module
 */

import { kernelTest, unavailable } from "../_kernel.ts";
import { compileC, connectLoopback, gatedProgram, needEbpf } from "./_ebpf_helpers.ts";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

kernelTest(
  "monitor --report writes the process's syscalls by name and over time, and its connect",
  unavailable(needEbpf()),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-monitor-report-" });
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const accepted = listener.accept().then((conn) => conn.close());
    try {
      const n = 4321;
      const exe = await compileC(gatedProgram(
        `for (int i = 0; i < ${n}; i++) syscall(SYS_getppid);
  ${connectLoopback(1, 101)}
  close(s);`,
      ));
      const child = new Deno.Command(exe, {
        args: [String(port)],
        stdin: "piped",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const report = `${dir}/report.html`;
      const monitor = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          MOD,
          "monitor",
          "--pid",
          String(child.pid),
          "--events",
          "none",
          "--report",
          report,
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Let the child go once the monitor says it watches it.
      let stderr = "";
      const reader = monitor.stderr.pipeThrough(new TextDecoderStream()).getReader();
      while (!stderr.includes(`watching pid ${child.pid}`)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`monitor ended early: ${stderr}`);
        stderr += value;
      }
      const stdin = child.stdin.getWriter();
      await stdin.write(new Uint8Array([0x0a]));
      await stdin.close();
      const status = await child.status;
      if (status.code !== 0) throw new Error(`the program exited ${status.code}`);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        stderr += value;
      }
      const [ended] = await Promise.all([monitor.status, monitor.stdout.cancel(), accepted]);
      if (ended.code !== 0) throw new Error(`monitor exited ${ended.code}: ${stderr}`);
      if (!stderr.includes(`report written to ${report}`)) throw new Error(stderr);

      const html = await Deno.readTextFile(report);
      const chart = new RegExp(
        `<svg id="syscalls-${child.pid}"[^]*?data-label="getppid" data-count="(\\d+)"`,
      ).exec(html);
      if (chart === null) throw new Error(`no getppid bar for ${child.pid}`);
      if (Number(chart[1]) !== n) throw new Error(`getppid counted ${chart[1]}, made ${n}`);
      if (!html.includes(`data-label="connect tcp 127.0.0.1:${port}"`)) {
        throw new Error(`no connect to 127.0.0.1:${port} in the network table`);
      }
      if (!html.includes(`<g class="series" data-pid="${child.pid}">`)) {
        throw new Error("the process is not in the syscalls-over-time chart");
      }
      if (/<script|https?:\/\/(?!www\.w3\.org)/.test(html)) {
        throw new Error("the report is not self-contained");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
