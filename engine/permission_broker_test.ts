/**
 * The permission broker against its protocol (raw socket traffic) and against the real, pinned
 * Deno (`Deno.execPath()`, started with `DENO_PERMISSION_BROKER_PATH`).
 */

import { PermissionBroker } from "./permission_broker.ts";
import { decideDenoPermission } from "./deno_permissions.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import type { BrokerDecision } from "./permission_broker.ts";

function policyText(dir: string): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: app }
spec:
  defaultAction: allow
  filesystem:
    read: [${dir}/data]
    write: [${dir}/out]
  deno:
    rules:
      - id: no-report
        permission: write
        values: [${dir}/out/report.txt]
        action: deny
      - id: no-example
        permission: net
        values: [example.com]
        action: deny
`;
}

async function withBroker(
  fn: (broker: PermissionBroker, dir: string, decisions: BrokerDecision[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-broker-test-" });
  try {
    await Deno.mkdir(`${dir}/data`);
    await Deno.mkdir(`${dir}/out`);
    await Deno.writeTextFile(`${dir}/data/in.txt`, "hello");
    const layers = resolvePolicies(parsePolicies(policyText(dir), "app.yaml"));
    const decisions: BrokerDecision[] = [];
    await using broker = PermissionBroker.listen({
      path: `${dir}/broker.sock`,
      decide: (check) => decideDenoPermission(layers, check),
      onDecision: (d) => decisions.push(d),
    });
    await fn(broker, dir, decisions);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function runDeno(
  dir: string,
  script: string,
  env: Record<string, string>,
  flags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  await Deno.writeTextFile(`${dir}/data/script.ts`, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--no-lock", ...flags, `${dir}/data/script.ts`],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function readLine(conn: Deno.UnixConn): Promise<string | null> {
  const buf = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\n")) {
    const n = await conn.read(buf);
    if (n === null) return text === "" ? null : text;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text.trim();
}

Deno.test("broker: answers requests by id, denies unknown kinds, closes on malformed lines", async () => {
  await withBroker(async (broker, dir) => {
    const send = (conn: Deno.UnixConn, line: string) =>
      conn.write(new TextEncoder().encode(`${line}\n`));
    {
      using conn = await Deno.connect({ transport: "unix", path: broker.path });
      await send(
        conn,
        JSON.stringify({ v: 1, pid: 1, id: 7, permission: "read", value: `${dir}/data/in.txt` }),
      );
      const ok = JSON.parse((await readLine(conn))!);
      if (ok.id !== 7 || ok.result !== "allow" || !ok.reason.includes("app.yaml:6:3")) {
        throw new Error(JSON.stringify(ok));
      }
      await send(conn, JSON.stringify({ v: 1, pid: 1, id: 8, permission: "hrtime", value: null }));
      const odd = JSON.parse((await readLine(conn))!);
      if (odd.id !== 8 || odd.result !== "deny") throw new Error(JSON.stringify(odd));
      await send(conn, "{not json");
      const closed = await readLine(conn);
      if (closed !== null) throw new Error(`expected the connection closed, got ${closed}`);
    }
    {
      using conn = await Deno.connect({ transport: "unix", path: broker.path });
      await send(conn, JSON.stringify({ v: 2, id: 1, permission: "read", value: "/" }));
      if (await readLine(conn) !== null) throw new Error("another protocol version is refused");
    }
    const c = broker.counts;
    if (c.allow !== 1 || c.deny !== 1 || c.malformed !== 2 || c.connections !== 2) {
      throw new Error(JSON.stringify(c));
    }
  });
});

Deno.test("broker with the real Deno: reads allowed, writes and fetch denied with the rule's location", async () => {
  await withBroker(async (broker, dir, decisions) => {
    const script = `
