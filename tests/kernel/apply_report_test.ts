/**
 * `cordon apply --audit --report out.html` against the real kernel (eBPF): a gated C program
 * makes an exact number of getppid calls, which its policy would kill; in audit mode each is
 * reported and nothing is killed. When apply detaches (SIGINT) the report must list every one of
 * those calls as a denial with the deciding rule and its `FILE:LINE:COL`, and count them in the
 * process's syscalls-by-name chart.
 *
 * @module
 */

import { kernelTest, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf } from "./_ebpf_helpers.ts";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** Reads a stream's text; `until` resolves once a predicate accepts the text so far. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters: { test: (t: string) => boolean; resolve: () => void }[] = [];
  const done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      for (const w of waiters.splice(0)) (w.test(text) ? w.resolve : () => waiters.push(w))();
    }
    for (const w of waiters.splice(0)) w.resolve();
  })();
  return {
    get text() {
      return text;
    },
    done,
    until(test: (t: string) => boolean): Promise<void> {
      if (test(text)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ test, resolve });
      return promise;
    },
  };
}

kernelTest(
  "apply --audit --report lists each call the policy would kill, with its rule and location",
  unavailable(needEbpf()),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-apply-report-" });
    const n = 37;
    const exe = await compileC(
      gatedProgram(`for (int i = 0; i < ${n}; i++) syscall(SYS_getppid);`),
    );
    const child = new Deno.Command(exe, { stdin: "piped", stdout: "null", stderr: "null" })
      .spawn();
    let apply: Deno.ChildProcess | undefined;
    try {
      const policy = `${dir}/p.yaml`;
      await Deno.writeTextFile(
        policy,
        [
          "apiVersion: cordon/v1",
          "kind: Policy",
          "metadata: {name: no-getppid}",
          "spec:",
          `  target: {pids: [${child.pid}]}`,
          "  defaultAction: allow",
          "  rules:",
          "    - id: kill-getppid",
          "      syscalls: [getppid]",
          "      action: kill",
          "",
        ].join("\n"),
      );
      const report = `${dir}/report.html`;
      apply = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MOD, "apply", policy, "--audit", "--report", report],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const out = collect(apply.stdout);
      const err = collect(apply.stderr);
      await Promise.race([
        err.until((t) => t.includes("applied no-getppid")),
        err.done.then(() => {
          throw new Error(`apply ended: ${err.text}`);
        }),
      ]);
      const stdin = child.stdin.getWriter();
      await stdin.write(new Uint8Array([0x0a]));
      await stdin.close();
      const status = await child.status;
      if (status.code !== 0) throw new Error(`the program exited ${status.code} (killed?)`);
      // Every audited call is printed as it is decided; once all are, detach.
      const count = (t: string) => t.split("\n").filter((l) => l.includes("getppid")).length;
      await Promise.race([
        out.until((t) => count(t) >= n),
        out.done.then(() => {
          throw new Error(`apply ended: ${out.text}`);
        }),
      ]);
      apply.kill("SIGINT");
      const ended = await apply.status;
      await Promise.all([out.done, err.done]);
      if (ended.code !== 0) throw new Error(`apply exited ${ended.code}: ${err.text}`);
      if (!err.text.includes(`report written to ${report}`)) throw new Error(err.text);

      const html = await Deno.readTextFile(report);
      const summary = /data-denials="(\d+)"/.exec(html);
      if (summary?.[1] !== String(n)) throw new Error(`denials: ${summary?.[1]}, made ${n}`);
      const rows = html.split("<tr>").filter((r) =>
        r.includes("<code>getppid</code>") && r.includes("kill (audit)") &&
        r.includes(`no-getppid: kill-getppid at ${policy}:8:7`)
      );
      if (rows.length !== n) throw new Error(`${rows.length} denial rows, expected ${n}`);
      const bar = new RegExp(
        `<svg id="syscalls-${child.pid}"[^]*?data-label="getppid" data-count="(\\d+)"`,
      ).exec(html);
      if (bar === null || Number(bar[1]) !== n) throw new Error(`getppid bar: ${bar?.[1]}`);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // exited
      }
      await child.status;
      if (apply) {
        try {
          apply.kill("SIGKILL");
        } catch {
          // exited
        }
        await apply.status;
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
);
