import {
  compileLandlock,
  compileRunLandlock,
  emitLandlock,
  isBeneath,
  isEmptyRuleset,
  LANDLOCK_ABI_LATEST,
  LANDLOCK_ACCESS_FS as A,
  LANDLOCK_ACCESS_NET as N,
  LANDLOCK_SCOPE as S,
  landlockFsRightsAt,
  normalisePath,
  PATH_CLASS_RIGHTS,
  requiredLandlockAbi,
  runScopes,
} from "./landlock.ts";
import { stableJson } from "./stable_json.ts";
import type { FilesystemRules, NetworkEndpoint, NetworkRules } from "../policies/types.ts";
import { fail } from "node:assert/strict";

const loc = { file: "p.yaml", line: 4, column: 3 };

function fs(
  read: string[],
  write: string[] = [],
  execute: string[] = [],
  minAbi?: number,
): FilesystemRules {
  return { read, write, execute, loc, ...(minAbi === undefined ? {} : { minAbi }) };
}

function ep(text: string, fields: Omit<NetworkEndpoint, "text" | "loc">): NetworkEndpoint {
  return { text, ...fields, loc };
}

function net(connect: NetworkEndpoint[], bind: NetworkEndpoint[] = []): NetworkRules {
  return { connect, bind, loc };
}

Deno.test("normalisePath() normalises lexically and rejects relative paths", {
  permissions: "none",
}, async (t) => {
  const cases: [string, string][] = [
    ["/", "/"],
    ["//usr///lib/", "/usr/lib"],
    ["/usr/./lib/../bin", "/usr/bin"],
    ["/../../etc", "/etc"],
    ["/tmp/app/", "/tmp/app"],
  ];
  for (const [input, want] of cases) {
    await t.step(input, () => {
      if (normalisePath(input) !== want) fail(`${input} → ${normalisePath(input)}`);
    });
  }
  let threw = false;
  try {
    normalisePath("usr/lib");
  } catch (e) {
    threw = e instanceof TypeError;
  }
  if (!threw) fail("a relative path was accepted");
});

Deno.test("isBeneath() is path-component aware", { permissions: "none" }, () => {
  if (!isBeneath("/usr/lib/x", "/usr")) fail("/usr/lib/x is beneath /usr");
  if (isBeneath("/usrlocal", "/usr")) fail("/usrlocal is not beneath /usr");
  if (!isBeneath("/etc", "/")) fail("everything is beneath /");
  if (isBeneath("/usr", "/usr/lib")) fail("a parent is not beneath its child");
});

Deno.test("compileLandlock() grants each path class its documented rights", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(
    fs(["/usr", "/etc"], ["/tmp/app"], ["/usr/bin/node"]),
    undefined,
    7,
  );
  const by = new Map(ruleset.paths.map((p) => [p.path, p]));
  if (by.get("/usr")?.access !== (A.READ_FILE.bit | A.READ_DIR.bit)) fail("read rights");
  const write = by.get("/tmp/app")!;
  for (const right of PATH_CLASS_RIGHTS.write) {
    if ((write.access & A[right].bit) === 0) fail(`write lacks ${right}`);
  }
  if (write.access & (A.READ_FILE.bit | A.EXECUTE.bit)) fail("write must not imply read/execute");
  if (by.get("/usr/bin/node")?.access !== (A.EXECUTE.bit | A.READ_FILE.bit)) fail("execute");
  if (ruleset.paths.map((p) => p.path).join() !== "/etc,/tmp/app,/usr,/usr/bin/node") {
    fail("paths are not sorted");
  }
  if (ruleset.handledAccessFs !== 0xffff) fail(`handled ${ruleset.handledAccessFs.toString(16)}`);
  if (ruleset.scoped !== (S.ABSTRACT_UNIX_SOCKET.bit | S.SIGNAL.bit)) fail("scopes at ABI 7");
  if (ruleset.handledAccessNet !== 0) fail("no network section, nothing handled");
  if (ruleset.gaps.length !== 0) fail(`gaps at ABI 7: ${JSON.stringify(ruleset.gaps)}`);
});

Deno.test("compileLandlock() merges the classes of a path listed more than once", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(fs(["/srv/", "/srv"], ["/srv/./"], []), undefined, 7);
  if (ruleset.paths.length !== 1) fail(JSON.stringify(ruleset.paths));
  const [rule] = ruleset.paths;
  if (rule!.classes.join() !== "read,write") fail(rule!.classes.join());
  if ((rule!.access & A.READ_FILE.bit) === 0 || (rule!.access & A.MAKE_REG.bit) === 0) {
    fail("read-write rights not merged");
  }
});

