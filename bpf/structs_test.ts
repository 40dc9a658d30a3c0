import {
  CORDON_EV,
  CORDON_VIEW_COMPAT,
  CORDON_VIEW_NO_ARG,
  type StructLayout,
  STRUCTS,
} from "./structs.ts";
import { BPF_OBJECT_NAMES, bpfObjectBytes } from "./objects.ts";
import { hasCommand, oracleTest } from "../tests/_kernel.ts";

interface BtfType {
  id: number;
  kind: string;
  name?: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: { name: string; type_id: number; bits_offset: number }[];
}

async function btfTypes(bytes: Uint8Array<ArrayBuffer>): Promise<Map<number, BtfType>> {
  const file = await Deno.makeTempFile({ suffix: ".bpf.o" });
  try {
    await Deno.writeFile(file, bytes);
    const out = await new Deno.Command("bpftool", {
      args: ["-j", "btf", "dump", "file", file, "format", "raw"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const { types } = JSON.parse(new TextDecoder().decode(out.stdout)) as { types: BtfType[] };
    return new Map(types.map((t) => [t.id, t]));
  } finally {
    await Deno.remove(file);
  }
}

function sizeOf(types: Map<number, BtfType>, id: number): number {
  const t = types.get(id);
  if (!t) throw new Error(`BTF type ${id} missing`);
  switch (t.kind) {
    case "INT":
    case "STRUCT":
    case "UNION":
    case "ENUM":
      return t.size!;
    case "ARRAY":
      return t.nr_elems! * sizeOf(types, t.type_id!);
    case "TYPEDEF":
    case "CONST":
    case "VOLATILE":
      return sizeOf(types, t.type_id!);
    case "PTR":
      return 8;
    default:
      throw new Error(`unexpected BTF kind ${t.kind}`);
  }
}

oracleTest(!hasCommand("bpftool") && "needs bpftool (scripts/setup.sh)", {
  name: "structs.ts matches every struct of bpf/cordon.h in the compiled objects' BTF",
  permissions: { read: true, write: true, run: ["bpftool"] },
  async fn(t) {
    // A struct may appear in several objects: every appearance must match.
    const found = new Map<string, number>();
    for (const name of BPF_OBJECT_NAMES) {
      const types = await btfTypes(bpfObjectBytes(name));
      for (const type of types.values()) {
        if (type.kind !== "STRUCT" || !type.name || !(type.name in STRUCTS)) continue;
        const mirror: StructLayout = STRUCTS[type.name as keyof typeof STRUCTS];
        await t.step(`${type.name} in ${name}.bpf.o`, () => {
          if (type.size !== mirror.size) {
            throw new Error(`${type.name}: size ${type.size} in BTF, ${mirror.size} in structs.ts`);
          }
          const members = type.members ?? [];
          const names = members.map((m) => m.name).sort();
          const mirrored = Object.keys(mirror.fields).sort();
          if (names.join() !== mirrored.join()) {
            throw new Error(`${type.name}: fields ${names} in BTF, ${mirrored} in structs.ts`);
          }
          for (const m of members) {
            const field = mirror.fields[m.name]!;
            if (m.bits_offset !== field.offset * 8) {
              throw new Error(
                `${type.name}.${m.name}: offset ${m.bits_offset / 8}, mirror ${field.offset}`,
              );
            }
            const size = sizeOf(types, m.type_id);
            if (size !== field.size) {
              throw new Error(`${type.name}.${m.name}: size ${size}, mirror ${field.size}`);
            }
          }
        });
        found.set(type.name, (found.get(type.name) ?? 0) + 1);
      }
    }
    const missing = Object.keys(STRUCTS).filter((s) => !found.has(s));
    if (missing.length) throw new Error(`not in any object's BTF: ${missing.join(", ")}`);
  },
});

Deno.test("CORDON_EV and CORDON_VIEW_* of structs.ts are bpf/cordon.h's #defines", async () => {
  const header = await Deno.readTextFile(new URL("./cordon.h", import.meta.url));
  const defines = new Map(
    [...header.matchAll(/^#define (CORDON_(?:EV|VIEW)_\w+) (0x[0-9a-f]+|\d+)u?\b/gm)]
      .map((m) => [m[1]!, Number(m[2])]),
  );
  const camel = (s: string) =>
    s.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const events = [...defines].filter(([name]) => name.startsWith("CORDON_EV_"));
  if (events.length !== Object.keys(CORDON_EV).length) {
    throw new Error(
      `cordon.h has ${events.length} event kinds, structs.ts ${Object.keys(CORDON_EV).length}`,
    );
  }
  for (const [name, value] of events) {
    const key = camel(name.slice("CORDON_EV_".length)) as keyof typeof CORDON_EV;
    if (CORDON_EV[key] !== value) throw new Error(`${name} ${value}: structs.ts ${CORDON_EV[key]}`);
  }
  if (defines.get("CORDON_VIEW_COMPAT") !== CORDON_VIEW_COMPAT) {
    throw new Error("CORDON_VIEW_COMPAT");
  }
  if (defines.get("CORDON_VIEW_NO_ARG") !== CORDON_VIEW_NO_ARG) {
    throw new Error("CORDON_VIEW_NO_ARG");
  }
});
