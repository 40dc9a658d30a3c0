import assert from "node:assert/strict";
import { BPF_OBJECT_NAMES, BPF_SOURCE_SHA256 } from "./objects.ts";
import { BPF_OBJECT_SPECS, BPF_SPECS_SOURCE_SHA256, type BpfMapSpec } from "./object_specs.ts";
import {
  liveObjectSpec,
  OBJECT_SPECS_PATH,
  renderObjectSpecs,
} from "../backends/linux/_generate_object_specs.ts";
import { libbpf } from "../backends/linux/libbpf.ts";
import { oracleTest } from "../tests/_kernel.ts";

/** Why libbpf cannot be used here, or `null`. */
function libbpfMissing(): string | null {
  try {
    libbpf();
    return null;
  } catch (error) {
    return `needs libbpf (${
      error instanceof Error ? error.message : String(error)
    }; scripts/setup.sh)`;
  }
}

const REGENERATE = "run bash bpf/build.sh";

oracleTest(libbpfMissing(), {
  name:
    "object_specs.generated.ts lists the embedded objects' programs and maps as libbpf opens them",
  permissions: { ffi: true, read: true, env: ["CORDON_LIBBPF"] },
  async fn(t) {
    for (const name of BPF_OBJECT_NAMES) {
      await t.step(`${name}.bpf.o`, () => {
        const live = liveObjectSpec(name);
        const spec = BPF_OBJECT_SPECS[name];
        assert.deepEqual(
          spec.programs.map((p) => `${p.name} ${p.section}`),
          live.programs.map((p) => `${p.name} ${p.section}`),
          `${name}: the committed programs (name, section) differ from the object's: ${REGENERATE}`,
        );
        const shape = (m: BpfMapSpec) =>
          `${m.name} ${m.type} key ${m.keySize} value ${m.valueSize} max ${m.maxEntries}`;
        assert.deepEqual(
          spec.maps.map(shape),
          live.maps.map(shape),
          `${name}: the committed maps (name, type, sizes) differ from the object's: ${REGENERATE}`,
        );
      });
    }
    const live = Object.fromEntries(BPF_OBJECT_NAMES.map((n) => [n, liveObjectSpec(n)]));
    const text = renderObjectSpecs(live as typeof BPF_OBJECT_SPECS, BPF_SOURCE_SHA256);
    assert.equal(
      await Deno.readTextFile(OBJECT_SPECS_PATH),
      text,
      `bpf/object_specs.generated.ts is not the generator's output (edited by hand?): ${REGENERATE}`,
    );
  },
});

Deno.test({
  name: "object_specs.generated.ts was generated from the objects of these sources",
  permissions: "none",
  fn() {
    assert.equal(
      BPF_SPECS_SOURCE_SHA256,
      BPF_SOURCE_SHA256,
      `the specs are of other objects than objects.generated.ts's: ${REGENERATE}`,
    );
  },
});

Deno.test({
  name: "a map several objects declare has one shape in all (the backend shares it by fd)",
  permissions: "none",
  fn() {
    const seen = new Map<string, { object: string; map: BpfMapSpec }>();
    for (const object of BPF_OBJECT_NAMES) {
      for (const map of BPF_OBJECT_SPECS[object].maps) {
        const first = seen.get(map.name);
        if (first === undefined) {
          seen.set(map.name, { object, map });
          continue;
        }
        assert.deepEqual(map, first.map, `map "${map.name}" of ${object} and of ${first.object}`);
      }
    }
  },
});

Deno.test({
  name: "the specs list no libbpf internal map and every program with its section",
  permissions: "none",
  fn() {
    for (const object of BPF_OBJECT_NAMES) {
      const spec = BPF_OBJECT_SPECS[object];
      assert.ok(spec.programs.length > 0, `${object} has programs`);
      for (const map of spec.maps) {
        assert.match(map.name, /^[a-z_][a-z0-9_]*$/, `${object}: "${map.name}" is a declared map`);
      }
      for (const program of spec.programs) {
        assert.match(program.section, /^[a-z_]+\/[a-z0-9_/]+$/, `${object}: ${program.name}`);
      }
      const sorted = (names: string[]) => [...names].sort();
      const maps = spec.maps.map((m) => m.name);
      const programs = spec.programs.map((p) => p.name);
      assert.deepEqual(maps, sorted(maps), `${object}: maps sorted by name`);
      assert.deepEqual(programs, sorted(programs), `${object}: programs sorted by name`);
    }
  },
});