Deno.test("compileLandlock() cuts rights to the ABI and reports what is lost", {
  permissions: "none",
}, async (t) => {
  const table: [number, string[], string[]][] = [
    [1, ["REFER", "TRUNCATE", "IOCTL_DEV", "ABSTRACT_UNIX_SOCKET, SIGNAL"], []],
    [2, ["TRUNCATE", "IOCTL_DEV", "ABSTRACT_UNIX_SOCKET, SIGNAL"], ["REFER"]],
    [3, ["IOCTL_DEV", "ABSTRACT_UNIX_SOCKET, SIGNAL"], ["REFER", "TRUNCATE"]],
    [5, ["ABSTRACT_UNIX_SOCKET, SIGNAL"], ["REFER", "TRUNCATE", "IOCTL_DEV"]],
    [6, [], ["REFER", "TRUNCATE", "IOCTL_DEV"]],
  ];
  for (const [abi, gaps, present] of table) {
    await t.step(`ABI ${abi}`, () => {
      const ruleset = compileLandlock(fs(["/usr"], ["/tmp"], ["/usr/bin"]), undefined, abi);
      const subjects = ruleset.gaps.map((g) => g.subject);
      if (subjects.join("|") !== gaps.join("|")) fail(`gaps ${subjects.join("|")}`);
      const write = ruleset.paths.find((p) => p.path === "/tmp")!;
      for (const right of present) {
        if (!write.rights.includes(right as keyof typeof A)) fail(`${right} missing at ${abi}`);
      }
      if (
        (ruleset.handledAccessFs & ~write.access & ~(A.READ_FILE.bit | A.READ_DIR.bit |
          A.EXECUTE.bit)) !== 0
      ) {
        fail("write grants less than the ABI handles");
      }
      if (ruleset.handled.fs.length !== landlockFsRightsAt(abi).length) fail("handled");
    });
  }
});

Deno.test("compileLandlock() at ABI 0 handles nothing and reports every rule", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(fs(["/usr"]), net([]), 0);
  if (!isEmptyRuleset(ruleset) || ruleset.paths.length !== 0) fail("ABI 0 must handle nothing");
  if (!ruleset.gaps.some((g) => g.section === "filesystem" && g.enforcedBy === null)) {
    fail("filesystem gap missing");
  }
  if (!ruleset.gaps.some((g) => g.section === "network" && g.enforcedBy === "cgroup BPF")) {
    fail("network gap missing");
  }
});

Deno.test("compileLandlock() turns TCP endpoints into port rules and reports the rest", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(
    undefined,
    net(
      [
        ep("tcp/443", { protocol: "tcp", ports: [443, 443] }),
        ep("127.0.0.1:5432", { protocol: "any", address: "127.0.0.1", ports: [5432, 5432] }),
        ep("udp/53", { protocol: "udp", ports: [53, 53] }),
        ep("tcp/8000-8002", { protocol: "tcp", ports: [8000, 8002] }),
      ],
      [ep("tcp/443", { protocol: "tcp", ports: [443, 443] })],
    ),
    4,
  );
  if (ruleset.handledAccessNet !== (N.BIND_TCP.bit | N.CONNECT_TCP.bit)) fail("handled net");
  if (ruleset.handledAccessFs !== 0) fail("no filesystem section");
  if (ruleset.scoped !== 0 || ruleset.handled.scoped.length !== 0) fail("ABI 4 has no scopes");
  const ports = ruleset.ports.map((p) => `${p.port}:${p.rights.join("+")}`).join(" ");
  const want = "443:BIND_TCP+CONNECT_TCP 5432:CONNECT_TCP 8000:CONNECT_TCP 8001:CONNECT_TCP " +
    "8002:CONNECT_TCP";
  if (ports !== want) fail(ports);
  const gaps = ruleset.gaps.map((g) => `${g.subject}/${g.enforcedBy}`).sort().join(" ");
  if (gaps !== "127.0.0.1:5432/cgroup BPF ABSTRACT_UNIX_SOCKET, SIGNAL/null udp/53/cgroup BPF") {
    fail(gaps);
  }
});

Deno.test("compileLandlock() leaves to cgroup BPF an access whose ports it cannot list", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(
    undefined,
    net(
      [ep("10.0.0.0/8", { protocol: "any", address: "10.0.0.0/8" })],
      [ep("tcp/1-65535", { protocol: "tcp", ports: [1, 65535] })],
    ),
    7,
  );
  if (ruleset.handledAccessNet !== 0 || ruleset.ports.length !== 0) {
    fail("open or huge port lists must not be handled");
  }
  const subjects = ruleset.gaps.map((g) => g.subject);
  if (!subjects.includes("connect TCP") || !subjects.includes("bind TCP")) fail(subjects.join());
});

Deno.test("compileLandlock() denies all TCP of a kind whose list has no TCP endpoint", {
  permissions: "none",
}, () => {
  const ruleset = compileLandlock(
    undefined,
    net([ep("udp/53", { protocol: "udp", ports: [53, 53] })]),
    7,
  );
  if (ruleset.handledAccessNet !== (N.BIND_TCP.bit | N.CONNECT_TCP.bit)) fail("handled");
  if (ruleset.ports.length !== 0) fail("no TCP port is allowed");
});

Deno.test(
  "compileLandlock() is deterministic and JSON round-trips",
  { permissions: "none" },
  () => {
    const make = () =>
      compileLandlock(
        fs(["/usr", "/etc"], ["/tmp"], ["/usr/bin"]),
        net([ep("tcp/443", { protocol: "tcp", ports: [443, 443] })]),
        LANDLOCK_ABI_LATEST,
      );
    const a = stableJson(make());
    if (a !== stableJson(make())) fail("not deterministic");
    if (stableJson(JSON.parse(a)) !== a) fail("not plain JSON");
  },
);

