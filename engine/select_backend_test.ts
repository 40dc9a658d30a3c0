import assert from "node:assert/strict";
import { backendFactoryFrom, selectBackend } from "./select_backend.ts";
import type { Backend, BackendFactory, BackendProbe } from "./backend.ts";
import { EngineError } from "./errors.ts";
import { SimulationBackend } from "../backends/simulation/simulation_backend.ts";

function fakeFactory(kind: "linux" | "dtrace", available: boolean): BackendFactory {
  return {
    kind,
    probe: (): Promise<BackendProbe> =>
      Promise.resolve({
        kind,
        available,
        reason: available ? `${kind} ok` : `${kind} missing`,
        features: [],
      }),
    create: async (): Promise<Backend> => {
      const sim = await SimulationBackend.create();
      return Object.assign(Object.create(sim), { kind }) as Backend;
    },
  };
}

function codeOf(error: unknown): string | undefined {
  return error instanceof EngineError ? error.code : undefined;
}

Deno.test("auto picks the strongest available backend and says why", async () => {
  const selection = await selectBackend({
    os: "linux",
    factories: { linux: () => Promise.resolve(fakeFactory("linux", true)) },
  });
  assert.equal(selection.kind, "linux");
  assert.match(selection.reason, /^auto: linux \(linux ok\)/);
});

Deno.test("auto falls back to the simulation for observe and evaluate, naming what was missing", async () => {
  for (const purpose of ["observe", "evaluate"] as const) {
    const selection = await selectBackend({
      os: "linux",
      purpose,
      factories: {
        linux: () => Promise.resolve(fakeFactory("linux", false)),
        dtrace: () => Promise.resolve(undefined),
      },
    });
    using _ = selection.backend;
    assert.equal(selection.kind, "simulation");
    assert.match(selection.reason, /linux missing/);
    assert.match(selection.reason, /dtrace: the dtrace backend is not part of this build/);
    assert.equal(selection.degraded, false);
  }
});

Deno.test("auto refuses to enforce with the simulation unless degradation is accepted", async () => {
  const factories = {
    linux: () => Promise.resolve(fakeFactory("linux", false)),
    dtrace: () => Promise.resolve(fakeFactory("dtrace", false)),
  };
  const error = await selectBackend({ os: "linux", purpose: "enforce", factories }).catch((e) => e);
  assert.equal(codeOf(error), "ENFORCEMENT_UNAVAILABLE");
  const selection = await selectBackend({
    os: "linux",
    purpose: "enforce",
    allowDegraded: true,
    factories,
  });
  using _ = selection.backend;
  assert.equal(selection.degraded, true);
  assert.match(selection.reason, /DEGRADED/);
});

Deno.test("an explicitly requested backend that is unavailable is an error, not a substitute", async () => {
  const error = await selectBackend({
    backend: "dtrace",
    factories: { dtrace: () => Promise.resolve(fakeFactory("dtrace", false)) },
  }).catch((e) => e);
  assert.equal(codeOf(error), "UNSUPPORTED_PLATFORM");
  assert.match(error.message, /dtrace missing/);
  const throwing = await selectBackend({
    backend: "linux",
    factories: { linux: () => Promise.reject(new Error("dlopen failed")) },
  }).catch((e) => e);
  assert.equal(codeOf(throwing), "UNSUPPORTED_PLATFORM");
  assert.match(throwing.message, /dlopen failed/);
  assert.equal(
    codeOf(await selectBackend({ backend: "vax" as "linux" }).catch((e) => e)),
    "INVALID_ARGUMENT",
  );
});

Deno.test("on an OS without kernel backends auto goes straight to the simulation", async () => {
  const selection = await selectBackend({ os: "windows", purpose: "evaluate" });
  using _ = selection.backend;
  assert.equal(selection.kind, "simulation");
  assert.equal(selection.probes.length, 1);
});

Deno.test("bpftrace selects the dtrace backend, or says why it is unavailable", async () => {
  const selection = await selectBackend({
    backend: "bpftrace",
    factories: { dtrace: () => Promise.resolve(fakeFactory("dtrace", true)) },
  });
  assert.equal(selection.kind, "dtrace");
  assert.match(selection.reason, /^bpftrace requested: dtrace ok/);
  const error = await selectBackend({
    backend: "bpftrace",
    factories: { dtrace: () => Promise.resolve(fakeFactory("dtrace", false)) },
  }).catch((e) => e);
  assert.equal(codeOf(error), "UNSUPPORTED_PLATFORM");
  assert.match(error.message, /bpftrace backend is unavailable: dtrace missing/);
});

Deno.test("the dtrace backend module is part of the build: both factories have the contract's shape", async () => {
  const module = await import("../backends/dtrace/dtrace_backend.ts");
  for (const factory of [module.DtraceBackend, module.BpftraceBackend]) {
    assert.equal(typeof factory, "function");
    assert.equal(factory.kind, "dtrace");
    assert.equal(typeof factory.probe, "function");
    assert.equal(typeof factory.create, "function");
  }
});

Deno.test("a backend module that fails to load is an error, not a missing backend", async () => {
  const broken = await backendFactoryFrom(
    "linux",
    () => Promise.reject(new TypeError('Module not found "file:///x/libbpf.ts"')),
  ).catch((e) => e);
  assert.ok(broken instanceof EngineError);
  assert.equal(broken.code, "BACKEND_LOAD_FAILED");
  assert.match(broken.message, /linux backend's module failed to load: Module not found/);
  const empty = await backendFactoryFrom("dtrace", () => Promise.resolve({ other: 1 })).catch((e) =>
    e
  );
  assert.equal(empty.code, "BACKEND_LOAD_FAILED");
  assert.match(empty.message, /does not export its factory DtraceBackend/);
  // selectBackend says so instead of falling back to the simulation.
  const selected = await selectBackend({
    os: "linux",
    purpose: "observe",
    factories: {
      linux: () => backendFactoryFrom("linux", () => Promise.reject(new Error("boom"))),
      dtrace: () => Promise.resolve(undefined),
    },
  }).catch((e) => e);
  assert.ok(selected instanceof EngineError && selected.code === "BACKEND_LOAD_FAILED");
});