const out = [];
out.push(Deno.readTextFileSync(${JSON.stringify(`${dir}/data/in.txt`)}));
try { Deno.writeTextFileSync(${JSON.stringify(`${dir}/out/report.txt`)}, "x"); out.push("wrote"); }
catch (e) { out.push(e.name + ": " + e.message); }
Deno.writeTextFileSync(${JSON.stringify(`${dir}/out/ok.txt`)}, "y");
try { await fetch("https://example.com/"); out.push("fetched"); }
catch (e) { out.push(e.name + ": " + e.message); }
console.log(JSON.stringify(out));
`;
    // -A: Deno's own flags grant everything; the broker still decides every check.
    const run = await runDeno(dir, script, { DENO_PERMISSION_BROKER_PATH: broker.path }, ["-A"]);
    if (run.code !== 0) throw new Error(`deno exited ${run.code}: ${run.stderr}`);
    const [read, write, fetched] = JSON.parse(run.stdout) as string[];
    if (read !== "hello") throw new Error(`read: ${read}`);
    if (!/^NotCapable: .*rule "no-report".* at app\.yaml:11:9$/.test(write!)) {
      throw new Error(`write: ${write}`);
    }
    if (!/^NotCapable: .*rule "no-example".* at app\.yaml:15:9$/.test(fetched!)) {
      throw new Error(`fetch: ${fetched}`);
    }
    if (Deno.readTextFileSync(`${dir}/out/ok.txt`) !== "y") throw new Error("allowed write");
    try {
      Deno.statSync(`${dir}/out/report.txt`);
      throw new Error("the denied file exists");
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const kinds = decisions.map((d) => `${d.check.permission}:${d.decision.result}`);
    for (const want of ["read:allow", "write:deny", "write:allow", "net:deny"]) {
      if (!kinds.includes(want)) throw new Error(`${want} not in ${kinds.join(", ")}`);
    }
    if (!run.stderr.includes("Permission broker is an experimental feature")) {
      throw new Error(`Deno did not use the broker: ${run.stderr}`);
    }
  });
});

Deno.test("broker with the real Deno: 10,000 checks in a loop are all answered", async () => {
  await withBroker(async (broker, dir, decisions) => {
    const N = 10_000;
    const file = JSON.stringify(`${dir}/data/in.txt`);
    // Deno caches a granted permission only without a broker: every statSync asks.
    const script = `
const t0 = performance.now();
for (let i = 0; i < ${N}; i++) Deno.statSync(${file});
console.log(performance.now() - t0);
`;
    const brokered = await runDeno(dir, script, { DENO_PERMISSION_BROKER_PATH: broker.path });
    if (brokered.code !== 0) throw new Error(brokered.stderr);
    const statChecks = decisions.filter((d) => d.check.value === `${dir}/data/in.txt`);
    if (statChecks.length !== N || statChecks.some((d) => d.decision.result !== "allow")) {
      throw new Error(`${statChecks.length} of ${N} checks answered`);
    }
    if (broker.counts.deny !== 0) throw new Error(`denials: ${JSON.stringify(broker.counts)}`);
    const plain = await runDeno(dir, script, {}, [`--allow-read=${dir}`]);
    if (plain.code !== 0) throw new Error(plain.stderr);
    const ms = Number(brokered.stdout.trim());
    const plainMs = Number(plain.stdout.trim());
    const decide = statChecks.reduce((sum, d) => sum + d.micros, 0) / N;
    console.log(
      `broker: ${((ms * 1000) / N).toFixed(1)} µs per stat with the broker, ` +
        `${((plainMs * 1000) / N).toFixed(1)} µs with --allow-read ` +
        `(added ${(((ms - plainMs) * 1000) / N).toFixed(1)} µs per check; decision ${
          decide.toFixed(1)
        } µs)`,
    );
  });
});

Deno.test("broker with the real Deno: when the broker goes away, Deno stops (fail closed)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-broker-crash-" });
  try {
    let closing: Promise<void> | undefined;
    const broker = PermissionBroker.listen({
      path: `${dir}/broker.sock`,
      decide: () => ({
        result: "allow",
        action: "allow",
        policy: "p",
        ruleId: null,
        source: "deno.default",
        loc: null,
        reason: "ok",
      }),
      onDecision: () => closing ??= broker.close(),
    });
    await Deno.mkdir(`${dir}/data`);
    const run = await runDeno(
      dir,
      `for (let i = 0; i < 1000; i++) Deno.statSync("/");\nconsole.log("finished");\n`,
      { DENO_PERMISSION_BROKER_PATH: broker.path },
    );
    await closing;
    if (run.code === 0 || run.stdout.includes("finished")) {
      throw new Error(`Deno went on without its broker: exit ${run.code}, ${run.stdout}`);
    }
    if (broker.counts.allow !== 1) throw new Error(JSON.stringify(broker.counts));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
