import { BPF_OBJECT_NAMES, BPF_SOURCE_SHA256, bpfObjectBytes } from "./objects.ts";
import { hasCommand, oracleTest } from "../tests/_kernel.ts";

const here = new URL(".", import.meta.url);

async function sourceHash(): Promise<string> {
  const parts = [
    "cordon.h",
    "call_args.h",
    "build.sh",
    "vmlinux/x86/vmlinux.h",
    ...BPF_OBJECT_NAMES.map((n) => `${n}.bpf.c`),
  ];
  const chunks = await Promise.all(parts.map((p) => Deno.readFile(new URL(p, here))));
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function output(command: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${text.decode(out.stderr)}`);
  }
  return text.decode(out.stdout);
}

Deno.test("objects.generated.ts was built from the current bpf/ sources", async () => {
  const hash = await sourceHash();
  if (hash !== BPF_SOURCE_SHA256) {
    throw new Error(
      `bpf/objects.generated.ts is stale (built from ${BPF_SOURCE_SHA256}, sources are ${hash}): run bash bpf/build.sh`,
    );
  }
});

Deno.test("every embedded object is a BPF ELF relocatable object", () => {
  for (const name of BPF_OBJECT_NAMES) {
    const elf = bpfObjectBytes(name);
    const view = new DataView(elf.buffer);
    if (view.getUint32(0) !== 0x7f454c46) throw new Error(`${name}: not ELF`);
    if (view.getUint16(16, true) !== 1) throw new Error(`${name}: not ET_REL`);
    if (view.getUint16(18, true) !== 247) throw new Error(`${name}: not EM_BPF`);
  }
});

const tools = ["clang", "llvm-strip", "bpftool"].filter((t) => !hasCommand(t));
oracleTest(tools.length > 0 && `needs ${tools.join(", ")} (scripts/setup.sh)`, {
  name: "a rebuild from the sources gives objects with the embedded objects' BTF",
  async fn() {
    // clang output is not byte-reproducible across builds and machines; the BTF (types,
    // maps, programs' signatures) is what user space depends on, so compare that.
    const dir = await Deno.makeTempDir({ prefix: "cordon-bpf-" });
    try {
      await output("bash", [new URL("build.sh", here).pathname, "--objects-only"], {
        CORDON_BPF_OUT: dir,
      });
      for (const name of BPF_OBJECT_NAMES) {
        const embedded = `${dir}/${name}.embedded.o`;
        await Deno.writeFile(embedded, bpfObjectBytes(name));
        const rebuilt = await output("bpftool", ["btf", "dump", "file", `${dir}/${name}.bpf.o`]);
        const shipped = await output("bpftool", ["btf", "dump", "file", embedded]);
        if (rebuilt !== shipped) {
          throw new Error(
            `${name}: the embedded object's BTF differs from a rebuild: run bash bpf/build.sh`,
          );
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