Deno.test("requiredLandlockAbi() is minAbi, else the ABI the restricted classes need", {
  permissions: "none",
}, () => {
  if (requiredLandlockAbi(fs([], [], [], 3)) !== 3) fail("minAbi");
  if (requiredLandlockAbi(fs([], ["/tmp"])) !== A.IOCTL_DEV.abi) fail("default with write");
  if (requiredLandlockAbi(fs(["/usr"], [], ["/usr/bin"])) !== 1) fail("default without write");
});

Deno.test("compileLandlock() rejects a bad ABI", { permissions: "none" }, () => {
  let threw = false;
  try {
    compileLandlock(undefined, undefined, -1);
  } catch (e) {
    threw = e instanceof RangeError;
  }
  if (!threw) fail("ABI -1 accepted");
});

/** A layer with no sections, for the tests that add one. */
const layer = {
  policy: "p",
  mode: "enforce" as const,
  defaultAction: "allow" as const,
  defaultErrno: 1,
  arches: [],
  loc,
};

Deno.test("emitLandlock() emits each confining layer's ruleset and needed ABI", {
  permissions: "none",
}, () => {
  const set = {
    version: 1 as const,
    layers: [{ ...layer, filesystem: fs(["/usr"], ["/tmp"]) }, { ...layer, policy: "q" }],
  };
  const parsed = JSON.parse(emitLandlock(set, 3));
  if (parsed.abi !== 3 || parsed.layers.length !== 2 || parsed.layers[0].requiredAbi !== 5) {
    fail(JSON.stringify(parsed));
  }
  if (parsed.layers[0].ruleset.paths[1].path !== "/usr") fail("ruleset missing");
  // Every layer gets the scopes cordon run applies; ABI 3 has none, which is reported.
  const scopeGap = parsed.layers[1].ruleset.gaps.find((g: { section: string }) =>
    g.section === "scope"
  );
  if (parsed.layers[1].policy !== "q" || scopeGap?.neededAbi !== 6) fail(JSON.stringify(parsed));
  const at7 = JSON.parse(emitLandlock(set, 7));
  if (at7.layers[1].ruleset.scoped !== (S.ABSTRACT_UNIX_SOCKET.bit | S.SIGNAL.bit)) {
    fail("a layer without filesystem rules is scoped too");
  }
});

Deno.test("runScopes() keeps signal and abstract-socket scoping unless the policy grants them", {
  permissions: "none",
}, () => {
  const signalsAny = {
    ...layer,
    privileges: { capabilities: [], devices: [], signals: "any" as const, loc },
  };
  const abstract = {
    ...layer,
    policy: "q",
    network: {
      connect: [],
      bind: [],
      unix: [{ text: "@x11", kind: "abstract" as const, name: "x11", loc }],
      loc,
    },
  };
  const set = { version: 1 as const, layers: [signalsAny, abstract] };
  if (runScopes(set, signalsAny).join() !== "") fail(runScopes(set, signalsAny).join());
  if (runScopes(set, abstract).join() !== "SIGNAL") fail(runScopes(set, abstract).join());
  const plain = { version: 1 as const, layers: [layer] };
  if (runScopes(plain, layer).join() !== "ABSTRACT_UNIX_SOCKET,SIGNAL") fail("default");
  const ruleset = compileRunLandlock(set, signalsAny, 7);
  if (ruleset.scoped !== 0 || !isEmptyRuleset(ruleset)) fail("nothing to scope");
});

Deno.test("compileLandlock() restricts only the classes that list paths", {
  permissions: "none",
}, () => {
  const execOnly = compileLandlock(fs([], [], ["/usr", "/bin"]), undefined, 7);
  if (execOnly.handledAccessFs !== A.EXECUTE.bit) fail(execOnly.handled.fs.join());
  if (execOnly.scoped !== (S.ABSTRACT_UNIX_SOCKET.bit | S.SIGNAL.bit)) fail("scoped by default");
  if (compileLandlock(fs([], [], ["/usr"]), undefined, 7, []).scoped !== 0) fail("no scopes asked");
  if (execOnly.paths.some((p) => p.access !== A.EXECUTE.bit)) fail("access beyond handled");
  if (
    execOnly.gaps.length !== 0 ||
    compileLandlock(fs([], [], ["/usr"]), undefined, 1, []).gaps.length
  ) {
    fail("execute-only loses nothing at ABI 1");
  }
  const readOnly = compileLandlock(fs(["/usr"]), undefined, 7);
  if (readOnly.handledAccessFs !== (A.READ_FILE.bit | A.READ_DIR.bit)) fail("read only");
  if (readOnly.scoped === 0) fail("read confinement scopes at ABI 6+");
  const none = compileLandlock(fs([]), undefined, 7, []);
  if (!isEmptyRuleset(none) || none.paths.length !== 0) fail("no paths, no restriction");
});
